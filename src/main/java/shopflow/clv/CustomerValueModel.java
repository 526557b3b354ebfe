package shopflow.clv;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The two fitted models together, as of the moment whose history they were fitted on: how many
 * orders each customer is likely to place and what they will be worth.
 */
public record CustomerValueModel(OffsetDateTime asOf, BgNbd orders, GammaGamma value) {

    /** The horizon the reports predict over: 365 days, in weeks. */
    public static final double YEAR_WEEKS = 365 / 7.0;
    /** A model needs at least this many customers with a repeat order to learn how often customers come back. */
    public static final int MIN_REPEAT_BUYERS = 100;
    /** ... and this many weeks between the shop's first order and the fit, to learn how many stop. */
    public static final double MIN_WEEKS = 12;

    /** A shop with too little history for the models: the message says what it has and needs. */
    public static final class TooLittleHistory extends IllegalArgumentException {
        TooLittleHistory(String message) {
            super(message);
        }
    }

    /**
     * Fits both models on {@code buyers}' histories as of {@code asOf}: the MBG/NBD on when they
     * ordered, the Gamma-Gamma on what their orders were worth.
     */
    public static CustomerValueModel fit(OffsetDateTime asOf, List<Buyer> buyers) {
        requireEnoughHistory(buyers);
        BgNbd orders = MaximumLikelihood.bgNbd(buyers, true);
        GammaGamma value = MaximumLikelihood.gammaGamma(buyers);
        if (!(value.q() > 1)) {
            throw new TooLittleHistory("order values too spread for the Gamma-Gamma model to have an expected value"
                    + " (q = " + value.q() + ", at most 1)");
        }
        return new CustomerValueModel(asOf, orders, value);
    }

    static void requireEnoughHistory(List<Buyer> buyers) {
        long repeat = buyers.stream().filter(buyer -> buyer.orders() > 1).count();
        double weeks = buyers.stream().mapToDouble(Buyer::ageWeeks).max().orElse(0);
        if (repeat < MIN_REPEAT_BUYERS || weeks < MIN_WEEKS) {
            throw new TooLittleHistory(String.format(java.util.Locale.ROOT, "too little history to predict customer"
                    + " value: %d customers with a repeat order over %.0f weeks, at least %d over %.0f weeks needed",
                    repeat, weeks, MIN_REPEAT_BUYERS, MIN_WEEKS));
        }
        // an imported shop's orders can all be worth nothing (free samples, full discounts)
        long valued = buyers.stream().filter(buyer -> buyer.avgOrderValue() > 0).count();
        if (valued < MIN_REPEAT_BUYERS) {
            throw new TooLittleHistory("too few customers whose orders are worth something to predict their value: "
                    + valued + ", at least " + MIN_REPEAT_BUYERS + " needed");
        }
    }

    /** One customer's prediction: probability active now, expected orders and net sales (GBP) in the next year. */
    public record Prediction(double probabilityActive, double expectedOrders, double expectedNetSales) {
    }

    public Prediction predict(Buyer buyer) {
        double expected = orders.expectedOrders(buyer, YEAR_WEEKS);
        return new Prediction(orders.probabilityActive(buyer), expected,
                expected * value.expectedOrderValue(buyer.orders(), Math.max(0, buyer.avgOrderValue())));
    }
}
