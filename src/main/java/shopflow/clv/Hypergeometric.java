package shopflow.clv;

/**
 * Gauss's hypergeometric function 2F1(a, b; c; z), which the BG/NBD expectation needs for
 * 0 <= z < 1, by its power series. Commons Math has no 2F1; the series is what the model's
 * authors give (Fader, Hardie and Lee 2005). For a customer with x orders the model's arguments
 * are a = r + x, b = b + x + 1, c = a + b + x: large, and the terms grow for a while before they
 * fall. Euler's transformation 2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z) turns
 * them into c - a = a + b - r and c - b = a - 1 (the model's a, b, r: small, whatever x), whose
 * series ends in a few terms: it is used whenever it makes the numerators smaller. The same in SQL
 * (clv_hyp2f1, R__70_customer_value.sql), where each step of the loop costs a microsecond.
 */
final class Hypergeometric {

    private static final int MAX_TERMS = 1_000_000;

    private Hypergeometric() {
    }

    static double f21(double a, double b, double c, double z) {
        if (!(z >= 0 && z < 1)) {
            throw new IllegalArgumentException("2F1 is summed here for 0 <= z < 1 only, not z = " + z);
        }
        if (Math.abs((c - a) * (c - b)) < Math.abs(a * b)) {
            return Math.pow(1 - z, c - a - b) * series(c - a, c - b, c, z);
        }
        return series(a, b, c, z);
    }

    private static double series(double a, double b, double c, double z) {
        // past the larger root of (a + n)(b + n) z = (c + n)(n + 1), with every factor positive, each
        // term is smaller than the one before: the first negligible term there ends the sum
        double qa = 1 - z;
        double qb = c + 1 - (a + b) * z;
        double qc = c - a * b * z;
        double peak = Math.max(Math.max(0, Math.max(-a, -b)),
                Math.ceil((-qb + Math.sqrt(Math.max(0, qb * qb - 4 * qa * qc))) / (2 * qa)));
        double term = 1;
        double sum = 1;
        for (int n = 0; n < MAX_TERMS; n++) {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
            sum += term;
            if (Math.abs(term) <= 1e-15 * Math.abs(sum) && n >= peak) {
                return sum;
            }
        }
        throw new ArithmeticException("2F1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge");
    }
}
