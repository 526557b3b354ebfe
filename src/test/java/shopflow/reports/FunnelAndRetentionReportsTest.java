package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.reports.ReportFixture.rows;

import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import shopflow.rollups.RollupVerifier;

class FunnelAndRetentionReportsTest {

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    /** The funnel's checkout sessions (fixtures/funnel_checkout.sql): page views and cart events only, no orders. */
    @BeforeAll
    static void checkoutSessions() {
        ReportFixture.execute(shop.database(), ReportFixture.resource("/fixtures/funnel_checkout.sql"));
    }

    @Test
    void the_funnel_follows_the_same_sessions_through_every_stage_in_order() {
        // Sessions started in the 30 days: s1-s6, s8 (shop.sql; s7 began at 23:50 on 31 May, s9
        // after as_of) and s10-s12 (funnel_checkout.sql) = 10.
        // Product view: all but s2 = 9. Add: s1, s4, s5, s6, s8, s10, s11, s12 = 8.
        // Checkout started: s1 and s5 (/checkout pages), s8 (begin_checkout), s10 (abandons there),
        // s12 (/checkout before its add) = 5; s4, s6 and s11 (views the cart) never start it.
        // Order: s1, s5 (cancelled later, still a conversion), s8 = 3; s10 has none.
        // 9/10 = 90.0, 8/9 = 88.9, 5/8 = 62.5, 3/5 = 60.0; of 10: 80.0, 50.0, 30.0.
        ReportResult result = shop.run("conversion_funnel");
        assertThat(rows(result, "step", "stage", "sessions", "pct_of_previous", "pct_of_top")).containsExactly(
                "1 | sessions | 10 | 100.0 | 100.0",
                "2 | product view | 9 | 90.0 | 90.0",
                "3 | add to cart | 8 | 88.9 | 80.0",
                "4 | checkout started | 5 | 62.5 | 50.0",
                "5 | order | 3 | 60.0 | 30.0");
        assertThat(new RollupVerifier(shop.database().dataSource()).compare("conversion_funnel", ReportFixture.AS_OF,
                Map.of())).isEmpty();
    }

    @Test
    void a_one_day_funnel_sees_only_sessions_started_that_shop_day() {
        // 30 June: s8, which began checkout (begin_checkout at 09:25) and ordered at 09:30.
        ReportResult result = shop.run("conversion_funnel", Map.of("days", "1"));
        assertThat(rows(result, "stage", "sessions")).containsExactly(
                "sessions | 1", "product view | 1", "add to cart | 1", "checkout started | 1", "order | 1");
    }

    @Test
    void a_checkout_page_viewed_before_any_add_counts_only_from_the_add_on() {
        // s12 on 17 June: product page 10:00, /checkout 10:01, add 10:30; the only session that day.
        OffsetDateTime beforeAdd = OffsetDateTime.parse("2026-06-17T10:15+01:00");
        OffsetDateTime afterAdd = OffsetDateTime.parse("2026-06-17T10:45+01:00");
        assertThat(rows(shop.run("conversion_funnel", beforeAdd, Map.of("days", "1")), "stage", "sessions"))
                .containsExactly("sessions | 1", "product view | 1", "add to cart | 0", "checkout started | 0", "order | 0");
        assertThat(rows(shop.run("conversion_funnel", afterAdd, Map.of("days", "1")), "stage", "sessions"))
                .containsExactly("sessions | 1", "product view | 1", "add to cart | 1", "checkout started | 1", "order | 0");
        RollupVerifier verifier = new RollupVerifier(shop.database().dataSource());
        assertThat(verifier.compare("conversion_funnel", beforeAdd, Map.of("days", "1"))).isEmpty();
        assertThat(verifier.compare("conversion_funnel", afterAdd, Map.of("days", "1"))).isEmpty();
    }

    @Test
    void a_session_that_abandons_at_checkout_counts_there_and_one_that_only_views_its_cart_does_not() {
        // 15 June: s10 adds and opens /checkout, no order; 16 June: s11 adds and views its cart.
        // As of the end of 16 June, 2 days: both sessions viewed a product and added; only s10 started checkout.
        ReportResult result = shop.run("conversion_funnel", OffsetDateTime.parse("2026-06-16T23:00+01:00"),
                Map.of("days", "2"));
        assertThat(rows(result, "stage", "sessions", "pct_of_previous")).containsExactly(
                "sessions | 2 | 100.0", "product view | 2 | 100.0", "add to cart | 2 | 100.0",
                "checkout started | 1 | 50.0", "order | 0 | 0.0");
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
