package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shopflow.reports.ReportFixture.rows;

import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import shopflow.rollups.RollupVerifier;

/** Operations and risk: low stock, fraud review, customer lifetime. */
class OperationsReportsTest {

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    // The 30 days to as_of are (31 May 12:00, 30 June 12:00] BST, its days (D-1 12:00, D 12:00]; every
    // day in stock unless said.
    // BK-1/LON: 58 now, less a 50-unit restock after as_of = 8 at as_of; before the window's movements
    // (restock +20 on 10 June 10:00, return +1, shipments 4 + 3) it held 8 - 20 - 1 + 7 = -6: out of
    // stock from the window's start to the restock, so the 9 days ending 1 to 9 June 12:00 had no stock
    // at any moment (the day ending 10 June 12:00 had it from 10:00): 21 days in stock. 7 shipped (MAN's
    // 8 and LON's shipment of 20 May are not LON's last 30 days; the return is not demand):
    // 7 / 21 = 0.33 a day (0.23 over all 30 days); cover 8 x 21 / 7 = 24.0 days; reorder for
    // 7 + 7 + 30 = 44 days: ceil(7 x 44 / 21 = 14.7) - 8 = 7.
    // LAP-1/LON: 2 now + 1 shipped after as_of = 3; 1 shipped: 0.03 a day, 90.0 days; ceil(44 / 30) - 3 < 0: 0.
    // LAP-2/LON: 12, 2 shipped: 180.0 days. BK-1/MAN: 100, its own 8 shipped: 0.27 a day, 375.0 days.
    // CBL-1/MAN, LAP-1/MAN: nothing shipped, no velocity, above their reorder levels: OK, no reorder.
    // Every cover is at least lead time + safety days (14): nothing low by default.
    private static final String[] EVERY_ROW = {
        "BK-1 | LON | 8 | 10 | 7 | 21 | 0.33 | 24.0 | 7 | OK",
        "LAP-1 | LON | 3 | 5 | 1 | 30 | 0.03 | 90.0 | 0 | OK",
        "LAP-2 | LON | 12 | 10 | 2 | 30 | 0.07 | 180.0 | 0 | OK",
        "BK-1 | MAN | 100 | 10 | 8 | 30 | 0.27 | 375.0 | 0 | OK",
        "CBL-1 | MAN | 15 | 10 | 0 | 30 | 0.00 | null | null | OK",
        "LAP-1 | MAN | 40 | 5 | 0 | 30 | 0.00 | null | null | OK"}; // OLD-1 is inactive

    private static final String[] COLUMNS = {"sku", "warehouse", "stock", "reorder_level", "shipped_in_window",
        "days_in_stock", "daily_velocity", "days_of_stock", "suggested_reorder_qty", "status"};

    @Test
    void low_stock_counts_velocity_over_the_days_in_stock_of_each_warehouse() {
        assertThat(rows(shop.run("low_stock"), COLUMNS)).isEmpty();
        assertThat(rows(shop.run("low_stock", Map.of("show", "all")), COLUMNS)).containsExactly(EVERY_ROW);
    }

    @Test
    void lead_time_and_safety_days_set_the_status_and_the_reorder() {
        // BK-1/LON's cover is 24.0 days: under a lead time of 25 days, REORDER NOW, for 25 + 0 + 30 days:
        // ceil(7 x 55 / 21 = 18.3) - 8 = 11
        assertThat(rows(shop.run("low_stock", Map.of("lead_time_days", "25", "safety_days", "0")), COLUMNS))
                .containsExactly("BK-1 | LON | 8 | 10 | 7 | 21 | 0.33 | 24.0 | 11 | REORDER NOW");
        // 24 days of lead time: covered, exactly, but not 24 + 1 safety day: Low Stock; ceil(7 x 55 / 21) - 8 = 11
        assertThat(rows(shop.run("low_stock", Map.of("lead_time_days", "24", "safety_days", "1")), COLUMNS))
                .containsExactly("BK-1 | LON | 8 | 10 | 7 | 21 | 0.33 | 24.0 | 11 | Low Stock");
        assertThat(rows(shop.run("low_stock", Map.of("lead_time_days", "24", "safety_days", "0")), COLUMNS)).isEmpty();
        // 60 + 31 = 91 days: LAP-1/LON (90.0 days) too, and BK-1/LON's reorder for 60 + 31 + 0 days:
        // ceil(7 x 91 / 21 = 30.3) - 8 = 23; LAP-1/LON's ceil(1 x 91 / 30) - 3 = 1
        assertThat(rows(shop.run("low_stock", Map.of("lead_time_days", "60", "safety_days", "31", "cover_days", "0")),
                COLUMNS)).containsExactly(
                "BK-1 | LON | 8 | 10 | 7 | 21 | 0.33 | 24.0 | 23 | REORDER NOW",
                "LAP-1 | LON | 3 | 5 | 1 | 30 | 0.03 | 90.0 | 1 | Low Stock");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            lead_time_days | -1   | parameter 'lead_time_days' = '-1' is out of range: accepted from 0 to 365
            lead_time_days | 366  | parameter 'lead_time_days' = '366' is out of range: accepted from 0 to 365
            safety_days    | -7   | parameter 'safety_days' = '-7' is out of range: accepted from 0 to 365
            safety_days    | week | parameter 'safety_days' = 'week' must be a whole number from 0 to 365
            cover_days     | 1.5  | parameter 'cover_days' = '1.5' must be a whole number from 0 to 365
            """)
    void low_stock_refuses_a_bad_lead_time_or_safety_naming_it_and_its_range(String parameter, String value,
            String message) {
        assertThatThrownBy(() -> shop.run("low_stock", Map.of(parameter, value)))
                .isInstanceOf(ReportException.class)
                .hasMessage(message)
                .extracting(e -> ((ReportException) e).kind()).isEqualTo(ReportException.Kind.BAD_PARAMETER);
    }

    @Test
    void fraud_review_counts_only_earlier_orders_and_explains_each_flag() {
        // Dan signed up at 20:00 and placed four £10 orders at 20:20-20:35, then £1,500 at 20:50.
        // Orders 11-13 fall within the hour before order 14, the burst's 4th: in_burst (30) besides
        // new_account (40); they are not bursts themselves (fewer than 3 orders before each).
        ReportResult result = shop.run("fraud_review");
        assertThat(rows(result, "order_id", "orders_in_prior_hour", "multiple_of_avg", "account_age_minutes",
                "small_orders_prior_hour", "risk_score")).containsExactly(
                "15 | 4 | 150.0 | 50 | 4 | 100",
                "14 | 3 | 1.0 | 35 | 3 | 100",
                "13 | 2 | 1.0 | 30 | 2 | 70",
                "12 | 1 | 1.0 | 25 | 1 | 70",
                "11 | 0 | null | 20 | 0 | 70");
        assertThat(result.value(0, "reasons")).isEqualTo("burst: 4 orders in the hour before; "
                + "high_multiple: 150.0 times the earlier average; new_account: placed 50 minutes after signup");
        assertThat(result.value(1, "reasons")).isEqualTo("burst: 3 orders in the hour before; "
                + "new_account: placed 35 minutes after signup; card_testing: 3 small orders in the hour before");
        assertThat(result.value(4, "reasons")).isEqualTo("in_burst: placed in the hour before burst order "
                + "ORD-2026-000014; new_account: placed 20 minutes after signup");
        assertThat(rows(result, "status", "total_sales")).containsExactly(
                "pending | 1500.00", "pending | 10.00", "pending | 10.00", "pending | 10.00", "pending | 10.00");
    }

    @Test
    void fraud_review_judges_an_order_refunded_later_as_it_was_at_as_of() {
        // As of 31 May, 30 days: Cat's order 8 (525.00, 10 May) was delivered; its refund on 5 June
        // came later. It is reviewed, against her one earlier order (7, 54.99): 525 / 54.99 = 9.5.
        OffsetDateTime asOf = OffsetDateTime.parse("2026-05-31T12:00+01:00");
        ReportResult result = shop.run("fraud_review", asOf, Map.of("days", "30"));
        assertThat(rows(result, "order_id", "status", "total_sales", "orders_in_prior_hour", "multiple_of_avg",
                "risk_score", "reasons")).containsExactly(
                "8 | delivered | 525.00 | 0 | 9.5 | 30 | high_multiple: 9.5 times the earlier average");
        assertThat(new RollupVerifier(shop.database().dataSource()).compare("fraud_review", asOf, Map.of("days", "30")))
                .isEmpty();
    }

    @Test
    void fraud_review_leaves_out_an_order_refunded_before_as_of_and_shows_one_cancelled_later_as_it_was() {
        // Cat's order 6 (1500.00) at 15:00 on 20 June, cancelled at 16:00. As of 15:30 it was pending;
        // her order 8 had been refunded on 5 June, so only order 7 (54.99) is earlier history:
        // 1500 / 54.99 = 27.3 (with order 8 it would be 1500 / 289.995 = 5.2).
        OffsetDateTime pending = OffsetDateTime.parse("2026-06-20T15:30+01:00");
        OffsetDateTime cancelled = OffsetDateTime.parse("2026-06-20T16:30+01:00");
        assertThat(rows(shop.run("fraud_review", pending, Map.of("days", "1")), "order_id", "status", "multiple_of_avg",
                "risk_score")).containsExactly("6 | pending | 27.3 | 30");
        assertThat(shop.run("fraud_review", cancelled, Map.of("days", "1")).rows()).isEmpty();
        RollupVerifier verifier = new RollupVerifier(shop.database().dataSource());
        assertThat(verifier.compare("fraud_review", pending, Map.of("days", "1"))).isEmpty();
        assertThat(verifier.compare("fraud_review", cancelled, Map.of("days", "1"))).isEmpty();
    }

    @Test
    void fraud_review_window_reaches_back_n_days_and_compares_with_earlier_orders_only() {
        // Ann's 910.00 in March is 20.2 times her one earlier order (45.00); her later orders do not count.
        ReportResult result = shop.run("fraud_review", OffsetDateTime.parse("2026-03-31T12:00+01:00"), Map.of("days", "31"));
        assertThat(rows(result, "order_id", "multiple_of_avg", "risk_score", "reasons"))
                .containsExactly("2 | 20.2 | 30 | high_multiple: 20.2 times the earlier average");
    }

    @Test
    void customer_lifetime_lists_every_customer_signed_up_by_as_of_with_zero_for_no_orders() {
        // net sales of the counted orders: Cat's order 7 is £50.00 of goods (£54.99 with shipping)
        // and her order 9 £55.00; Bob's order 5 £1,500 less a £150 coupon
        ReportResult result = shop.run("customer_lifetime");
        assertThat(rows(result, "customer_id", "total_orders", "lifetime_net_sales", "avg_order_value")).containsExactly(
                "2 | 3 | 2260.00 | 753.33",
                "4 | 5 | 1540.00 | 308.00",
                "1 | 2 | 955.00 | 477.50",
                "3 | 2 | 105.00 | 52.50",
                "6 | 1 | 35.00 | 35.00",
                "5 | 0 | 0 | null"); // Gus signed up after as_of
        assertThat(result.value(5, "first_order_at")).isNull();
        assertThat(result.value(4, "first_order_at")).hasToString("2026-03-20T16:00Z"); // GMT in March
        assertThat(result.value(0, "last_order_at")).hasToString("2026-06-01T00:30+01:00"); // the shop's clock, BST
    }

    @Test
    void customer_lifetime_as_of_after_every_order_counts_every_order_not_returned() {
        // Ann's order 16 (£50.00) counts now; Gus has signed up, without orders
        ReportResult result = shop.run("customer_lifetime", OffsetDateTime.parse("2030-01-01T00:00Z"), Map.of());
        assertThat(rows(result, "customer_id", "total_orders", "lifetime_net_sales", "avg_order_value")).containsExactly(
                "2 | 3 | 2260.00 | 753.33",
                "4 | 5 | 1540.00 | 308.00",
                "1 | 3 | 1005.00 | 335.00",
                "3 | 2 | 105.00 | 52.50",
                "6 | 1 | 35.00 | 35.00",
                "5 | 0 | 0 | null",
                "7 | 0 | 0 | null");
    }

    @Test
    void customer_lifetime_as_of_before_a_refund_counts_the_order() {
        // Cat's order 8 (£525.00, placed 10 May) is refunded on 5 June: counted as of 1 June
        ReportResult result = shop.run("customer_lifetime", OffsetDateTime.parse("2026-06-01T12:00+01:00"), Map.of());
        assertThat(rows(result, "customer_id", "total_orders", "lifetime_net_sales")).contains("3 | 2 | 575.00");
    }
}
