package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.reports.ReportFixture.rows;

import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RevenueReportsTest {

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    @Test
    void revenue_summary_counts_shop_days_and_leaves_out_cancelled_refunded_and_later_orders() {
        // today: order 9 (55.00); 7 days from 24 June: + Dan's five orders (1,540.00);
        // June: + order 5 at 00:30 BST on 1 June (1,350.00, still May in UTC);
        // 2026: + orders 2, 4, 7, 10 (910 + 400 + 54.99 + 35). Orders 6 (cancelled), 8 (refunded)
        // and 16 (after as_of) never count.
        ReportResult result = shop.run("revenue_summary");
        assertThat(rows(result, "today", "last_7_days", "mtd", "ytd", "this_month", "last_month", "mom_growth_pct"))
                .containsExactly("55.00 | 1595.00 | 2945.00 | 4344.99 | 2945.00 | 0 | null");
    }

    @Test
    void growth_is_null_not_an_error_when_last_month_had_no_revenue() {
        // February 2025 is the shop's first month of sales: January had none.
        ReportResult result = shop.run("revenue_summary", OffsetDateTime.parse("2025-02-20T12:00Z"), Map.of());
        assertThat(rows(result, "today", "mtd", "ytd", "last_month", "mom_growth_pct"))
                .containsExactly("0 | 45.00 | 45.00 | 0 | null");
    }

    @Test
    void growth_compares_this_month_so_far_with_the_whole_last_month() {
        // April: order 4 (400.00); March: 910.00 + 54.99 + 35.00 = 999.99; (400 - 999.99) / 999.99 = -60.0 %
        ReportResult result = shop.run("revenue_summary", OffsetDateTime.parse("2026-04-30T23:00+01:00"), Map.of());
        assertThat(rows(result, "this_month", "last_month", "mom_growth_pct"))
                .containsExactly("400.00 | 999.99 | -60.0");
    }

    @Test
    void daily_revenue_shows_every_day_of_the_window_with_zero_on_empty_days() {
        ReportResult result = shop.run("daily_revenue", Map.of("days", "7"));
        assertThat(rows(result, "day", "orders", "revenue")).containsExactly(
                "2026-06-24 | 0 | 0",
                "2026-06-25 | 0 | 0",
                "2026-06-26 | 0 | 0",
                "2026-06-27 | 0 | 0",
                "2026-06-28 | 0 | 0",
                "2026-06-29 | 5 | 1540.00",
                "2026-06-30 | 1 | 55.00");
    }

    @Test
    void daily_revenue_puts_an_order_on_its_shop_day_not_its_utc_day() {
        ReportResult result = shop.run("daily_revenue", OffsetDateTime.parse("2026-06-01T12:00+01:00"), Map.of("days", "2"));
        assertThat(rows(result, "day", "orders", "revenue")).containsExactly(
                "2026-05-31 | 0 | 0",
                "2026-06-01 | 1 | 1350.00");
    }

    @Test
    void daily_revenue_of_a_window_before_any_order_is_all_zeros() {
        ReportResult result = shop.run("daily_revenue", OffsetDateTime.parse("2024-01-03T12:00Z"), Map.of("days", "3"));
        assertThat(rows(result, "day", "orders", "revenue")).containsExactly(
                "2024-01-01 | 0 | 0", "2024-01-02 | 0 | 0", "2024-01-03 | 0 | 0");
    }
}
