package shopflow.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;

/**
 * The funnel and cohort rollups (rollups.funnel_*, rollups.cohort_months_folded) after small
 * hand-made writes, expected rows worked out by hand.
 */
class FunnelAndCohortRollupsTest {

    private static Database database;

    @BeforeAll
    static void createShop() throws SQLException {
        database = TestDatabases.fresh();
        try (Connection c = database.connection()) {
            Writes.shop(c, 3, 2);
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @BeforeEach
    void noEvents() throws SQLException {
        try (Connection c = database.connection()) {
            // their truncate triggers empty the rollups
            Writes.execute(c, "truncate page_views, cart_events");
            Writes.execute(c, "truncate orders cascade");
        }
    }

    private static OffsetDateTime at(String local) {
        return OffsetDateTime.parse(local + "+01:00"); // June: British Summer Time
    }

    /** The funnel rollup as "first day stage reach day sessions" lines, summed by key, zeros left out. */
    private static String funnelDays(Connection c) throws SQLException {
        return (String) Writes.value(c, "select coalesce(string_agg(to_char(first_day, 'MM-DD') || ' ' || stage"
                + " || ' ' || to_char(reach_day, 'MM-DD') || ' ' || sessions, ', ' order by first_day, stage, reach_day), '')"
                + " from (select first_day, stage, reach_day, sum(sessions) as sessions from rollups.funnel_days"
                + " group by 1, 2, 3 having sum(sessions) <> 0) as rollup");
    }

    /**
     * The cohort pairs as "cohort month activity month customers" lines, zeros left out, after a
     * fold (the folder derives them from the customer months).
     */
    private static String cohorts(Connection c) throws SQLException {
        Writes.execute(c, "select fold_rollups()");
        return (String) Writes.value(c, "select coalesce(string_agg(to_char(cohort_month, 'YYYY-MM') || ' '"
                + " || to_char(activity_month, 'YYYY-MM') || ' ' || customers, ', ' order by cohort_month, activity_month), '')"
                + " from (select cohort_month, activity_month, sum(customers) as customers from rollups.cohort_months_folded"
                + " group by 1, 2 having sum(customers) <> 0) as rollup");
    }

    private static void view(Connection c, String session, Integer product, OffsetDateTime at) throws SQLException {
        Writes.execute(c, "insert into page_views (session_id, product_id, viewed_at) values ('" + session + "', "
                + product + ", timestamptz '" + at + "')");
    }

    /** A page view of a page without a product (/checkout: the checkout started). */
    private static void page(Connection c, String session, String url, OffsetDateTime at) throws SQLException {
        Writes.execute(c, "insert into page_views (session_id, page_url, viewed_at) values ('" + session + "', '" + url
                + "', timestamptz '" + at + "')");
    }

    private static void cart(Connection c, String session, String action, OffsetDateTime at) throws SQLException {
        Writes.execute(c, "insert into cart_events (session_id, product_id, action, quantity, event_at) values ('"
                + session + "', 1, '" + action + "', 1, timestamptz '" + at + "')");
    }

    @Test
    void a_session_reaches_each_stage_on_the_day_of_the_latest_first_time_so_far() throws SQLException {
        try (Connection c = database.connection()) {
            view(c, "a", null, at("2026-06-29T23:30"));
            view(c, "a", 1, at("2026-06-30T00:10"));
            // viewing the cart, even after the add, is no checkout; beginning checkout is
            cart(c, "a", "view_cart", at("2026-06-30T00:20"));
            cart(c, "a", "add", at("2026-06-30T00:30"));
            cart(c, "a", "view_cart", at("2026-06-30T00:40"));
            cart(c, "a", "begin_checkout", at("2026-07-01T09:00"));

            assertThat(funnelDays(c)).isEqualTo("06-29 1 06-29 1, 06-29 2 06-30 1, 06-29 3 06-30 1, 06-29 4 07-01 1");
        }
    }

    @Test
    void a_checkout_page_before_the_first_add_reaches_its_stage_at_the_add_even_one_arriving_late() throws SQLException {
        try (Connection c = database.connection()) {
            view(c, "b", 1, at("2026-06-30T10:00"));
            page(c, "b", "/checkout", at("2026-06-30T11:20"));
            cart(c, "b", "add", at("2026-06-30T12:30"));
            // hours in UTC: every stage reached by 12:30 BST (11:00 UTC), the checkout with the add
            assertThat(funnelHours(c)).isEqualTo("1 06-30 09:00 1, 2 06-30 09:00 1, 3 06-30 11:00 1, 4 06-30 11:00 1");

            cart(c, "b", "add", at("2026-06-30T10:05"));

            // the add now at 10:05, the checkout at its own first time, 11:20 BST (10:00 UTC)
            assertThat(funnelHours(c)).isEqualTo("1 06-30 09:00 1, 2 06-30 09:00 1, 3 06-30 09:00 1, 4 06-30 10:00 1");
            assertThat(Writes.value(c, "select checkout_at = timestamptz '2026-06-30T11:20+01:00'"
                    + " from rollups.funnel_sessions where session_id = 'b'")).isEqualTo(true);
        }
    }

    @Test
    void the_checkout_is_the_first_of_a_begin_checkout_and_a_checkout_page_and_deleting_one_leaves_the_other()
            throws SQLException {
        try (Connection c = database.connection()) {
            view(c, "d", 1, at("2026-06-30T10:00"));
            cart(c, "d", "add", at("2026-06-30T10:05"));
            cart(c, "d", "begin_checkout", at("2026-06-30T10:10"));
            page(c, "d", "/checkout?step=address", at("2026-06-30T11:40"));
            page(c, "d", "/checkout/help", at("2026-06-30T09:00")); // not the checkout page: a first page view
            String checkout = "select coalesce(to_char(checkout_at at time zone 'UTC', 'HH24:MI'), 'none')"
                    + " from rollups.funnel_sessions where session_id = 'd'";
            assertThat(Writes.value(c, checkout)).isEqualTo("09:10");

            Writes.execute(c, "delete from cart_events where action = 'begin_checkout'");
            assertThat(Writes.value(c, checkout)).isEqualTo("10:40");
            assertThat(funnelHours(c)).isEqualTo("1 06-30 08:00 1, 2 06-30 09:00 1, 3 06-30 09:00 1, 4 06-30 10:00 1");

            Writes.execute(c, "delete from page_views where page_url like '/checkout?%'");
            assertThat(Writes.value(c, checkout)).isEqualTo("none");
            assertThat(funnelHours(c)).isEqualTo("1 06-30 08:00 1, 2 06-30 09:00 1, 3 06-30 09:00 1");
            assertThat(funnel(at("2026-06-30T12:00"))).containsExactly(1L, 1L, 1L, 0L, 0L);
        }
    }

    @Test
    void deleting_a_session_s_first_page_view_moves_it_to_the_day_of_the_next() throws SQLException {
        try (Connection c = database.connection()) {
            view(c, "c", null, at("2026-06-29T12:00"));
            view(c, "c", null, at("2026-06-30T12:00"));
            Writes.execute(c, "insert into orders (customer_id, order_number, session_id, subtotal, total_amount, created_at)"
                    + " values (1, 'S-1', 'c', 10, 10, timestamptz '2026-06-30T13:00+01:00')");
            assertThat(funnelDays(c)).isEqualTo("06-29 1 06-29 1");

            Writes.execute(c, "delete from page_views where viewed_at = timestamptz '2026-06-29T12:00+01:00'");

            assertThat(funnelDays(c)).isEqualTo("06-30 1 06-30 1");
            assertThat(Writes.value(c, "select order_at is not null from rollups.funnel_sessions where session_id = 'c'"))
                    .isEqualTo(true);
        }
    }

    /** The funnel rollup's rows as "stage reach hour (UTC) sessions", summed by key, zeros left out. */
    private static String funnelHours(Connection c) throws SQLException {
        return (String) Writes.value(c, "select coalesce(string_agg(stage || ' ' || to_char(reach_hour at time zone 'UTC',"
                + " 'MM-DD HH24:MI') || ' ' || sessions, ', ' order by stage, reach_hour), '')"
                + " from (select stage, reach_hour, sum(sessions) as sessions from rollups.funnel_days"
                + " group by 1, 2 having sum(sessions) <> 0) as rollup");
    }

    /** conversion_funnel's sessions per step, last day only, as of a moment. */
    private static List<Long> funnel(OffsetDateTime asOf) {
        ReportResult result = new ReportRunner(database.dataSource())
                .run(ReportCatalog.load().get("conversion_funnel"), asOf, Map.of("days", "1"));
        assertThat(new RollupVerifier(database.dataSource()).compare("conversion_funnel", asOf, Map.of("days", "1")))
                .as("conversion_funnel as of %s against its reference", asOf).isEmpty();
        return result.rows().stream().map(row -> ((Number) row.get(2)).longValue()).toList();
    }

    @Test
    void the_funnel_rollup_keeps_each_stage_s_hour_and_the_report_counts_sessions_one_by_one_only_since_as_of_s_hour()
            throws SQLException {
        try (Connection c = database.connection()) {
            view(c, "late", 1, at("2026-06-30T13:59:59.999999"));
            view(c, "sharp", 1, at("2026-06-30T14:00"));
            view(c, "slow", null, at("2026-06-30T12:10"));
            view(c, "slow", 1, at("2026-06-30T14:20"));
            cart(c, "slow", "add", at("2026-06-30T14:25"));

            assertThat(funnelHours(c)).isEqualTo("1 06-30 11:00 1, 1 06-30 12:00 1, 1 06-30 13:00 1,"
                    + " 2 06-30 12:00 1, 2 06-30 13:00 2, 3 06-30 13:00 1");
            // sessions, product view, add to cart, checkout, order
            assertThat(funnel(at("2026-06-30T14:30"))).containsExactly(3L, 3L, 1L, 0L, 0L);
            assertThat(funnel(at("2026-06-30T14:24:59"))).containsExactly(3L, 3L, 0L, 0L, 0L);
            assertThat(funnel(at("2026-06-30T14:00"))).containsExactly(3L, 2L, 0L, 0L, 0L);
            assertThat(funnel(at("2026-06-30T13:59:59.999999"))).containsExactly(2L, 1L, 0L, 0L, 0L);
            assertThat(funnel(at("2026-06-30T13:59:59.999998"))).containsExactly(1L, 0L, 0L, 0L, 0L);
            assertThat(funnel(at("2026-07-01T00:30"))).containsExactly(0L, 0L, 0L, 0L, 0L);
        }
    }

    /** A session to the order stage: its first page view, a product page, an add, checkout begun, its order. */
    private static void converts(Connection c, String session, String first, String product, String add,
            String checkout, String ordered) throws SQLException {
        view(c, session, null, at(first));
        view(c, session, 1, at(product));
        cart(c, session, "add", at(add));
        cart(c, session, "begin_checkout", at(checkout));
        Writes.execute(c, "insert into orders (customer_id, order_number, session_id, subtotal, total_amount, created_at)"
                + " values (1, 'S-" + session + "', '" + session + "', 10, 10, timestamptz '" + at(ordered) + "')");
    }

    /** funnel_hour_to(the hour of moment, moment, 30 June's start): "sessions converted". */
    private static String hourTo(Connection c, String moment) throws SQLException {
        return (String) Writes.value(c, "select sessions || ' ' || converted from funnel_hour_to(shop_hour(timestamptz '"
                + at(moment) + "' + interval '1 microsecond'), timestamptz '" + at(moment)
                + "', timestamptz '" + at("2026-06-30T00:00") + "')");
    }

    @Test
    void an_hour_s_sessions_up_to_a_moment_are_its_rollup_less_those_after_or_those_before_counted_one_by_one()
            throws SQLException {
        try (Connection c = database.connection()) {
            converts(c, "a", "2026-06-30T10:10", "2026-06-30T10:12", "2026-06-30T10:15", "2026-06-30T10:20",
                    "2026-06-30T10:50");
            view(c, "b", null, at("2026-06-30T10:40"));
            view(c, "c", null, at("2026-06-30T10:55"));
            // first seen the hour before, converts in this one; first seen the day before (not counted)
            converts(c, "d", "2026-06-30T09:50", "2026-06-30T09:51", "2026-06-30T09:52", "2026-06-30T09:53",
                    "2026-06-30T10:05");
            converts(c, "e", "2026-06-29T23:00", "2026-06-30T10:25", "2026-06-30T10:26", "2026-06-30T10:27",
                    "2026-06-30T10:30");

            // the second half of the hour: its rollup (a, b, c first seen; d, a converted) less those after
            assertThat(hourTo(c, "2026-06-30T10:45")).isEqualTo("2 1");
            assertThat(hourTo(c, "2026-06-30T10:52")).isEqualTo("2 2");
            assertThat(hourTo(c, "2026-06-30T10:59:59")).isEqualTo("3 2");
            // the first half, with sessions after: those before counted
            assertThat(hourTo(c, "2026-06-30T10:20")).isEqualTo("1 1");
            assertThat(hourTo(c, "2026-06-30T10:00")).isEqualTo("0 0");
            assertThat(hourTo(c, "2026-06-30T09:58")).isEqualTo("1 0");
            // every minute around the hour, by both ways, as counting the sessions one by one does
            assertThat(Writes.value(c, """
                    select count(*) from generate_series(timestamptz '2026-06-30 08:58+01', timestamptz '2026-06-30 11:02+01',
                                                         interval '1 minute') as m
                    cross join lateral funnel_hour_to(shop_hour(m + interval '1 microsecond'), m,
                                                      timestamptz '2026-06-30 00:00+01') as h
                    where (h.sessions, h.converted) is distinct from (
                        (select count(*) from rollups.funnel_sessions s
                         where s.first_seen_at >= shop_hour(m + interval '1 microsecond') and s.first_seen_at <= m
                           and s.first_seen_at >= timestamptz '2026-06-30 00:00+01'),
                        (select count(*) from rollups.funnel_sessions s
                         where s.last_reached_at >= shop_hour(m + interval '1 microsecond') and s.last_reached_at <= m
                           and s.first_seen_at >= timestamptz '2026-06-30 00:00+01' and s.order_at is not null
                           and s.checkout_at is not null and s.add_at is not null and s.product_view_at is not null))
                    """)).isEqualTo(0L);
        }
    }

    /** A page view from a referrer on a device, with its id given (null: the next of the sequence). */
    private static void landing(Connection c, String session, Long viewId, String referrer, String device,
            OffsetDateTime at) throws SQLException {
        Writes.execute(c, "insert into page_views (view_id, session_id, referrer, device_type, page_url, viewed_at) values ("
                + (viewId == null ? "nextval('page_views_view_id_seq')" : viewId) + ", '" + session + "', "
                + (referrer == null ? "null" : "'" + referrer + "'") + ", " + (device == null ? "null" : "'" + device + "'")
                + ", '/', timestamptz '" + at + "')");
    }

    /** The session's kept landing as "channel device", and session_landing()'s from the raw rows, which it must equal. */
    private static String keptLanding(Connection c, String session) throws SQLException {
        String kept = (String) Writes.value(c, "select coalesce(landing_channel, '-') || ' ' || coalesce(landing_device, '-')"
                + " from rollups.funnel_sessions where session_id = '" + session + "'");
        String raw = (String) Writes.value(c, "select coalesce((select channel || ' ' || device from session_landing('"
                + session + "')), '- -')");
        assertThat(kept).as("kept landing of %s against session_landing()", session).isEqualTo(raw);
        return kept;
    }

    @Test
    void a_session_s_kept_landing_is_its_first_page_view_s_whatever_order_the_views_arrive_in() throws SQLException {
        try (Connection c = database.connection()) {
            cart(c, "l", "add", at("2026-06-30T09:00"));
            assertThat(keptLanding(c, "l")).as("no page view yet").isEqualTo("- -");
            landing(c, "l", null, "https://www.google.com/", "mobile", at("2026-06-30T10:00"));
            assertThat(keptLanding(c, "l")).isEqualTo("search mobile");
            landing(c, "l", null, "https://www.facebook.com/", "tablet", at("2026-06-30T11:00"));
            assertThat(keptLanding(c, "l")).as("a later view").isEqualTo("search mobile");
            landing(c, "l", null, "https://mail.example.com/", "desktop", at("2026-06-30T10:00"));
            assertThat(keptLanding(c, "l")).as("the same moment, a higher id").isEqualTo("search mobile");
            landing(c, "l", -5L, "https://www.pricecompare.example/", "tablet", at("2026-06-30T10:00"));
            assertThat(keptLanding(c, "l")).as("the same moment, a lower id").isEqualTo("referral tablet");
            landing(c, "l", null, null, null, at("2026-06-30T09:30"));
            assertThat(keptLanding(c, "l")).as("a late view with an earlier time").isEqualTo("direct unknown");
            Writes.execute(c, "delete from page_views where session_id = 'l' and viewed_at = timestamptz '"
                    + at("2026-06-30T09:30") + "'");
            assertThat(keptLanding(c, "l")).as("the first view deleted").isEqualTo("referral tablet");
            Writes.execute(c, "update page_views set viewed_at = viewed_at + interval '3 hours' where view_id = -5");
            assertThat(keptLanding(c, "l")).as("the first view moved later").isEqualTo("search mobile");
            // two sessions' views in one statement, the first of each by time then id
            Writes.execute(c, "insert into page_views (view_id, session_id, referrer, device_type, page_url, viewed_at) values"
                    + " (-7, 'm', 'https://www.bing.com/', 'desktop', '/', timestamptz '" + at("2026-06-30T08:00") + "'),"
                    + " (-8, 'm', 'https://www.instagram.com/', 'tablet', '/', timestamptz '" + at("2026-06-30T08:00") + "'),"
                    + " (-9, 'l', 'https://www.instagram.com/', null, '/', timestamptz '" + at("2026-06-30T08:00") + "'),"
                    + " (-6, 'l', null, 'mobile', '/', timestamptz '" + at("2026-06-30T08:30") + "')");
            assertThat(keptLanding(c, "m")).isEqualTo("social tablet");
            assertThat(keptLanding(c, "l")).isEqualTo("social unknown");
            Writes.execute(c, "delete from page_views where session_id = 'm'");
            assertThat(keptLanding(c, "m")).as("no page view left").isEqualTo("- -");
        }
    }

    @Test
    void the_hour_that_comes_twice_when_the_clocks_go_back_is_two_hours_of_the_rollup() throws SQLException {
        try (Connection c = database.connection()) {
            // 25 October 2026 in London: 01:00-02:00 British Summer Time, then 01:00-02:00 GMT
            view(c, "summer", 1, OffsetDateTime.parse("2026-10-25T01:30+01:00"));
            view(c, "winter", 1, OffsetDateTime.parse("2026-10-25T01:30Z"));

            assertThat(funnelHours(c)).isEqualTo("1 10-25 00:00 1, 1 10-25 01:00 1, 2 10-25 00:00 1, 2 10-25 01:00 1");
            assertThat(funnel(OffsetDateTime.parse("2026-10-25T01:45+01:00"))).containsExactly(1L, 1L, 0L, 0L, 0L);
            assertThat(funnel(OffsetDateTime.parse("2026-10-25T01:45Z"))).containsExactly(2L, 2L, 0L, 0L, 0L);
            assertThat(funnel(OffsetDateTime.parse("2026-10-25T02:00Z"))).containsExactly(2L, 2L, 0L, 0L, 0L);
        }
    }

    @Test
    void cancelling_a_customer_s_first_order_moves_them_to_the_cohort_of_their_next() throws SQLException {
        try (Connection c = database.connection()) {
            int first = Writes.order(c, 1, at("2026-05-20T10:00"), "pending", new BigDecimal("10.00"));
            Writes.order(c, 1, at("2026-06-02T10:00"), "pending", new BigDecimal("10.00"));
            Writes.order(c, 1, at("2026-08-02T10:00"), "delivered", new BigDecimal("10.00"));
            Writes.order(c, 2, at("2026-06-30T23:30"), "pending", new BigDecimal("10.00")); // 30 June in London
            assertThat(cohorts(c)).isEqualTo("2026-05 2026-05 1, 2026-05 2026-06 1, 2026-05 2026-08 1, 2026-06 2026-06 1");

            Writes.status(c, first, "cancelled");

            assertThat(cohorts(c)).isEqualTo("2026-06 2026-06 2, 2026-06 2026-08 1");
        }
    }

    @Test
    void a_second_order_in_the_same_month_and_its_refund_leave_the_customer_once_in_the_cohort() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.order(c, 3, at("2026-06-01T10:00"), "pending", new BigDecimal("10.00"));
            int second = Writes.order(c, 3, at("2026-06-20T10:00"), "delivered", new BigDecimal("10.00"));
            Writes.status(c, second, "refunded");

            assertThat(cohorts(c)).isEqualTo("2026-06 2026-06 1");
            assertThat((Long) Writes.value(c, "select orders from rollups.customer_months_folded where customer_id = 3"))
                    .isEqualTo(1L);
        }
    }

    @Test
    void concurrent_writers_of_the_same_sessions_and_customers_leave_the_rollups_exact() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                long seed = w;
                writers.add(pool.submit(() -> {
                    writeConcurrently(new Random(seed));
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            pool.shutdownNow();
        }

        RollupVerifier verifier = new RollupVerifier(database.dataSource());
        for (String asOf : List.of("2026-06-30T12:00", "2026-07-01T00:00", "2026-07-02T10:30", "2026-08-15T00:00")) {
            for (String report : List.of("conversion_funnel", "retention_cohorts")) {
                Optional<Drift> drift = verifier.compare(report, at(asOf), Map.of());
                assertThat(drift).as(() -> drift.map(Drift::describe).orElse("")).isEmpty();
            }
        }
        try (Connection c = database.connection()) {
            assertThat((Long) Writes.value(c, "select count(*) from rollups.funnel_sessions where checkout_at is not null"))
                    .isPositive();
            // the rows the writers appended, hour by hour, are those a rebuild derives from the raw rows
            String appended = funnelHours(c);
            Writes.execute(c, "select rebuild_rollups(array['funnel', 'funnel_days'])");
            assertThat(funnelHours(c)).isEqualTo(appended);
        }
    }

    /**
     * One writer: 25 transactions, each a page view, a cart event and now and then an order of
     * three sessions and three customers shared with the other writers, as the ingest and the
     * shop write them (events in session order, one statement per table).
     */
    private static void writeConcurrently(Random random) throws SQLException {
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            for (int t = 0; t < 25; t++) {
                String session = "x" + random.nextInt(3);
                OffsetDateTime moment = at("2026-06-30T09:00").plusMinutes(random.nextInt(48 * 60));
                if (random.nextInt(4) == 0) {
                    page(c, session, "/checkout", moment);
                } else {
                    view(c, session, random.nextBoolean() ? 1 : null, moment);
                }
                cart(c, session, List.of("add", "view_cart", "begin_checkout").get(random.nextInt(3)),
                        moment.plusMinutes(random.nextInt(120) - 60));
                if (random.nextInt(3) == 0) {
                    Writes.execute(c, "insert into orders (customer_id, order_number, status, session_id, subtotal,"
                            + " total_amount, created_at) values (" + (1 + random.nextInt(3)) + ", 'X-' || nextval("
                            + "'orders_order_id_seq'), '" + (random.nextInt(4) == 0 ? "cancelled" : "pending") + "', '"
                            + session + "', 10, 10, timestamptz '" + moment.plusDays(random.nextInt(40)) + "')");
                }
                c.commit();
            }
        }
    }
}
