package shopflow.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The model formulas at the parameters Fader, Hardie and Lee (2005) fitted to the CDNOW data
 * (r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, weeks; Gamma-Gamma p = 6.25, q = 3.74,
 * gamma = 15.44 from Fader and Hardie's Gamma-Gamma note), against the paper's published
 * expectation and values worked out independently at 30 digits (mpmath: loggamma, hyp2f1); and
 * the fit recovering the parameters of a population drawn from the model.
 */
class CustomerValueModelTest {

    private static final BgNbd CDNOW = new BgNbd(0.243, 4.414, 0.793, 2.426, false);
    private static final BgNbd CDNOW_MODIFIED = new BgNbd(0.243, 4.414, 0.793, 2.426, true);
    private static final GammaGamma CDNOW_VALUE = new GammaGamma(6.25, 3.74, 15.44);
    private static final OffsetDateTime AS_OF = OffsetDateTime.parse("2026-06-30T12:00Z");

    private static Buyer buyer(int repeats, double lastWeek, double ageWeeks) {
        return new Buyer(1, repeats + 1, lastWeek, ageWeeks, 10);
    }

    @Test
    void the_papers_customer_with_two_repeat_purchases_expects_1_226_in_the_next_39_weeks() {
        // Fader, Hardie and Lee (2005), section 5: x = 2, t_x = 30.43, T = 38.86: E[Y(39)] = 1.226
        assertThat(CDNOW.expectedOrders(buyer(2, 30.43, 38.86), 39)).isCloseTo(1.226, within(5e-4));
    }

    @ParameterizedTest(name = "BG/NBD x={0} t_x={1} T={2}")
    @CsvSource({
        "2, 30.43, 38.86, -9.458606307066, 0.726578570081, 1.226028174767, 1.562224270430",
        "0, 0, 38.86, -0.554713276438, 1, 0.195098052011, 0.252681746913",
        "0, 0, 77.86, -0.710841541312, 1, 0.107878550065, 0.141443943742",
        "5, 10, 70, -14.395567813522, 0.001480627890, 0.003549063923, 0.004564953145"})
    void bg_nbd_likelihood_activity_and_expectation_match_an_independent_evaluation(int x, double tx, double t,
            double logLikelihood, double active, double in39Weeks, double inAYear) {
        Buyer buyer = buyer(x, tx, t);
        assertThat(CDNOW.logLikelihood(buyer)).isCloseTo(logLikelihood, within(1e-9));
        assertThat(CDNOW.probabilityActive(buyer)).isCloseTo(active, within(1e-9));
        assertThat(CDNOW.expectedOrders(buyer, 39)).isCloseTo(in39Weeks, within(1e-9));
        assertThat(CDNOW.expectedOrders(buyer, 365 / 7.0)).isCloseTo(inAYear, within(1e-9));
    }

    @ParameterizedTest(name = "MBG/NBD x={0} t_x={1} T={2}")
    @CsvSource({
        "2, 30.43, 38.86, -9.687182636250, 0.774419242624, 1.340497428491, 1.717974308001",
        "0, 0, 38.86, -0.386952220571, 0.637253337965, 0.127461382546, 0.166092538360",
        "0, 0, 77.86, -0.483590127496, 0.600448528457, 0.065734295384, 0.086539217326",
        "5, 10, 70, -14.641433714476, 0.001710645795, 0.004155457732, 0.005362598303"})
    void mbg_nbd_likelihood_activity_and_expectation_match_an_independent_evaluation(int x, double tx, double t,
            double logLikelihood, double active, double in39Weeks, double inAYear) {
        Buyer buyer = buyer(x, tx, t);
        assertThat(CDNOW_MODIFIED.logLikelihood(buyer)).isCloseTo(logLikelihood, within(1e-9));
        assertThat(CDNOW_MODIFIED.probabilityActive(buyer)).isCloseTo(active, within(1e-9));
        assertThat(CDNOW_MODIFIED.expectedOrders(buyer, 39)).isCloseTo(in39Weeks, within(1e-9));
        assertThat(CDNOW_MODIFIED.expectedOrders(buyer, 365 / 7.0)).isCloseTo(inAYear, within(1e-9));
    }

    @Test
    void in_the_bg_nbd_a_one_time_buyer_is_always_active_in_the_mbg_nbd_less_so_the_longer_ago() {
        assertThat(CDNOW.probabilityActive(buyer(0, 0, 300))).isEqualTo(1.0);
        double recent = CDNOW_MODIFIED.probabilityActive(buyer(0, 0, 2));
        double longAgo = CDNOW_MODIFIED.probabilityActive(buyer(0, 0, 300));
        assertThat(longAgo).isLessThan(recent);
    }

    @ParameterizedTest(name = "Gamma-Gamma {0} orders averaging {1}")
    @CsvSource({"1, 20, -3.594196492949, 24.638487208009", "3, 35.5, -4.090552209679, 35.464169381107",
        "10, 5, -9.758943266665, 6.269160024525"})
    void gamma_gamma_likelihood_and_expected_order_value_match_an_independent_evaluation(int orders, double average,
            double logLikelihood, double expected) {
        assertThat(CDNOW_VALUE.logLikelihood(orders, average)).isCloseTo(logLikelihood, within(1e-9));
        assertThat(CDNOW_VALUE.expectedOrderValue(orders, average)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void the_hypergeometric_series_matches_an_independent_evaluation_near_one_too() {
        assertThat(Hypergeometric.f21(2.243, 4.426, 4.219, 0.5)).isCloseTo(5.161693901383614, within(1e-12));
        // terms that grow for a hundred steps before they fall: 3.96266441783998478e26
        assertThat(Hypergeometric.f21(20.243, 22.426, 22.219, 0.95) / 3.96266441783998478e26).isCloseTo(1, within(1e-12));
        assertThatThrownBy(() -> Hypergeometric.f21(1, 1, 1, 1)).hasMessageContaining("0 <= z < 1 only");
    }

    /**
     * Draws customers from the MBG/NBD with known parameters (a Gamma rate, a Beta dropout after
     * each purchase, the first one included) and Gamma-Gamma order values, over 100 weeks of
     * acquisition and 100 more weeks: the fit gives the parameters back, and a customer with a
     * single order long ago comes out unlikely to be active, one with a single recent order likely.
     */
    @Test
    void a_fit_recovers_the_parameters_of_customers_drawn_from_the_model() {
        Random random = new Random(42);
        double r = 1.5;
        double alpha = 10;
        double a = 2;
        double b = 6;
        double p = 3;
        double q = 4;
        double gamma = 50;
        List<Buyer> buyers = new ArrayList<>();
        for (int id = 0; id < 20_000; id++) {
            double rate = gammaDraw(random, r) / alpha;
            double dropout = beta(random, a, b);
            double nu = gammaDraw(random, q) / gamma;
            double age = 200 * random.nextDouble();
            double t = 0;
            double last = 0;
            int orders = 1;
            double spent = gammaDraw(random, p) / nu;
            while (random.nextDouble() >= dropout) { // still active after this purchase
                t += -Math.log(1 - random.nextDouble()) / rate;
                if (t > age) {
                    break;
                }
                last = t;
                orders++;
                spent += gammaDraw(random, p) / nu;
            }
            buyers.add(new Buyer(id, orders, last, age, spent / orders));
        }
        CustomerValueModel model = CustomerValueModel.fit(AS_OF, buyers);
        assertThat(model.orders().r()).isCloseTo(r, within(0.25 * r));
        assertThat(model.orders().alpha()).isCloseTo(alpha, within(0.25 * alpha));
        assertThat(model.orders().a()).isCloseTo(a, within(0.35 * a));
        assertThat(model.orders().b()).isCloseTo(b, within(0.35 * b));
        assertThat(model.value().p()).isCloseTo(p, within(0.15 * p));
        assertThat(model.value().q()).isCloseTo(q, within(0.15 * q));
        assertThat(model.value().gamma()).isCloseTo(gamma, within(0.2 * gamma));
        // the fit is a maximum: nudging any parameter lowers the likelihood
        double best = model.orders().logLikelihood(buyers);
        assertThat(new BgNbd(r * 1.05, alpha, a, b, true).logLikelihood(buyers)).isLessThan(best);
        assertThat(new BgNbd(model.orders().r() * 1.01, model.orders().alpha(), model.orders().a(), model.orders().b(),
                true).logLikelihood(buyers)).isLessThan(best);
        assertThat(new BgNbd(model.orders().r(), model.orders().alpha(), model.orders().a(), model.orders().b() * 0.99,
                true).logLikelihood(buyers)).isLessThan(best);

        CustomerValueModel.Prediction longAgo = model.predict(new Buyer(1, 1, 0, 150, 40));
        CustomerValueModel.Prediction recent = model.predict(new Buyer(2, 1, 0, 1, 40));
        assertThat(longAgo.probabilityActive()).isLessThan(0.25);
        assertThat(recent.probabilityActive()).isGreaterThan(0.5);
        assertThat(longAgo.expectedOrders()).isLessThan(recent.expectedOrders() / 4);
        assertThat(recent.expectedNetSales()).isCloseTo(recent.expectedOrders()
                * model.value().expectedOrderValue(1, 40), within(1e-9));
    }

    @Test
    void too_little_history_is_said_instead_of_fitted() {
        List<Buyer> few = List.of(new Buyer(1, 3, 4, 20, 10), new Buyer(2, 1, 0, 20, 10));
        assertThatThrownBy(() -> CustomerValueModel.fit(AS_OF, few))
                .isInstanceOf(CustomerValueModel.TooLittleHistory.class)
                .hasMessage("too little history to predict customer value: 1 customers with a repeat order over 20 weeks,"
                        + " at least 100 over 12 weeks needed");
        List<Buyer> worthless = new ArrayList<>();
        for (int id = 0; id < 150; id++) {
            worthless.add(new Buyer(id, 2, 3, 20, 0));
        }
        assertThatThrownBy(() -> CustomerValueModel.fit(AS_OF, worthless))
                .isInstanceOf(CustomerValueModel.TooLittleHistory.class)
                .hasMessage("too few customers whose orders are worth something to predict their value: 0, at least 100"
                        + " needed");
    }

    /** Gamma(shape, 1) by Marsaglia and Tsang, boosted below shape 1. */
    private static double gammaDraw(Random random, double shape) {
        if (shape < 1) {
            return gammaDraw(random, shape + 1) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = Math.pow(1 + c * x, 3);
            if (v > 0 && Math.log(random.nextDouble()) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }

    private static double beta(Random random, double a, double b) {
        double x = gammaDraw(random, a);
        return x / (x + gammaDraw(random, b));
    }
}
