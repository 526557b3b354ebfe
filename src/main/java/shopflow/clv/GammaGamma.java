package shopflow.clv;

import java.util.List;
import org.apache.commons.math3.special.Gamma;

/**
 * The Gamma-Gamma model of order value (Fader and Hardie 2013, "The Gamma-Gamma model of monetary
 * value"): a customer's orders are worth Gamma(p, nu) each, nu drawn from Gamma(q, gamma) across
 * customers, so a customer's expected order value leans from the shop's average towards their own
 * average the more orders they have. Fitted on every buyer's average net sales per order (GBP).
 */
public record GammaGamma(double p, double q, double gamma) {

    /** The log-likelihood of a customer's {@code orders} orders averaging {@code average}. */
    public double logLikelihood(int orders, double average) {
        double px = p * orders;
        return Gamma.logGamma(px + q) - Gamma.logGamma(px) - Gamma.logGamma(q) + q * Math.log(gamma)
                + (px - 1) * Math.log(average) + px * Math.log(orders) - (px + q) * Math.log(gamma + orders * average);
    }

    /** The sum of {@link #logLikelihood} over the buyers whose orders are worth something. */
    public double logLikelihood(List<Buyer> buyers) {
        double sum = 0;
        for (Buyer buyer : buyers) {
            if (buyer.avgOrderValue() > 0) {
                sum += logLikelihood(buyer.orders(), buyer.avgOrderValue());
            }
        }
        return sum;
    }

    /** The expected value of the customer's next orders, each (GBP); finite only for q > 1. */
    public double expectedOrderValue(int orders, double average) {
        return p * (gamma + orders * average) / (p * orders + q - 1);
    }
}
