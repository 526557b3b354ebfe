package shopflow.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * The RFM rollups (rollups.rfm_*): the scores kept from the last scoring, plus the customers
 * rfm_rescored(as_of) says have moved, are every buyer's scores as rfm_scores(as_of) computes them
 * over all buyers (itself checked against the percentile boundaries in CustomerRollupsTest), whether
 * the changes are pending, folded since the scoring, or orders after as_of.
 */
class RfmRollupsTest {

    private static final int CUSTOMERS = 150;
    private static final String END = "timestamptz '2026-12-31 00:00+00'";

    private static Database database;

    @BeforeAll
    static void createShop() throws SQLException {
        database = TestDatabases.fresh();
        try (Connection c = database.connection()) {
            Writes.shop(c, CUSTOMERS, 2);
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    /**
     * 120 buyers of 150 customers: customer i has 1 + i % 7 orders over June 2026, each with one
     * line (its net sales: 10 values, ties), all scored.
     */
    @BeforeEach
    void buyersScored() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.execute(c, "truncate orders cascade");
            Writes.execute(c, "insert into orders (customer_id, order_number, status, subtotal, total_amount, created_at)"
                    + " select i, 'F-' || i || '-' || k, 'delivered', 10 * (1 + (i * k) % 10), 10 * (1 + (i * k) % 10),"
                    + " timestamptz '2026-06-01 09:00+01' + (i * 7 + k * 3) % 29 * interval '1 day' + k * interval '1 hour'"
                    + " from generate_series(1, 120) i, generate_series(1, 7) k where k <= 1 + i % 7");
            Writes.execute(c, "insert into order_items (order_id, product_id, quantity, unit_price, line_total)"
                    + " select order_id, 1, 1, subtotal, subtotal from orders");
            Writes.execute(c, "select fold_rollups()");
        }
    }

    /** An order (Writes.order) with one line of its total: its net sales. */
    private static int order(Connection c, int customerId, OffsetDateTime createdAt, String status, BigDecimal total)
            throws SQLException {
        int order = Writes.order(c, customerId, createdAt, status, total);
        Writes.execute(c, "insert into order_items (order_id, product_id, quantity, unit_price, line_total)"
                + " values (" + order + ", 1, 1, " + total + ", " + total + ")");
        return order;
    }

    /** The kept rows with the moved customers' rows put in, minus rfm_scores, both ways: 0 when equal. */
    private static long differences(Connection c, String asOf, int fullRescoreAbove) throws SQLException {
        String rescored = "rfm_rescored(" + asOf + ", " + fullRescoreAbove + ")";
        String incremental = "select s.customer_id, rfm_recency_days(" + asOf + ", s.recency_key), s.orders, s.spend,"
                + " s.r_score, s.f_score, s.m_score, s.segment from rollups.rfm_scored s"
                + " where s.customer_id not in (select customer_id from " + rescored + ")"
                + " union all select customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, segment"
                + " from " + rescored + " where change = 1";
        String full = "select customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, segment"
                + " from rfm_scores(" + asOf + ")";
        return (Long) Writes.value(c, "select count(*) from (((" + incremental + ") except all (" + full + "))"
                + " union all ((" + full + ") except all (" + incremental + "))) as different");
    }

    /** The kept scoring (rows, segment sums, sorted keys with the changes since they were written) as text. */
    private static String scoring(Connection c) throws SQLException {
        return Writes.value(c, "select string_agg(s::text, ' ' order by customer_id) from rollups.rfm_scored s") + " / "
                + Writes.value(c, "select string_agg(s::text, ' ' order by r_score, f_score, m_score) from rollups.rfm_cells s"
                        + " where customers > 0") + " / "
                + Writes.value(c, "select k::text from rfm_keys() k");
    }

    private static long rescoredCustomers(Connection c, String asOf) throws SQLException {
        return (Long) Writes.value(c, "select count(distinct customer_id) from rfm_rescored(" + asOf + ", 1000)");
    }

    private static void assertRescoringExact(Connection c) throws SQLException {
        for (String asOf : new String[] {END, "timestamptz '2026-06-20 12:00+01'", "timestamptz '2026-06-02 00:00+01'",
                "timestamptz '2026-05-01 00:00+01'"}) {
            assertThat(differences(c, asOf, 1000)).as("only the moved customers rescored, as of %s", asOf).isZero();
            assertThat(differences(c, asOf, 0)).as("everyone rescored, as of %s", asOf).isZero();
        }
    }

    @Test
    void a_fold_scores_everyone_again_and_nothing_has_moved_since() throws SQLException {
        try (Connection c = database.connection()) {
            assertThat(Writes.value(c, "select count(*) from rollups.rfm_scored")).isEqualTo(120L);
            assertThat(Writes.value(c, "select count(*) from rollups.rfm_stale")).isEqualTo(0L);
            assertThat(rescoredCustomers(c, END)).isZero();
            assertThat(Writes.value(c, "select sum(customers) from rollups.rfm_cells")).isEqualTo(new BigDecimal("120"));
            assertRescoringExact(c);
        }
    }

    @Test
    void new_buyers_cancellations_corrections_pending_or_folded_rescore_only_the_customers_they_move()
            throws SQLException {
        try (Connection c = database.connection()) {
            // new buyers (the most recent), a cancelled order, a moved one, a corrected total: pending
            for (int customer = 121; customer <= 126; customer++) {
                order(c, customer, OffsetDateTime.parse("2026-07-0" + (customer - 120) + "T10:00+01:00"),
                        "pending", new BigDecimal("55.00"));
            }
            int cancelled = order(c, 3, OffsetDateTime.parse("2026-07-10T10:00+01:00"), "pending",
                    new BigDecimal("500.00"));
            Writes.status(c, cancelled, "cancelled");
            Writes.execute(c, "update orders set customer_id = 127 where order_number = 'F-40-1'");
            Writes.execute(c, "update order_items set line_total = 990 where order_id ="
                    + " (select order_id from orders where order_number = 'F-76-2')");
            assertThat(Writes.value(c, "select count(*) from rollups.customer_orders_pending")).isNotEqualTo(0L);
            assertRescoringExact(c);
            long moved = rescoredCustomers(c, END);
            assertThat(moved).as("rescored customers").isGreaterThanOrEqualTo(10L).isLessThan(120L);

            // folded but not scored again: the folded customers are stale
            Writes.execute(c, "select fold_customer_orders_rollups()");
            assertThat(Writes.value(c, "select count(*) from rollups.customer_orders_pending")).isEqualTo(0L);
            assertThat(Writes.value(c, "select count(*) from rollups.rfm_stale")).isEqualTo(10L);
            assertRescoringExact(c);
            assertThat(rescoredCustomers(c, END)).isEqualTo(moved);

            // more changes on top, pending: a stale customer again, a customer who loses every order
            order(c, 121, OffsetDateTime.parse("2026-08-01T10:00+01:00"), "delivered", new BigDecimal("10.00"));
            Writes.execute(c, "delete from order_items where order_id in (select order_id from orders where customer_id = 7)");
            Writes.execute(c, "delete from order_status_changes where order_id in (select order_id from orders where customer_id = 7)");
            Writes.execute(c, "delete from orders where customer_id = 7");
            assertRescoringExact(c);

            // the fold scores the stale customers and those they move again, as a reader does: the
            // kept rows, sums and sorted keys are then those of a scoring of everyone
            Writes.execute(c, "select fold_rollups()");
            assertThat(Writes.value(c, "select count(*) from rollups.rfm_stale")).isEqualTo(0L);
            assertThat(rescoredCustomers(c, END)).isZero();
            assertRescoringExact(c);
            // the keys it took out and put in are kept beside the sorted arrays, not written into them
            assertThat((Integer) Writes.value(c, "select cardinality(recency_removed) + cardinality(recency_added)"
                    + " from rollups.rfm_quintiles")).isPositive();

            // more changes read and folded on top of those
            order(c, 3, OffsetDateTime.parse("2026-08-02T10:00+01:00"), "delivered", new BigDecimal("80.00"));
            order(c, 128, OffsetDateTime.parse("2026-08-03T10:00+01:00"), "delivered", new BigDecimal("30.00"));
            assertRescoringExact(c);
            Writes.execute(c, "select fold_rollups()");
            assertRescoringExact(c);
            String folded = scoring(c);

            // written into the arrays: the same keys
            Writes.execute(c, "select absorb_rfm_key_changes(0)");
            assertThat(Writes.value(c, "select cardinality(recency_removed || recency_added || frequency_removed"
                    + " || frequency_added || monetary_removed || monetary_added) from rollups.rfm_quintiles"))
                    .isEqualTo(0);
            assertThat(scoring(c)).isEqualTo(folded);
            assertRescoringExact(c);

            Writes.execute(c, "select rescore_rfm_rollups()");
            assertThat(folded).isEqualTo(scoring(c));
        }
    }

    /**
     * A fold leaves a handful of stale customers (up to 1/2048 of the buyers) to the readers, until
     * one has waited half a minute: then it scores them, so that they do not stay stale in a quiet
     * shop, every reader rescoring them.
     */
    @Test
    void a_handful_of_stale_customers_is_left_to_the_readers_until_one_has_waited_half_a_minute()
            throws SQLException {
        try (Connection c = database.connection()) {
            // 4,200 more buyers, one order each: 4,320 buyers, so a handful is up to 2
            Writes.execute(c, "insert into customers (customer_id, email, signup_date)"
                    + " select i, 'c' || i || '@example.com', timestamptz '2025-01-01 00:00Z'"
                    + " from generate_series(1001, 5200) i on conflict do nothing");
            Writes.execute(c, "insert into orders (customer_id, order_number, status, subtotal, total_amount, created_at)"
                    + " select i, 'H-' || i, 'delivered', 10 + i % 90, 10 + i % 90,"
                    + " timestamptz '2026-06-01 09:00+01' + i % 29 * interval '1 day' from generate_series(1001, 5200) i");
            Writes.execute(c, "insert into order_items (order_id, product_id, quantity, unit_price, line_total)"
                    + " select order_id, 1, 1, subtotal, subtotal from orders where order_number like 'H-%'");
            Writes.execute(c, "select fold_rollups()");
            assertThat(Writes.value(c, "select customers from rollups.rfm_quintiles")).isEqualTo(4320);
            assertThat(Writes.value(c, "select count(*) from rollups.rfm_stale")).isEqualTo(0L);

            order(c, 5, OffsetDateTime.parse("2026-07-01T10:00+01:00"), "delivered", new BigDecimal("70.00"));
            order(c, 1500, OffsetDateTime.parse("2026-07-02T10:00+01:00"), "delivered", new BigDecimal("20.00"));
            Writes.execute(c, "select fold_rollups()");
            assertThat(Writes.value(c, "select count(*) from rollups.rfm_stale")).as("left to the readers").isEqualTo(2L);
            assertThat(rescoredCustomers(c, END)).isPositive();
            assertRescoringExact(c);

            Writes.execute(c, "update rollups.rfm_stale set marked_at = marked_at - interval '31 seconds'"
                    + " where customer_id = 1500");
            Writes.execute(c, "select fold_rollups()");
            assertThat(Writes.value(c, "select count(*) from rollups.rfm_stale")).as("scored").isEqualTo(0L);
            assertThat(rescoredCustomers(c, END)).isZero();
            assertRescoringExact(c);
        }
    }

    @Test
    void a_scoring_beside_the_customer_folds_keeps_a_customer_marked_again_while_it_ran() throws Exception {
        ExecutorService beside = Executors.newSingleThreadExecutor();
        try (Connection c = database.connection(); Connection holder = database.connection();
                Connection scoring = database.connection()) {
            // customer 3 ordered and was folded, as a Citus cluster's catch-up run does, not scored: stale
            order(c, 3, OffsetDateTime.parse("2026-07-10T10:00+01:00"), "delivered", new BigDecimal("80.00"));
            Writes.execute(c, "select fold_rollups(array['rfm'])");
            assertThat(Writes.value(c, "select count(*) from rollups.rfm_stale where customer_id = 3")).isEqualTo(1L);

            // a scoring beside the folds, held after it read the marks: its write of customer 3's
            // scored row waits for the row lock taken here
            holder.setAutoCommit(false);
            Writes.execute(holder, "select 1 from rollups.rfm_scored where customer_id = 3 for update");
            int scoringPid = ((Number) Writes.value(scoring, "select pg_backend_pid()")).intValue();
            Future<?> folding = beside.submit(() -> {
                Writes.execute(scoring, "select fold_rfm_rollups()");
                return null;
            });
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"Lock".equals(Writes.value(c, "select wait_event_type from pg_stat_activity where pid = " + scoringPid))) {
                assertThat(System.nanoTime()).as("the scoring waits for the row lock").isLessThan(deadline);
                Thread.sleep(20);
            }
            // meanwhile customer 3 orders again, and a fold marks it again and commits
            order(c, 3, OffsetDateTime.parse("2026-07-11T10:00+01:00"), "delivered", new BigDecimal("90.00"));
            Writes.execute(c, "select fold_rollups(array['rfm'])");
            holder.commit();
            folding.get(30, TimeUnit.SECONDS);

            // the scoring scored customer 3 as it read it; the mark set since stays, so readers rescore it
            assertThat(Writes.value(c, "select orders from rollups.rfm_scored where customer_id = 3"))
                    .isEqualTo(Writes.value(c, "select orders - 1 from rollups.customer_orders_folded where customer_id = 3"));
            assertThat(Writes.value(c, "select count(*) from rollups.rfm_stale where customer_id = 3")).isEqualTo(1L);
            assertRescoringExact(c);
            Writes.execute(c, "select fold_rollups()");
            assertThat(Writes.value(c, "select count(*) from rollups.rfm_stale")).isEqualTo(0L);
            assertRescoringExact(c);
        } finally {
            beside.shutdownNow();
        }
    }

    @Test
    void the_keys_taken_out_and_put_in_since_the_arrays_were_written_add_up_and_cancel() throws SQLException {
        try (Connection c = database.connection()) {
            // the array holds 10, 20, 30, 40; since written: 10 and 20 out, 15 and 25 in (15 25 30 40).
            // Now 15 and 30 out, 20 and 35 in (20 25 35 40): 20 is back in the array, so in neither list
            assertThat(Writes.value(c, "select k::text from key_changes_after('{10,20}', '{15,25}', '{15,30}',"
                    + " '{20,35}') as k")).isEqualTo("(\"{10,30}\",\"{25,35}\")");
            assertThat(Writes.value(c, "select sorted_after('{10,20,30,40}', '{10,30}', '{25,35}')::text"))
                    .isEqualTo("{20,25,35,40}");
        }
    }

    @Test
    void a_rebuild_of_the_customer_rollup_alone_leaves_every_buyer_to_rescore_and_a_full_rebuild_scores_them()
            throws SQLException {
        try (Connection c = database.connection()) {
            order(c, 130, OffsetDateTime.parse("2026-07-01T10:00+01:00"), "delivered", new BigDecimal("20.00"));
            Writes.execute(c, "select rebuild_customer_orders_rollups()");
            assertThat(Writes.value(c, "select count(*) from rollups.rfm_stale")).isEqualTo(121L);
            assertRescoringExact(c);

            Writes.execute(c, "select rebuild_rollups()");
            assertThat(Writes.value(c, "select count(*) from rollups.rfm_stale")).isEqualTo(0L);
            assertThat(Writes.value(c, "select count(*) from rollups.rfm_scored")).isEqualTo(121L);
            assertThat(rescoredCustomers(c, END)).isZero();
            assertRescoringExact(c);
        }
    }

    /** The rfm_customers export of a segment as of END, each row "customer_id email first last monetary". */
    private static List<String> export(String segment) {
        ReportResult result = new ReportRunner(database.dataSource()).run(ReportCatalog.load().get("rfm_customers"),
                OffsetDateTime.parse("2026-12-31T00:00Z"), Map.of("segment", segment));
        return result.rows().stream().map(row -> row.get(0) + " " + row.get(1) + " " + row.get(2) + " " + row.get(3)
                + " " + row.get(6)).toList();
    }

    private static void assertExportEqualsReference(Connection c) throws SQLException {
        RollupVerifier verifier = new RollupVerifier(database.dataSource());
        for (Map<String, String> segment : List.of(Map.of("segment", "Champions"), Map.of("segment", "Loyal Customers"),
                Map.of("segment", "Hibernating"), Map.of("segment", "New Customers"),
                Map.of("scheme", "brief", "segment", "Needs Attention"))) {
            Optional<Drift> drift = verifier.compare("rfm_customers", OffsetDateTime.parse("2026-12-31T00:00Z"), segment);
            assertThat(drift).as(() -> drift.map(Drift::describe).orElse("")).isEmpty();
        }
    }

    @Test
    void the_export_shows_a_customer_s_new_email_and_name_at_once_and_lists_spend_ties_by_customer_id()
            throws SQLException {
        try (Connection c = database.connection()) {
            int champion = ((Number) Writes.value(c, "select min(customer_id) from rollups.rfm_scored"
                    + " where segment = 'Champions'")).intValue();
            Writes.execute(c, "update customers set email = 'renamed-" + champion + "@example.org', first_name = 'Ada',"
                    + " last_name = null where customer_id = " + champion);

            assertThat(export("Champions")).anySatisfy(row -> assertThat(row)
                    .startsWith(champion + " renamed-" + champion + "@example.org Ada null "));
            assertExportEqualsReference(c);
            // spend ties (ten totals only): highest spend first, then customer_id
            List<String> champions = export("Champions");
            for (int i = 1; i < champions.size(); i++) {
                String[] before = champions.get(i - 1).split(" ");
                String[] after = champions.get(i).split(" ");
                int bySpend = new BigDecimal(after[4]).compareTo(new BigDecimal(before[4]));
                assertThat(bySpend < 0 || bySpend == 0 && Integer.parseInt(after[0]) > Integer.parseInt(before[0]))
                        .as("%s after %s", champions.get(i), champions.get(i - 1)).isTrue();
            }
            assertThat(champions.stream().map(row -> row.split(" ")[4]).distinct().count())
                    .as("distinct spends among %s champions", champions.size()).isLessThan(champions.size());
        }
    }

    @Test
    void a_new_buyer_is_listed_with_email_and_name_before_and_after_the_fold_scores_them() throws SQLException {
        try (Connection c = database.connection()) {
            // the biggest spender of all, recent, but with one order: pending, then scored by the fold alone
            Writes.execute(c, "update customers set first_name = 'Grace', last_name = 'Hopper' where customer_id = 140");
            order(c, 140, OffsetDateTime.parse("2026-07-30T10:00+01:00"), "delivered", new BigDecimal("900.00"));
            String email = "c140@example.com";
            assertThat(export("New Customers").get(0)).isEqualTo("140 " + email + " Grace Hopper 900.00");
            assertExportEqualsReference(c);

            Writes.execute(c, "select fold_rollups()");
            assertThat(Writes.value(c, "select count(*) from rollups.rfm_stale")).isEqualTo(0L);
            assertThat(Writes.value(c, "select email from rollups.rfm_scored where customer_id = 140")).isEqualTo(email);
            assertThat(export("New Customers").get(0)).isEqualTo("140 " + email + " Grace Hopper 900.00");
            assertExportEqualsReference(c);
        }
    }

    @Test
    void the_kth_key_after_removing_and_adding_keys_is_found_by_binary_search() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.execute(c, "select setseed(0.42)");
            // 2,000 random cases: up to 30 sorted keys, some removed, some of those added back, new ones added
            Writes.execute(c, "create temp table kth_cases as"
                    + " select sorted, removed, array(select key from (select unnest(fresh) as key union"
                    + "   select key from unnest(removed) as key where random() < 0.5 and g > 0) as keys order by key) as added"
                    + " from (select g, array(select key * 10 from generate_series(1, 30) as key"
                    + "   where random() < 0.5 and g > 0 order by key) as sorted from generate_series(1, 2000) as g) as base,"
                    + " lateral (select array(select key from unnest(base.sorted) as key where random() < 0.3 and g > 0"
                    + "   order by key) as removed, array(select key * 10 + 5 from generate_series(0, 30) as key"
                    + "   where random() < 0.15 and g > 0 order by key) as fresh) as changes");
            Writes.execute(c, "create temp table kth_answers as"
                    + " select *, (kth_key_after(k, sorted, removed, added)).*,"
                    + " (select key from (select unnest(sorted) as key except select unnest(removed) union"
                    + "   select unnest(added)) as after order by key offset k - 1 limit 1) as expected"
                    + " from (select *, 1 + (random() * (cardinality(sorted) - cardinality(removed) + cardinality(added) - 1))::int as k"
                    + "   from kth_cases where cardinality(sorted) - cardinality(removed) + cardinality(added) > 0) as cases");
            assertThat(Writes.value(c, "select count(*) from kth_answers")).isEqualTo(2000L - (Long) Writes.value(c,
                    "select count(*) from kth_cases where cardinality(sorted) - cardinality(removed) + cardinality(added) = 0"));
            assertThat(Writes.value(c, "select count(*) from kth_answers where key is distinct from expected"))
                    .isEqualTo(0L);
            assertThat(Writes.value(c, "select count(*) from kth_answers where sorted_up_to_key <>"
                    + " (select count(*) from unnest(sorted) as old_key where old_key <= expected)")).isEqualTo(0L);
            // the keys from one bound up to before another, by binary search: as a filter finds them
            assertThat(Writes.value(c, "select count(*) from kth_cases, generate_series(0, 320, 15) as low,"
                    + " generate_series(0, 330, 25) as high"
                    + " where sorted_keys_from_to(sorted, low, high)"
                    + " <> array(select key::bigint from unnest(sorted) as key where key >= low and key < high order by key)"))
                    .isEqualTo(0L);
            assertThat(Writes.value(c, "select sorted_keys_from_to('{10,20,20,30,40}', 20, 40)::text"))
                    .isEqualTo("{20,20,30}");
            // removed keys added back happen (a customer whose value did not change)
            assertThat((Long) Writes.value(c, "select count(*) from kth_cases where removed && added")).isPositive();
        }
    }
}
