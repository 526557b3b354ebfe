package shopflow.clv;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.apache.commons.math3.special.Gamma;

/**
 * Fits the two models by maximum likelihood with Commons Math's BOBYQA over the logs of the
 * parameters (they are all positive; BOBYQA needs no gradient, and four or three parameters are
 * few enough for it). The likelihood is the hot loop: customers with the same
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
        // customers with the same history count once, with a weight; each distinct time (weeks) gets an index,
        // so that a step takes the log of alpha plus each time once, not once per customer
        Map<Buyer, Integer> counts = new TreeMap<>(Comparator.comparingInt(Buyer::orders)
                .thenComparingDouble(Buyer::lastWeek).thenComparingDouble(Buyer::ageWeeks));
        TreeMap<Double, Integer> timeIndex = new TreeMap<>();
        int maxRepeats = 0;
        for (Buyer buyer : buyers) {
            counts.merge(buyer, 1, Integer::sum);
            timeIndex.put(buyer.lastWeek(), 0);
            timeIndex.put(buyer.ageWeeks(), 0);
            maxRepeats = Math.max(maxRepeats, buyer.repeats());
        }
        double[] times = new double[timeIndex.size()];
        int t = 0;
        for (Map.Entry<Double, Integer> e : timeIndex.entrySet()) {
            times[t] = e.getKey();
            e.setValue(t++);
        }
        int n = counts.size();
        int[] x = new int[n];
        int[] last = new int[n];
        int[] age = new int[n];
        double[] weight = new double[n];
        int i = 0;
        for (Map.Entry<Buyer, Integer> e : counts.entrySet()) {
            x[i] = e.getKey().repeats();
            last[i] = timeIndex.get(e.getKey().lastWeek());
            age[i] = timeIndex.get(e.getKey().ageWeeks());
            weight[i] = e.getValue();
            i++;
        }
        int top = maxRepeats;
        int lag = modified ? 0 : 1;
        double total = buyers.size();
        MultivariateFunction negativeMeanLogLikelihood = theta -> {
            double r = Math.exp(theta[0]);
            double alpha = Math.exp(theta[1]);
            double a = Math.exp(theta[2]);
            double b = Math.exp(theta[3]);
            // A1 and A2 (BgNbd.logLikelihood) and the log of a / (b + x - lag) depend only on x
            double[] byRepeats = new double[top + 1];
            double[] logOdds = new double[top + 1];
            double common = -Gamma.logGamma(r) + r * Math.log(alpha) + Gamma.logGamma(a + b) - Gamma.logGamma(b);
            for (int k = 0; k <= top; k++) {
                byRepeats[k] = common + Gamma.logGamma(r + k) + Gamma.logGamma(b + k + 1 - lag)
                        - Gamma.logGamma(a + b + k + 1 - lag);
                logOdds[k] = k == 0 && !modified ? Double.NEGATIVE_INFINITY : Math.log(a) - Math.log(b + k - lag);
            }
            double[] logAlphaPlus = new double[times.length];
            for (int k = 0; k < times.length; k++) {
                logAlphaPlus[k] = Math.log(alpha + times[k]);
            }
            double sum = chunked(n, j -> {
                // log[(alpha + T)^-(r + x) + (a / (b + x - lag)) (alpha + t_x)^-(r + x)], as BgNbd.logBracket
                double a3 = -(r + x[j]) * logAlphaPlus[age[j]];
                double a4 = logOdds[x[j]] - (r + x[j]) * logAlphaPlus[last[j]];
                double bracket = a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4));
                return weight[j] * (byRepeats[x[j]] + bracket);
            });
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

    /**
     * BOBYQA (Powell's derivative-free trust-region method) from {@code start}, within e^-15..e^15 of
     * each parameter: on these smooth likelihoods it stops after about a hundred steps where the
     * Nelder-Mead simplex took several hundred.
     */
    private static double[] minimise(MultivariateFunction f, double[] start) {
        double[] lower = new double[start.length];
        double[] upper = new double[start.length];
        java.util.Arrays.fill(lower, -15);
        java.util.Arrays.fill(upper, 15);
        BOBYQAOptimizer optimizer = new BOBYQAOptimizer(2 * start.length + 1, 1.0, 1e-9);
        PointValuePair found = optimizer.optimize(new MaxEval(MAX_EVALUATIONS), new ObjectiveFunction(f),
                GoalType.MINIMIZE, new InitialGuess(start), new SimpleBounds(lower, upper));
        return found.getPoint();
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
