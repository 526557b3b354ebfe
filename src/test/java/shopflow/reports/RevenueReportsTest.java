package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.reports.ReportFixture.rows;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * revenue_summary and daily_revenue on the hand-written shop, in the sales model's measures
 * (docs/reports.md#the-sales-model). The orders' figures, from fixtures/shop.sql (no order has
 * VAT; only order 7 has shipping, 4.99):
 *
 * <pre>
 * order placed (shop time)  gross    discounts            net      returned
 *  1    2025-02-10 10:00      45.00     0                   45.00
 *  2    2026-03-15 14:00    1010.00   100.00 (line, 10 %)  910.00
 *  4    2026-04-10 12:00     500.00   100.00 (line, 20 %)  400.00
 *  5    2026-06-01 00:30    1500.00   150.00 (coupon)     1350.00
 *  6    2026-06-20 15:00    1500.00     0                 1500.00  cancelled 2026-06-20 16:00
 *  7    2026-03-05 11:00      50.00     0                   50.00  (+ 4.99 shipping)
 *  8    2026-05-10 10:00     525.00     0                  525.00  refunded  2026-06-05 10:00
 *  9    2026-06-30 09:30      55.00     0                   55.00
 * 10    2026-03-20 16:00      35.00     0                   35.00
 * 11-14 2026-06-29 20:20-35  4 x 10.00                      40.00
 * 15    2026-06-29 20:50    1500.00     0                 1500.00
 * 16    2026-06-30 13:00      50.00   (after as_of: never counted as of the fixture's as_of)
 * </pre>
 */
class RevenueReportsTest {

    private static final String MEASURES = "period|orders|gross_sales|discounts|returns|net_sales|shipping|taxes"
            + "|total_sales|average_order_value|compare_orders|compare_net_sales|net_sales_growth_pct";
    private static final String WINDOWS = "period|starts_at|ends_at|compare_starts_at|compare_ends_at";
    private static final String DAY = "day|orders|gross_sales|discounts|returns|net_sales|shipping|taxes|total_sales"
            + "|average_order_value|complete";

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    /** The same shop, with order 4 refunded now: long after the fixture's as_of. */
    @RegisterExtension
    static final ReportFixture refundedLater = ReportFixture.shop();

    @Test
    void revenue_summary_gives_each_period_in_the_sales_model_against_its_like_for_like_window() {
        ReportResult result = shop.run("revenue_summary");
        assertThat(rows(result, MEASURES.split("\\|"))).containsExactly(
                // today, Tuesday 30 June to 12:00: order 9. Tuesday 23 June to 12:00 sold nothing: no growth.
                "today | 1 | 55.00 | 0.00 | 0.00 | 55.00 | 0.00 | 0.00 | 55.00 | 55.00 | 0 | 0.00 | null",
                // 24-30 June: orders 11-15 (29 June) and 9: 40 + 1500 + 55 = 1595 over 6 orders = 265.83.
                // 17-23 June: order 6 placed and cancelled on 20 June: 1 order, 1500 - 1500 = 0 net: no growth.
                "last_7_days | 6 | 1595.00 | 0.00 | 0.00 | 1595.00 | 0.00 | 0.00 | 1595.00 | 265.83 | 1 | 0.00 | null",
                // June: orders 5, 6, 9, 11-15 (8): gross 1500 + 1500 + 55 + 40 + 1500 = 4595, discounts 150
                // (order 5's coupon); returns 1500 (order 6, 20 June) + 525 (order 8, placed in May, refunded
                // 5 June) = 2025; net 4595 - 150 - 2025 = 2420; 2420 / 8 = 302.50.
                // 1-30 May 12:00: order 8, 525 (its refund is June's). (2420 - 525) / 525 = +361.0 %.
                "month_to_date | 8 | 4595.00 | 150.00 | 2025.00 | 2420.00 | 0.00 | 0.00 | 2420.00 | 302.50 | 1 | 525.00 | 361.0",
                // 2026: orders 2, 4-10, 11-15 (13): gross 1010 + 500 + 1500 + 1500 + 50 + 525 + 55 + 35 + 40 + 1500
                // = 6715, discounts 100 + 100 + 150 = 350, returns 2025: net 4340 (4340 / 13 = 333.85); shipping 4.99
                // (order 7): total 4344.99. 2025 to 30 June 12:00: order 1, 45. (4340 - 45) / 45 = +9544.4 %.
                "year_to_date | 13 | 6715.00 | 350.00 | 2025.00 | 4340.00 | 4.99 | 0.00 | 4344.99 | 333.85 | 1 | 45.00 | 9544.4");
        assertThat(rows(result, WINDOWS.split("\\|"))).containsExactly(
                // moments on the shop's clock (BST in summer); a window and its comparison include both ends
                "today | 2026-06-30T00:00+01:00 | 2026-06-30T12:00+01:00 | 2026-06-23T00:00+01:00 | 2026-06-23T12:00+01:00",
                "last_7_days | 2026-06-24T00:00+01:00 | 2026-06-30T12:00+01:00 | 2026-06-17T00:00+01:00 | 2026-06-23T12:00+01:00",
                "month_to_date | 2026-06-01T00:00+01:00 | 2026-06-30T12:00+01:00 | 2026-05-01T00:00+01:00 | 2026-05-30T12:00+01:00",
                "year_to_date | 2026-01-01T00:00Z | 2026-06-30T12:00+01:00 | 2025-01-01T00:00Z | 2025-06-30T12:00+01:00");
    }

    @Test
    void a_cancellation_the_same_day_counts_the_sale_then_takes_it_back_as_a_return() {
        // Order 6: placed 20 June 15:00 (1500.00), cancelled 16:00.
        assertThat(rows(shop.run("revenue_summary", OffsetDateTime.parse("2026-06-20T15:30+01:00"), Map.of()),
                "period", "orders", "gross_sales", "returns", "net_sales").get(0))
                .isEqualTo("today | 1 | 1500.00 | 0.00 | 1500.00");
        assertThat(rows(shop.run("revenue_summary", OffsetDateTime.parse("2026-06-20T16:00+01:00"), Map.of()),
                "period", "orders", "gross_sales", "returns", "net_sales").get(0))
                .isEqualTo("today | 1 | 1500.00 | 1500.00 | 0.00");
    }

    @Test
    void a_refund_after_as_of_leaves_the_sale_counted_and_no_return() throws SQLException {
        try (Connection c = refundedLater.database().connection(); Statement s = c.createStatement()) {
            s.execute("select order_transition(4, 'refunded')"); // delivered -> refunded, now (after 30 June 2026)
        }
        // As of the fixture's as_of every figure is as before the refund: order 4's 400.00 is in 2026's net
        // sales (4340.00) and nothing is returned but orders 6 and 8.
        assertThat(rows(refundedLater.run("revenue_summary"), "period", "orders", "returns", "net_sales").get(3))
                .isEqualTo("year_to_date | 13 | 2025.00 | 4340.00");
        // and as of now the refund is a return of 400.00 on its own day
        ReportResult byDay = refundedLater.run("daily_revenue", OffsetDateTime.now(), Map.of("days", "3660"));
        assertThat(byDay.rows().stream().map(row -> row.get(byDay.columns().indexOf("returns")).toString())
                .filter(returns -> !returns.equals("0.00"))).containsExactly("525.00", "1500.00", "400.00");
    }

    @Test
    void month_to_date_on_31_march_compares_with_the_whole_of_february() {
        // 31 March 12:00 BST: March has orders 2 (1010 - 100), 7 (50, + 4.99 shipping), 10 (35): net 995.00,
        // 995 / 3 = 331.67. February has no 31st: the comparison runs to its end; it sold nothing, so no growth.
        ReportResult result = shop.run("revenue_summary", OffsetDateTime.parse("2026-03-31T12:00+01:00"), Map.of());
        assertThat(rows(result, MEASURES.split("\\|")).get(2))
                .isEqualTo("month_to_date | 3 | 1095.00 | 100.00 | 0.00 | 995.00 | 4.99 | 0.00 | 999.99 | 331.67 | 0 | 0.00 | null");
        assertThat(rows(result, WINDOWS.split("\\|")).get(2))
                .isEqualTo("month_to_date | 2026-03-01T00:00Z | 2026-03-31T12:00+01:00 | 2026-02-01T00:00Z"
                        + " | 2026-02-28T23:59:59.999999Z");
    }

    @Test
    void month_to_date_on_1_january_compares_with_december_and_the_year_with_the_last() {
        ReportResult result = shop.run("revenue_summary", OffsetDateTime.parse("2026-01-01T12:00Z"), Map.of());
        assertThat(rows(result, WINDOWS.split("\\|"))).containsExactly(
                "today | 2026-01-01T00:00Z | 2026-01-01T12:00Z | 2025-12-25T00:00Z | 2025-12-25T12:00Z",
                "last_7_days | 2025-12-26T00:00Z | 2026-01-01T12:00Z | 2025-12-19T00:00Z | 2025-12-25T12:00Z",
                "month_to_date | 2026-01-01T00:00Z | 2026-01-01T12:00Z | 2025-12-01T00:00Z | 2025-12-01T12:00Z",
                "year_to_date | 2026-01-01T00:00Z | 2026-01-01T12:00Z | 2025-01-01T00:00Z | 2025-01-01T12:00Z");
        // Nothing sold on those days; and no growth against nothing.
        assertThat(rows(result, "orders", "net_sales", "average_order_value", "compare_net_sales", "net_sales_growth_pct"))
                .containsOnly("0 | 0.00 | null | 0.00 | null");
    }

    @Test
    void year_to_date_on_29_february_compares_with_the_whole_of_28_february() {
        ReportResult result = shop.run("revenue_summary", OffsetDateTime.parse("2028-02-29T12:00Z"), Map.of());
        assertThat(rows(result, WINDOWS.split("\\|")).get(3))
                .isEqualTo("year_to_date | 2028-01-01T00:00Z | 2028-02-29T12:00Z | 2027-01-01T00:00Z"
                        + " | 2027-02-28T23:59:59.999999Z");
    }

    @Test
    void growth_against_an_empty_base_is_null_and_against_a_sale_is_signed() {
        // February 2025: order 1 (45.00) on the 10th; January sold nothing.
        assertThat(rows(shop.run("revenue_summary", OffsetDateTime.parse("2025-02-20T12:00Z"), Map.of()),
                "period", "net_sales", "compare_net_sales", "net_sales_growth_pct").get(2))
                .isEqualTo("month_to_date | 45.00 | 0.00 | null");
        // 10 May 2026 12:00: May's order 8 (525.00) against 1-10 April 12:00, order 4 (400.00): +31.3 %
        assertThat(rows(shop.run("revenue_summary", OffsetDateTime.parse("2026-05-10T12:00+01:00"), Map.of()),
                "period", "net_sales", "compare_net_sales", "net_sales_growth_pct").get(2))
                .isEqualTo("month_to_date | 525.00 | 400.00 | 31.3");
        // ... and at 10:00 on 10 April order 4 was not placed yet (12:00): no base, no growth
        assertThat(rows(shop.run("revenue_summary", OffsetDateTime.parse("2026-05-10T11:00+01:00"), Map.of()),
                "period", "net_sales", "compare_net_sales", "net_sales_growth_pct").get(2))
                .isEqualTo("month_to_date | 525.00 | 0.00 | null");
    }

    @Test
    void daily_revenue_gives_each_day_in_the_sales_model_and_marks_the_day_not_over() {
        ReportResult result = shop.run("daily_revenue", Map.of("days", "7"));
        assertThat(rows(result, DAY.split("\\|"))).containsExactly(
                "2026-06-24 | 0 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | null | true",
                "2026-06-25 | 0 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | null | true",
                "2026-06-26 | 0 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | null | true",
                "2026-06-27 | 0 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | null | true",
                "2026-06-28 | 0 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | null | true",
                // orders 11-15: 4 x 10.00 + 1500.00; 1540 / 5 = 308.00
                "2026-06-29 | 5 | 1540.00 | 0.00 | 0.00 | 1540.00 | 0.00 | 0.00 | 1540.00 | 308.00 | true",
                // order 9 by 12:00; order 16 at 13:00 is after as_of; the day is not over
                "2026-06-30 | 1 | 55.00 | 0.00 | 0.00 | 55.00 | 0.00 | 0.00 | 55.00 | 55.00 | false");
    }

    @Test
    void daily_revenue_dates_a_return_by_its_refund_and_a_same_day_cancellation_nets_to_zero() {
        // Order 8 (May) refunded 5 June 10:00: a June return of 525.00, on a day without sales.
        assertThat(rows(shop.run("daily_revenue", OffsetDateTime.parse("2026-06-05T12:00+01:00"), Map.of("days", "1")),
                "day", "orders", "returns", "net_sales", "average_order_value", "complete"))
                .containsExactly("2026-06-05 | 0 | 525.00 | -525.00 | null | false");
        // ... not yet at 09:00
        assertThat(rows(shop.run("daily_revenue", OffsetDateTime.parse("2026-06-05T09:00+01:00"), Map.of("days", "1")),
                "day", "returns", "net_sales"))
                .containsExactly("2026-06-05 | 0.00 | 0.00");
        // Order 6 placed and cancelled on 20 June: one order, 1500.00 gross, 1500.00 returned
        assertThat(rows(shop.run("daily_revenue", OffsetDateTime.parse("2026-06-21T12:00+01:00"), Map.of("days", "2")),
                "day", "orders", "gross_sales", "returns", "net_sales", "total_sales", "complete"))
                .containsExactly("2026-06-20 | 1 | 1500.00 | 1500.00 | 0.00 | 0.00 | true",
                        "2026-06-21 | 0 | 0.00 | 0.00 | 0.00 | 0.00 | false");
    }

    @Test
    void daily_revenue_puts_an_order_on_its_shop_day_not_its_utc_day() {
        // order 5 at 00:30 BST on 1 June (31 May in UTC): 1500.00 less its 150.00 coupon
        ReportResult result = shop.run("daily_revenue", OffsetDateTime.parse("2026-06-01T12:00+01:00"), Map.of("days", "2"));
        assertThat(rows(result, "day", "orders", "gross_sales", "discounts", "net_sales")).containsExactly(
                "2026-05-31 | 0 | 0.00 | 0.00 | 0.00",
                "2026-06-01 | 1 | 1500.00 | 150.00 | 1350.00");
    }

    @Test
    void daily_revenue_of_a_window_before_any_order_is_all_zeros() {
        ReportResult result = shop.run("daily_revenue", OffsetDateTime.parse("2024-01-03T12:00Z"), Map.of("days", "3"));
        assertThat(rows(result, "day", "orders", "net_sales", "complete")).containsExactly(
                "2024-01-01 | 0 | 0.00 | true", "2024-01-02 | 0 | 0.00 | true", "2024-01-03 | 0 | 0.00 | false");
    }
}
