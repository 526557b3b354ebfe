package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.reports.ReportFixture.rows;

import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FunnelAndRetentionReportsTest {

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    @Test
    void the_funnel_follows_the_same_sessions_through_every_stage_in_order() {
        // Sessions s1-s6 and s8 started in the 30 days (s7 began at 23:50 on 31 May, s9 after as_of).
        // Product view: all but s2. Add: s1, s4, s5, s6, s8. Checkout: s1, s5, s8 (s6 opened the
        // cart before adding). Order: s1, s5 (cancelled later, still a conversion), s8.
        ReportResult result = shop.run("conversion_funnel");
        assertThat(rows(result, "step", "stage", "sessions", "pct_of_previous", "pct_of_top")).containsExactly(
                "1 | sessions | 7 | 100.0 | 100.0",
                "2 | product view | 6 | 85.7 | 85.7",
                "3 | add to cart | 5 | 83.3 | 71.4",
                "4 | checkout | 3 | 60.0 | 42.9",
                "5 | order | 3 | 100.0 | 42.9");
    }

    @Test
    void a_one_day_funnel_sees_only_sessions_started_that_shop_day() {
        ReportResult result = shop.run("conversion_funnel", Map.of("days", "1"));
        assertThat(rows(result, "stage", "sessions")).containsExactly(
                "sessions | 1", "product view | 1", "add to cart | 1", "checkout | 1", "order | 1");
    }

    @Test
    void an_empty_window_gives_zero_sessions_and_no_percentages() {
        ReportResult result = shop.run("conversion_funnel", OffsetDateTime.parse("2026-01-01T12:00Z"), Map.of("days", "7"));
        assertThat(rows(result, "step", "sessions", "pct_of_previous", "pct_of_top")).containsExactly(
                "1 | 0 | null | null", "2 | 0 | null | null", "3 | 0 | null | null",
                "4 | 0 | null | null", "5 | 0 | null | null");
    }

    @Test
    void retention_shows_each_cohort_and_only_the_months_that_have_begun() {
        // Cohorts: Bob (Nov 2025: back in Apr and Jun 2026 = months 5 and 7), Cat and Fay (Mar 2026:
        // Cat back in June = month 3; her May order was refunded), Dan (Jun 2026). Ann's cohort
        // (Feb 2025) is older than the last 12 months.
        ReportResult result = shop.run("retention_cohorts");
        assertThat(rows(result, "cohort_month", "customers", "month_1_pct", "month_2_pct", "month_3_pct",
                "month_4_pct", "month_5_pct", "month_6_pct", "month_7_pct", "month_8_pct")).containsExactly(
                "2025-07-01 | 0 | null | null | null | null | null | null | null | null",
                "2025-08-01 | 0 | null | null | null | null | null | null | null | null",
                "2025-09-01 | 0 | null | null | null | null | null | null | null | null",
                "2025-10-01 | 0 | null | null | null | null | null | null | null | null",
                "2025-11-01 | 1 | 0.0 | 0.0 | 0.0 | 0.0 | 100.0 | 0.0 | 100.0 | null",
                "2025-12-01 | 0 | null | null | null | null | null | null | null | null",
                "2026-01-01 | 0 | null | null | null | null | null | null | null | null",
                "2026-02-01 | 0 | null | null | null | null | null | null | null | null",
                "2026-03-01 | 2 | 0.0 | 0.0 | 50.0 | null | null | null | null | null",
                "2026-04-01 | 0 | null | null | null | null | null | null | null | null",
                "2026-05-01 | 0 | null | null | null | null | null | null | null | null",
                "2026-06-01 | 1 | null | null | null | null | null | null | null | null");
    }

    @Test
    void retention_marks_the_cells_of_as_ofs_month_as_not_complete() {
        // as of 30 June 2026 the month in progress is June: month 7 of Nov 2025 (Bob back, 100.0
        // so far), month 3 of Mar 2026 (Cat back, 50.0 so far), 0 for June's own cohort (Dan);
        // with 24 cohorts, June 2024's June 2026 is month 24: past month 12, null
        ReportResult result = shop.run("retention_cohorts", Map.of("cohorts", "24"));
        assertThat(rows(result, "cohort_month", "month_in_progress")).contains(
                "2024-07-01 | null", "2025-06-01 | 12", "2025-11-01 | 7", "2026-03-01 | 3", "2026-06-01 | 0");
        assertThat(rows(shop.run("retention_cohorts", Map.of("cohorts", "1")), "cohort_month", "month_in_progress"))
                .containsExactly("2026-06-01 | 0");
    }

    @Test
    void retention_as_of_before_a_refund_counts_the_refunded_order() {
        // as of 1 June 2026, Cat's May order (refunded on 5 June) still counts: Mar 2026 cohort
        // (Cat, Fay) has Cat back in May = month 2 (50.0); June is month 3, in progress, 0 so far
        ReportResult result = shop.run("retention_cohorts", OffsetDateTime.parse("2026-06-01T12:00+01:00"),
                Map.of("cohorts", "4"));
        assertThat(rows(result, "cohort_month", "customers", "month_1_pct", "month_2_pct", "month_3_pct",
                "month_in_progress")).containsExactly(
                "2026-03-01 | 2 | 0.0 | 50.0 | 0.0 | 3",
                "2026-04-01 | 0 | null | null | null | 2",
                "2026-05-01 | 0 | null | null | null | 1",
                "2026-06-01 | 0 | null | null | null | 0");
    }

    @Test
    void retention_stops_at_month_twelve_even_when_the_customer_came_back_later() {
        // Ann: first order Feb 2025, back in Mar 2026 = month 13.
        ReportResult result = shop.run("retention_cohorts", Map.of("cohorts", "24"));
        assertThat(result.rows()).hasSize(24);
        assertThat(rows(result, "cohort_month", "customers", "month_1_pct", "month_12_pct"))
                .contains("2025-02-01 | 1 | 0.0 | 0.0");
    }
}
