package shopflow.clv;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;
import org.apache.commons.math3.special.Gamma;

/**
 * Fits the two models by maximum likelihood with Commons Math's Nelder-Mead simplex over the logs
 * of the parameters (they are all positive; the simplex needs no gradient, and four or three
 * parameters are few enough for it). The likelihood is the hot loop: customers with the same
 * history are counted once, the terms that depend only on the number of orders are worked out
 * once per step, and the customers are summed in fixed chunks on every core (a fixed order, so a
 * fit gives the same parameters every time).
 */
final class MaximumLikelihood {

    private static final int CHUNKS = 64;
    private static final int MAX_EVALUATIONS = 20_000;

    private MaximumLikelihood() {
    }

    /** The BG/NBD (or MBG/NBD) parameters that make {@code buyers}' histories likeliest. */
    static BgNbd bgNbd(List<Buyer> buyers, boolean modified) {
        Map<Buyer, Integer> counts = new HashMap<>();
        int maxRepeats = 0;
        for (Buyer buyer : buyers) {
            counts.merge(new Buyer(0, buyer.orders(), buyer.lastWeek(), buyer.ageWeeks(), 0), 1, Integer::sum);
            maxRepeats = Math.max(maxRepeats, buyer.repeats());
        }
        int n = counts.size();
        int[] x = new int[n];
        double[] lastWeek = new double[n];
        double[] age = new double[n];
        double[] weight = new double[n];
        int i = 0;
        for (Map.Entry<Buyer, Integer> e : counts.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparingInt(Buyer::orders)
                        .thenComparingDouble(Buyer::lastWeek).thenComparingDouble(Buyer::ageWeeks))).toList()) {
            x[i] = e.getKey().repeats();
            lastWeek[i] = e.getKey().lastWeek();
            age[i] = e.getKey().ageWeeks();
            weight[i] = e.getValue();
            i++;
        }
        int top = maxRepeats;
        double total = buyers.size();
        MultivariateFunction negativeMeanLogLikelihood = theta -> {
            BgNbd model = new BgNbd(Math.exp(theta[0]), Math.exp(theta[1]), Math.exp(theta[2]), Math.exp(theta[3]), modified);
            // the terms of A1 and A2 depend only on x
            double[] byRepeats = new double[top + 1];
            int lag = modified ? 0 : 1;
            double r = model.r();
            double a = model.a();
            double b = model.b();
            double common = -Gamma.logGamma(r) + r * Math.log(model.alpha()) + Gamma.logGamma(a + b) - Gamma.logGamma(b);
            for (int k = 0; k <= top; k++) {
                byRepeats[k] = common + Gamma.logGamma(r + k) + Gamma.logGamma(b + k + 1 - lag)
                        - Gamma.logGamma(a + b + k + 1 - lag);
            }
            double sum = chunked(n, j -> weight[j] * (byRepeats[x[j]] + model.logBracket(x[j], lastWeek[j], age[j],
                    Math.log(model.alpha() + age[j]), Math.log(model.alpha() + lastWeek[j]))));
            return Double.isFinite(sum) ? -sum / total : Double.MAX_VALUE;
        };
        double[] best = minimise(negativeMeanLogLikelihood, new double[] {0, 0, 0, 0});
        return new BgNbd(Math.exp(best[0]), Math.exp(best[1]), Math.exp(best[2]), Math.exp(best[3]), modified);
    }

    /** The Gamma-Gamma parameters likeliest for the buyers' average order values (those above 0). */
    static GammaGamma gammaGamma(List<Buyer> buyers) {
        List<Buyer> valued = buyers.stream().filter(buyer -> buyer.avgOrderValue() > 0).toList();
        int n = valued.size();
        int[] orders = new int[n];
        double[] average = new double[n];
        int maxOrders = 0;
        double sumLogs = 0;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            orders[i] = valued.get(i).orders();
            average[i] = valued.get(i).avgOrderValue();
            maxOrders = Math.max(maxOrders, orders[i]);
            mean += average[i] / n;
        }
        int[] withOrders = new int[maxOrders + 1];
        double[] logOrders = new double[maxOrders + 1];
        double[] sumLogAverage = new double[maxOrders + 1];
        for (int i = 0; i < n; i++) {
            withOrders[orders[i]]++;
            sumLogAverage[orders[i]] += Math.log(average[i]);
        }
        for (int k = 1; k <= maxOrders; k++) {
            logOrders[k] = Math.log(k);
        }
        int top = maxOrders;
        MultivariateFunction negativeMeanLogLikelihood = theta -> {
            double p = Math.exp(theta[0]);
            double q = Math.exp(theta[1]);
            double gamma = Math.exp(theta[2]);
            // everything but the last term depends only on the number of orders and the sum of the log averages
            double sum = 0;
            for (int k = 1; k <= top; k++) {
                if (withOrders[k] > 0) {
                    double px = p * k;
                    sum += withOrders[k] * (Gamma.logGamma(px + q) - Gamma.logGamma(px) - Gamma.logGamma(q)
                            + q * Math.log(gamma) + px * logOrders[k]) + (px - 1) * sumLogAverage[k];
                }
            }
            sum -= chunked(n, j -> (p * orders[j] + q) * Math.log(gamma + orders[j] * average[j]));
            return Double.isFinite(sum) ? -sum / n : Double.MAX_VALUE;
        };
        // a start near the shop's scale: q a little above 1, gamma so that the prior mean p gamma / (q - 1) is the mean
        double[] best = minimise(negativeMeanLogLikelihood, new double[] {0, Math.log(2), Math.log(mean)});
        return new GammaGamma(Math.exp(best[0]), Math.exp(best[1]), Math.exp(best[2]));
    }

    /** Nelder-Mead from {@code start}, restarted from where it stopped until a restart gains nothing. */
    private static double[] minimise(MultivariateFunction f, double[] start) {
        SimplexOptimizer optimizer = new SimplexOptimizer(1e-12, 1e-12);
        double[] point = start;
        double value = f.value(start);
        for (int round = 0; round < 5; round++) {
            PointValuePair found = optimizer.optimize(new MaxEval(MAX_EVALUATIONS), new ObjectiveFunction(f),
                    GoalType.MINIMIZE, new InitialGuess(point), new NelderMeadSimplex(point.length, 0.5));
            boolean gained = found.getValue() < value - 1e-12;
            point = found.getPoint();
            value = found.getValue();
            if (!gained && round > 0) {
                break;
            }
        }
        return point;
    }

    private interface Term {
        double at(int index);
    }

    /** The sum of {@code term} over 0..n-1, in fixed chunks added in order (the same sum every time). */
    private static double chunked(int n, Term term) {
        double[] partial = new double[CHUNKS];
        IntStream.range(0, CHUNKS).parallel().forEach(c -> {
            double s = 0;
            for (int j = (int) ((long) n * c / CHUNKS), end = (int) ((long) n * (c + 1) / CHUNKS); j < end; j++) {
                s += term.at(j);
            }
            partial[c] = s;
        });
        double sum = 0;
        for (double s : partial) {
            sum += s;
        }
        return sum;
    }
}
