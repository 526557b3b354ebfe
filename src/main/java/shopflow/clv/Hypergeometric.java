package shopflow.clv;

/**
 * Gauss's hypergeometric function 2F1(a, b; c; z) by its power series, which the BG/NBD
 * expectation needs for 0 <= z < 1. Commons Math has no 2F1; the series is what the model's
 * authors give (Fader, Hardie and Lee 2005, appendix) and converges for |z| < 1, slowly near 1
 * (z = t / (alpha + T + t) stays below 1 for every customer, and the terms of a customer with
 * many orders first grow, so the loop stops only on a small term after the largest).
 */
final class Hypergeometric {

    private static final int MAX_TERMS = 1_000_000;

    private Hypergeometric() {
    }

    static double f21(double a, double b, double c, double z) {
        if (!(z >= 0 && z < 1)) {
            throw new IllegalArgumentException("2F1 is summed here for 0 <= z < 1 only, not z = " + z);
        }
        double term = 1;
        double sum = 1;
        for (int n = 0; n < MAX_TERMS; n++) {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
            sum += term;
            // past the largest term (its ratio below 1) and negligible: the rest is smaller still
            if (Math.abs(term) <= 1e-15 * Math.abs(sum) && (a + n + 1) * (b + n + 1) * z < (c + n + 1) * (n + 2)) {
                return sum;
            }
        }
        throw new ArithmeticException("2F1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge");
    }
}
