package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.reports.ReportFixture.rows;

import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import shopflow.rollups.RollupVerifier;

/**
 * kpi_tiles and kpi_days on the hand-written shop (fixtures/shop.sql with the checkout sessions of
 * fixtures/funnel_checkout.sql), worked out by hand as of 30 June 2026 12:00 BST. The orders'
 * figures are RevenueReportsTest's; what the tiles add:
 *
 * <pre>
 * customer  first order              orders in June (to 30 June 12:00)
 *  2        3, 2025-11-20            5
 *  3        7, 2026-03-05            6, 9
 *  4        11, 2026-06-29 20:20     11, 12, 13, 14, 15  (11 is a first-time order, 12-15 are not)
 * sessions first seen in June to as_of: s1-s6, s8, s10-s12 = 10 (s7 began 31 May, s9 after as_of);
 * reaching the order stage: s1, s5, s8 = 3. None in May.
 * </pre>
 */
class KpiReportsTest {

    private static final String TILE = "measure|unit|value|compare_value|change|change_unit";

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    @BeforeAll
    static void checkoutSessions() {
        ReportFixture.execute(shop.database(), ReportFixture.resource("/fixtures/funnel_checkout.sql"));
    }

    @Test
    void the_month_to_date_tiles_give_each_measure_against_the_same_days_of_the_month_before() {
        ReportResult result = shop.run("kpi_tiles");
        assertThat(rows(result, TILE.split("\\|"))).containsExactly(
                // June: net 2420.00 (RevenueReportsTest); 1-30 May 12:00: order 8, 525.00; +361.0 %
                "net_sales | GBP | 2420.00 | 525.00 | 361.0 | %",
                // 8 orders against 1: +700.0 %
                "orders | orders | 8 | 1 | 700.0 | %",
                // 2420 / 8 = 302.50 against 525 / 1: (302.5 - 525) / 525 = -42.38 %
                "average_order_value | GBP | 302.50 | 525.00 | -42.4 | %",
                // 3 of 10 sessions; May had no session: no rate, no change
                "conversion_rate | % | 30.00 | null | null | pt",
                // returns 2025 of sales 4595 - 150 = 4445: 45.557 %; May: 0 of 525
                "returns_rate | % | 45.6 | 0.0 | 45.56 | pt",
                // order 11 is customer 4's first: 1 of 8 = 12.5 %; May's order 8 is customer 3's fourth
                "new_customer_share | % | 12.5 | 0.0 | 12.50 | pt",
                "repeat_customer_share | % | 87.5 | 100.0 | -12.50 | pt");
        assertThat(rows(result, "measure", "numerator", "denominator", "compare_numerator", "compare_denominator"))
                .contains("conversion_rate | 3.00 | 10.00 | 0.00 | 0.00",
                        "returns_rate | 2025.00 | 4445.00 | 0.00 | 525.00",
                        "new_customer_share | 1.00 | 8.00 | 0.00 | 1.00");
        assertThat(rows(result, "starts_at", "ends_at", "compare_starts_at", "compare_ends_at").get(0))
                .isEqualTo("2026-06-01T00:00+01:00 | 2026-06-30T12:00+01:00 | 2026-05-01T00:00+01:00 | 2026-05-30T12:00+01:00");
        assertThat(new RollupVerifier(shop.database().dataSource()).compare("kpi_tiles", ReportFixture.AS_OF, Map.of()))
                .isEmpty();
    }

    @Test
    void today_compares_with_the_same_weekday_a_week_before_and_has_no_growth_from_nothing() {
        // Tuesday 30 June to 12:00: order 9 (customer 3's), session s8 ordered. Tuesday 23 June to 12:00: nothing.
        assertThat(rows(shop.run("kpi_tiles", Map.of("period", "today")), TILE.split("\\|"))).containsExactly(
                "net_sales | GBP | 55.00 | 0.00 | null | %",
                "orders | orders | 1 | 0 | null | %",
                "average_order_value | GBP | 55.00 | null | null | %",
                "conversion_rate | % | 100.00 | null | null | pt",
                "returns_rate | % | 0.0 | null | null | pt",
                "new_customer_share | % | 0.0 | null | null | pt",
                "repeat_customer_share | % | 100.0 | null | null | pt");
    }

    @Test
    void the_last_seven_days_count_a_first_order_among_the_orders_of_a_new_customer() {
        // 24-30 June: orders 11-15 (customer 4, 11 its first) and 9: 1 of 6 = 16.7 %. 17-23 June to 12:00:
        // order 6 placed and cancelled (net 0; its return 1500 of sales 1500 = 100.0 %), customer 3's.
        // Sessions: s6 (25 June, no order) and s8 against s12 (17 June, no order) and s5 (20 June, order 6):
        // 50.00 against 50.00.
        assertThat(rows(shop.run("kpi_tiles", Map.of("period", "last_7_days")), TILE.split("\\|"))).containsExactly(
                "net_sales | GBP | 1595.00 | 0.00 | null | %",
                "orders | orders | 6 | 1 | 500.0 | %",
                "average_order_value | GBP | 265.83 | 0.00 | null | %",
                "conversion_rate | % | 50.00 | 50.00 | 0.00 | pt",
                "returns_rate | % | 0.0 | 100.0 | -100.00 | pt",
                "new_customer_share | % | 16.7 | 0.0 | 16.67 | pt",
                "repeat_customer_share | % | 83.3 | 100.0 | -16.67 | pt");
    }

    @Test
    void each_day_gives_the_measures_of_that_day_up_to_as_of() {
        ReportResult days = shop.run("kpi_days", Map.of("days", "2"));
        assertThat(rows(days, "day", "orders", "net_sales", "average_order_value", "sessions", "conversion_rate",
                "returns_rate", "new_customer_share", "repeat_customer_share", "complete")).containsExactly(
                // 29 June: orders 11-15 of customer 4 (11 its first): 1540.00, 308.00 each; no session
                "2026-06-29 | 5 | 1540.00 | 308.00 | 0 | null | 0.0 | 20.0 | 80.0 | true",
                // 30 June to 12:00: order 9 from session s8
                "2026-06-30 | 1 | 55.00 | 55.00 | 1 | 100.00 | 0.0 | 0.0 | 100.0 | false");
        // the 20 June cancellation: sold 1500 and took it back the same day
        assertThat(rows(shop.run("kpi_days", Map.of("days", "11")), "day", "net_sales", "returns_rate", "sessions",
                "conversion_rate").get(0)).isEqualTo("2026-06-20 | 0.00 | 100.0 | 1 | 100.00");
        assertThat(new RollupVerifier(shop.database().dataSource()).compare("kpi_days", ReportFixture.AS_OF,
                Map.of("days", "60"))).isEmpty();
    }

    @Test
    void within_the_hour_of_as_of_the_measures_count_the_raw_rows_up_to_that_moment() {
        // s8: first page view 09:00, order 9 at 09:30; as of 09:29 the session has not converted yet
        OffsetDateTime before = OffsetDateTime.parse("2026-06-30T09:29+01:00");
        OffsetDateTime at = OffsetDateTime.parse("2026-06-30T09:30+01:00");
        String[] columns = {"day", "orders", "sessions", "conversion_rate"};
        assertThat(rows(shop.run("kpi_days", before, Map.of("days", "1")), columns))
                .containsExactly("2026-06-30 | 0 | 1 | 0.00");
        assertThat(rows(shop.run("kpi_days", at, Map.of("days", "1")), columns))
                .containsExactly("2026-06-30 | 1 | 1 | 100.00");
        RollupVerifier verifier = new RollupVerifier(shop.database().dataSource());
        assertThat(verifier.compare("kpi_tiles", before, Map.of("period", "today"))).isEmpty();
        assertThat(verifier.compare("kpi_tiles", at, Map.of("period", "today"))).isEmpty();
    }
}
