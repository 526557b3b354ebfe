package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static shopflow.reports.ReportFixture.rows;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import shopflow.clv.BgNbd;
import shopflow.clv.Buyer;
import shopflow.clv.CustomerValueFits;
import shopflow.clv.GammaGamma;

/**
 * The predicted customer value in customer_lifetime, on the report fixture's shop: no numbers
 * without a fit or with a fit that found too little history (the fixture's six customers are far
 * too few), and with a fit the same predictions as the Java models from the customer's orders as
 * of the report's moment.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CustomerValueReportsTest {

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    private static final String[] PREDICTIONS = {"customer_id", "p_active", "expected_orders_12m", "expected_net_sales_12m"};
    private static final BgNbd ORDERS = new BgNbd(0.243, 4.414, 0.793, 2.426, true);
    private static final GammaGamma VALUE = new GammaGamma(6.25, 3.74, 15.44);

    @Test
    @Order(1)
    void without_a_fit_the_predictions_are_empty() {
        assertThat(rows(shop.run("customer_lifetime"), PREDICTIONS)).containsExactly(
                "2 | null | null | null", "4 | null | null | null", "1 | null | null | null", "3 | null | null | null",
                "6 | null | null | null", "5 | null | null | null");
    }

    @Test
    @Order(2)
    void a_shop_with_too_little_history_keeps_the_reason_and_shows_no_numbers() {
        CustomerValueFits fits = new CustomerValueFits(shop.database().dataSource());
        CustomerValueFits.Fit fit = fits.fitAndStore(ReportFixture.AS_OF);
        assertThat(fit.model()).isEmpty();
        assertThat(fit.buyers()).isEqualTo(5);
        assertThat(fit.repeatBuyers()).isEqualTo(4);
        assertThat(fit.reason()).startsWith("too little history to predict customer value: 4 customers with a repeat order");
        assertThat(fits.latest(ReportFixture.AS_OF).orElseThrow().fitId()).isEqualTo(fit.fitId());
        assertThat(fits.latest(ReportFixture.AS_OF.minusSeconds(1))).isEmpty();
        assertThat(rows(shop.run("customer_lifetime"), PREDICTIONS)).allMatch(row -> row.endsWith("null | null | null"));
    }

    @Test
    @Order(3)
    void with_a_fit_each_customer_gets_the_models_prediction_from_their_orders_as_of_the_report() {
        // a fit a second after the one with too little history, at the CDNOW parameters: the last fit as of
        // a later moment, whose predictions are worked out from the orders as of that moment
        ReportFixture.execute(shop.database(), """
                insert into clv_fits (as_of, buyers, repeat_buyers, r, alpha, a, b, p, q, gamma, seconds)
                values ('2026-06-30 12:00:01+01', 5, 4, 0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, 0)""");
        OffsetDateTime later = OffsetDateTime.parse("2026-07-15T12:00+01:00");
        ReportResult result = shop.run("customer_lifetime", later, Map.of());
        // the fit input read as of the same moment: the same customers, orders and days as the report
        List<Buyer> buyers = new CustomerValueFits(shop.database().dataSource()).buyers(later);
        assertThat(buyers).extracting(Buyer::customerId).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 6L);
        ZoneId shopZone = ZoneId.of("Europe/London");
        int checked = 0;
        for (int row = 0; row < result.rows().size(); row++) {
            long customer = ((Number) result.value(row, "customer_id")).longValue();
            int orders = ((Number) result.value(row, "total_orders")).intValue();
            if (orders == 0) {
                assertThat(result.value(row, "p_active")).isNull();
                continue;
            }
            Buyer buyer = buyers.stream().filter(b -> b.customerId() == customer).findFirst().orElseThrow();
            assertThat(buyer.orders()).isEqualTo(orders);
            OffsetDateTime first = ((OffsetDateTime) result.value(row, "first_order_at"));
            OffsetDateTime last = ((OffsetDateTime) result.value(row, "last_order_at"));
            long firstDay = first.atZoneSameInstant(shopZone).toLocalDate().toEpochDay();
            assertThat(buyer.lastWeek()).isEqualTo((last.atZoneSameInstant(shopZone).toLocalDate().toEpochDay() - firstDay) / 7.0);
            assertThat(buyer.ageWeeks()).isEqualTo((later.toLocalDate().toEpochDay() - firstDay) / 7.0);
            double average = ((BigDecimal) result.value(row, "lifetime_net_sales")).doubleValue() / orders;
            assertThat(buyer.avgOrderValue()).isCloseTo(average, within(1e-9));
            double expected = ORDERS.expectedOrders(buyer, 365 / 7.0);
            assertThat(result.value(row, "p_active")).isEqualTo(round(ORDERS.probabilityActive(buyer), 3));
            assertThat(result.value(row, "expected_orders_12m")).isEqualTo(round(expected, 2));
            assertThat(result.value(row, "expected_net_sales_12m"))
                    .isEqualTo(round(expected * VALUE.expectedOrderValue(orders, average), 2));
            checked++;
        }
        assertThat(checked).isEqualTo(5);
        // the RFM export (from its rollups, the first orders from the customer rollups) predicts the same
        Map<String, String> predicted = new java.util.HashMap<>();
        for (String line : rows(result, PREDICTIONS)) {
            predicted.put(line.substring(0, line.indexOf(' ')), line);
        }
        int exported = 0;
        for (String segment : List.of("Champions", "Loyal Customers", "Potential Loyalists", "New Customers", "Promising",
                "Need Attention", "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating")) {
            for (String line : rows(shop.run("rfm_customers", later, Map.of("segment", segment)), PREDICTIONS)) {
                assertThat(line).isEqualTo(predicted.get(line.substring(0, line.indexOf(' '))));
                assertThat(line).doesNotContain("null");
                exported++;
            }
        }
        assertThat(exported).isEqualTo(5);
        // as of the report fixture's moment the fit with the reason is still the last: no numbers
        assertThat(rows(shop.run("customer_lifetime"), PREDICTIONS)).allMatch(row -> row.endsWith("null | null | null"));
    }

    @Test
    @Order(4)
    void the_sql_hypergeometric_series_matches_an_independent_evaluation_with_and_without_eulers_transformation()
            throws java.sql.SQLException {
        try (java.sql.Connection c = shop.database().connection(); java.sql.Statement s = c.createStatement();
                java.sql.ResultSet r = s.executeQuery("select clv_hyp2f1(2.243, 4.426, 4.219, 0.5),"
                        + " clv_hyp2f1(20.243, 22.426, 22.219, 0.95), clv_hyp2f1(0.5, 0.5, 3, 0.2)")) {
            r.next();
            // mpmath's hyp2f1 at 30 digits
            assertThat(r.getDouble(1)).isCloseTo(5.161693901383614, within(1e-10));
            assertThat(r.getDouble(2) / 3.96266441783998478e26).isCloseTo(1, within(1e-10));
            assertThat(r.getDouble(3)).isCloseTo(1.017691324268898, within(1e-12));
        }
    }

    @Test
    @Order(5)
    void the_backtest_refuses_a_cut_off_without_six_months_after_it_and_says_when_history_is_too_short() {
        javax.sql.DataSource data = shop.database().dataSource();
        OffsetDateTime last = shopflow.clv.Holdout.lastOrder(data);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> shopflow.clv.Holdout.run(data, last.minusMonths(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the cut-off " + last.minusMonths(5) + " leaves under 6 months of orders after it")
                .hasMessageEndingWith("give a cut-off on or before " + last.minusMonths(6));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> shopflow.clv.Holdout.run(data, last.minusMonths(6)))
                .isInstanceOf(shopflow.clv.CustomerValueModel.TooLittleHistory.class)
                .hasMessageStartingWith("too little history to predict customer value: ");
    }

    private static BigDecimal round(double value, int places) {
        return BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP);
    }
}
