package shopflow.clv;

import java.util.List;
import org.apache.commons.math3.special.Gamma;

/**
 * The BG/NBD model of repeat buying (Fader, Hardie and Lee 2005, "Counting your customers the easy
 * way"): while active, a customer buys at a Poisson rate drawn from Gamma(r, alpha) across
 * customers, and after each purchase drops out with a probability drawn from Beta(a, b); times in
 * weeks. {@link #modified} is the MBG/NBD variant (Batislam, Denizel and Filiztekin 2007), where a
 * customer may also drop out right after the first purchase: in the BG/NBD a customer with a single
 * order is certain to be active however long ago it was, which is the wrong answer for a shop's
 * list of lapsed one-time buyers; the MBG/NBD is what the reports use. One formula serves both:
 * the MBG/NBD's terms are the BG/NBD's with one more purchase to drop out after (b + x for b + x - 1).
 */
public record BgNbd(double r, double alpha, double a, double b, boolean modified) {

    /** 1 for the BG/NBD (no dropout before the first repeat purchase), 0 for the MBG/NBD. */
    private int lag() {
        return modified ? 0 : 1;
    }

    /** The log-likelihood of one customer's history. */
    public double logLikelihood(Buyer buyer) {
        int x = buyer.repeats();
        double a1 = Gamma.logGamma(r + x) - Gamma.logGamma(r) + r * Math.log(alpha);
        double a2 = Gamma.logGamma(a + b) + Gamma.logGamma(b + x + 1 - lag()) - Gamma.logGamma(b)
                - Gamma.logGamma(a + b + x + 1 - lag());
        return a1 + a2 + logBracket(x, buyer.lastWeek(), buyer.ageWeeks(), Math.log(alpha + buyer.ageWeeks()),
                Math.log(alpha + buyer.lastWeek()));
    }

    /** The sum of {@link #logLikelihood} over {@code buyers}. */
    public double logLikelihood(List<Buyer> buyers) {
        double sum = 0;
        for (Buyer buyer : buyers) {
            sum += logLikelihood(buyer);
        }
        return sum;
    }

    /**
     * log[(alpha + T)^-(r + x) + d (a / (b + x - lag)) (alpha + t_x)^-(r + x)], d = 0 for a BG/NBD
     * customer without repeat purchases: the part of the likelihood that depends on the times
     * (the logs given, as the fit keeps them in tables).
     */
    double logBracket(int x, double lastWeek, double ageWeeks, double logAlphaT, double logAlphaTx) {
        double a3 = -(r + x) * logAlphaT;
        if (x == 0 && !modified) {
            return a3;
        }
        double a4 = Math.log(a) - Math.log(b + x - lag()) - (r + x) * logAlphaTx;
        return a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4));
    }

    /** The odds a customer has dropped out, against still being active, given their history. */
    private double dropoutOdds(int x, double lastWeek, double ageWeeks) {
        if (x == 0 && !modified) {
            return 0;
        }
        return a / (b + x - lag()) * Math.exp((r + x) * (Math.log(alpha + ageWeeks) - Math.log(alpha + lastWeek)));
    }

    /** The probability the customer is still active at the moment of the fit. */
    public double probabilityActive(Buyer buyer) {
        return 1 / (1 + dropoutOdds(buyer.repeats(), buyer.lastWeek(), buyer.ageWeeks()));
    }

    /** The expected number of orders in the {@code weeks} after the moment of the fit, given the history. */
    public double expectedOrders(Buyer buyer, double weeks) {
        int x = buyer.repeats();
        double t = buyer.ageWeeks();
        double z = weeks / (alpha + t + weeks);
        double hyp = Hypergeometric.f21(r + x, b + x + 1 - lag(), a + b + x - lag(), z);
        double bracket = 1 - Math.exp((r + x) * Math.log((alpha + t) / (alpha + t + weeks))) * hyp;
        return (a + b + x - lag()) / (a - 1) * bracket / (1 + dropoutOdds(x, buyer.lastWeek(), t));
    }
}
