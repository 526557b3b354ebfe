package shopflow.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;

/**
 * Property: whatever the interleaving of concurrent writers, every rollup is what a rebuild makes
 * it and every report from the rollups equals its reference SQL. Each round starts a dozen
 * transactions at once, each on its own connection, held open a few tens of milliseconds before
 * committing (as a request doing more work after its write would), so they see none of each
 * other's rows while they write: a burst of orders by one customer for the same products in the
 * same sessions, status changes (cancel, refund, ship) of that customer's earlier orders, two of
 * them of the same order, the customer's signup moved next to the burst and back, and page views
 * and cart events of the same sessions; meanwhile a folder folds, as the web server does, and
 * another folds the RFM scoring beside it, as on a Citus cluster (where the catch-up runs leave it
 * out): a scoring must not forget a customer marked stale again while it ran.
 */
class ConcurrentRollupExactnessTest {

    private static final int CUSTOMERS = 4;
    private static final int PRODUCTS = 6;
    private static final int ROUNDS = 5;
    private static final int BURST = 5;
    private static final List<String> SESSIONS = List.of("s1", "s2", "s3");

    private static Database database;

    @BeforeAll
    static void createShop() throws SQLException {
        database = TestDatabases.fresh();
        try (Connection c = database.connection()) {
            Writes.shop(c, CUSTOMERS, PRODUCTS);
            RollupExactnessTest.categoryTree(c);
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void every_rollup_and_report_stays_exact_under_concurrent_writers_of_the_same_rows() throws Exception {
        Random random = new Random(7);
        List<Integer> orders = new CopyOnWriteArrayList<>();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        List<OffsetDateTime> moments = new ArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(18);
        Future<?> folder = foldWhile(pool, writing, "select fold_rollups()", unexpected);
        Future<?> scoring = foldWhile(pool, writing, "select fold_rfm_rollups()", unexpected);
        for (int round = 0; round < ROUNDS; round++) {
            // two customers take turns, so later bursts fall within the hour of earlier ones
            int customer = 1 + round % 2;
            List<Transaction> transactions = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                String items = "[{\"product_id\": " + (1 + random.nextInt(3)) + ", \"quantity\": " + (1 + random.nextInt(3))
                        + "}, {\"product_id\": " + (1 + random.nextInt(PRODUCTS)) + ", \"quantity\": 1}]";
                String session = SESSIONS.get(random.nextInt(SESSIONS.size()));
                transactions.add(c -> orders.add(placeOrder(c, customer, items, session)));
            }
            // a second customer's orders at the same moment
            int second = 3 + round % 2;
            transactions.add(c -> orders.add(placeOrder(c, second, "[{\"product_id\": 1,"
                    + " \"quantity\": 1}]", SESSIONS.get(0))));
            // the customer's earlier orders moved along their lifecycle: two writers racing on one order for
            // its two next statuses (one of them is refused), and two other orders each moved on
            List<Integer> earlier = customerOrders(customer);
            Collections.shuffle(earlier, random);
            for (int i = 0; i < Math.min(3, earlier.size()); i++) {
                int order = earlier.get(i);
                List<String> next = nextStatuses(order);
                Collections.shuffle(next, random);
                for (String status : i == 0 ? next : next.subList(0, Math.min(1, next.size()))) {
                    transactions.add(c -> transition(c, order, status));
                }
                if (i == 0) {
                    // a partial refund racing with them (refused once the order is returned whole)
                    transactions.add(c -> Writes.execute(c, "select refund_order(" + order + ", amount => 0.01)"));
                }
            }
            // the signup moved next to the burst (its orders become a new account's), or back
            String signup = round / 2 % 2 == 0 ? "now() - interval '10 minutes'" : "timestamptz '2025-01-01 00:00Z'";
            transactions.add(c -> Writes.execute(c, "update customers set signup_date = " + signup
                    + " where customer_id = " + customer));
            for (String session : SESSIONS) {
                transactions.add(c -> {
                    Writes.execute(c, "insert into page_views (session_id, product_id, viewed_at)"
                        + " values ('" + session + "', 2, now()), ('" + session + "', null, now())");
                    Writes.execute(c, "insert into cart_events (session_id, product_id, action, quantity,"
                        + " event_at) values ('" + session + "', 2, 'add', 1, now()), ('" + session + "', 2, 'view_cart', 1,"
                        + " now())");
                });
            }
            Collections.shuffle(transactions, random);
            runTogether(pool, transactions, unexpected);
            try (Connection c = database.connection()) {
                moments.add(moment(c, "select now()"));
            }
        }
        writing.set(false);
        folder.get(30, TimeUnit.SECONDS);
        scoring.get(30, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(unexpected).as("errors other than refused transitions").isEmpty();
        assertThat(orders).hasSize(ROUNDS * (BURST + 1));

        try (Connection c = database.connection()) {
            // a few moments between orders of a burst
            for (int i = 0; i < 3; i++) {
                OffsetDateTime placed = moment(c, "select created_at from orders where order_id = "
                        + orders.get(random.nextInt(orders.size())));
                moments.add(placed);
                moments.add(placed.minusNanos(1000));
            }
        }
        // with changes pending (those the folder has not reached), then all folded
        Map<Case, ReportResult> references = referenceAnswers(moments);
        assertEveryReportEqualsItsReference(references);
        Rollups.fold(database.dataSource());
        assertEveryReportEqualsItsReference(references);
        try (Connection c = database.connection()) {
            Map<String, List<String>> kept = RollupExactnessTest.summedRollups(c);
            c.setAutoCommit(false);
            Writes.execute(c, "select rebuild_rollups()");
            Map<String, List<String>> rebuilt = RollupExactnessTest.summedRollups(c);
            c.rollback();
            assertThat(kept).allSatisfy((rollup, rows) -> assertThat(rows).as(rollup).isEqualTo(rebuilt.get(rollup)));
        }
        // Not vacuous: the bursts are flagged (every order of a burst after its third that still counts)
        ReportResult review = new ReportRunner(database.dataSource())
                .run(ReportCatalog.load().get("fraud_review"), moments.get(ROUNDS - 1), Map.of());
        assertThat(review.rows().stream().filter(row ->
                ((String) row.get(review.columns().indexOf("reasons"))).contains("burst"))).hasSizeGreaterThanOrEqualTo(ROUNDS);
    }

    /** Runs {@code fold} on a connection of its own every 30 ms while {@code writing}. */
    private static Future<?> foldWhile(ExecutorService pool, AtomicBoolean writing, String fold,
            List<Throwable> unexpected) {
        return pool.submit(() -> {
            while (writing.get()) {
                try (Connection c = database.connection()) {
                    Writes.execute(c, fold);
                    Thread.sleep(30);
                } catch (Exception e) {
                    unexpected.add(e);
                    return;
                }
            }
        });
    }

    /** A case of {@link RollupExactnessTest#CASES} at a moment. */
    private record Case(String report, OffsetDateTime asOf, Map<String, String> parameters) {
    }

    /**
     * The reference SQL's answer to every case at every moment, read once: the references read the
     * raw rows, which folding leaves as they are, so the checks with changes pending and all folded
     * compare with the same answers.
     */
    private static Map<Case, ReportResult> referenceAnswers(List<OffsetDateTime> moments) {
        ReportRunner runner = new ReportRunner(database.dataSource(), Duration.ofMinutes(10));
        ReportCatalog references = ReportCatalog.references();
        Map<Case, ReportResult> answers = new LinkedHashMap<>();
        for (OffsetDateTime asOf : moments) {
            for (Map.Entry<String, List<Map<String, String>>> report : RollupExactnessTest.CASES.entrySet()) {
                for (Map<String, String> parameters : report.getValue()) {
                    answers.put(new Case(report.getKey(), asOf, parameters),
                            runner.run(references.get(report.getKey()), asOf, parameters));
                }
            }
        }
        return answers;
    }

    /** Every case's report from the rollups, row for row as its reference answered it. */
    private static void assertEveryReportEqualsItsReference(Map<Case, ReportResult> references) {
        ReportRunner runner = new ReportRunner(database.dataSource(), Duration.ofMinutes(10));
        ReportCatalog reports = ReportCatalog.load();
        references.forEach((c, reference) -> {
            Optional<Drift> drift = RollupVerifier.firstDifference(c.report(), c.asOf(), c.parameters(),
                    runner.run(reports.get(c.report()), c.asOf(), c.parameters()), reference);
            assertThat(drift).as(() -> drift.map(Drift::describe).orElse("")).isEmpty();
        });
    }

    /** One writer's transaction: its statements, then committed after a pause while the others write. */
    @FunctionalInterface
    private interface Transaction {
        void run(Connection c) throws SQLException;
    }

    /** Starts every transaction at once, each on its own connection; waits for all of them. */
    private static void runTogether(ExecutorService pool, List<Transaction> transactions, List<Throwable> unexpected)
            throws Exception {
        CountDownLatch ready = new CountDownLatch(transactions.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (Transaction transaction : transactions) {
            done.add(pool.submit(() -> {
                try (Connection c = database.connection()) {
                    c.setAutoCommit(false);
                    ready.countDown();
                    go.await();
                    try {
                        transaction.run(c);
                        Writes.execute(c, "select pg_sleep(0.03)");
                        c.commit();
                    } catch (SQLException e) {
                        c.rollback();
                        if (e.getSQLState() == null || !e.getSQLState().startsWith("SF")) {
                            throw e;
                        }
                    }
                } catch (Throwable e) {
                    unexpected.add(e);
                }
                return null;
            }));
        }
        ready.await(30, TimeUnit.SECONDS);
        go.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    private static int placeOrder(Connection c, int customer, String items, String session) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select order_id from place_order(?, ?::jsonb, p_session_id => ?)")) {
            s.setInt(1, customer);
            s.setString(2, items);
            s.setString(3, session);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** order_transition; a transition not allowed from the order's status by then is refused (SF409). */
    private static void transition(Connection c, int order, String status) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select * from order_transition(?, ?)")) {
            s.setInt(1, order);
            s.setString(2, status);
            s.executeQuery().close();
        }
    }

    private static OffsetDateTime moment(Connection c, String sql) throws SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class);
        }
    }

    /** The statuses an order may move to from its current one. */
    private static List<String> nextStatuses(int order) throws SQLException {
        List<String> statuses = new ArrayList<>();
        try (Connection c = database.connection(); var s = c.createStatement();
                var rs = s.executeQuery("select to_status from order_status_transitions t join orders o"
                        + " on o.status = t.from_status where o.order_id = " + order + " order by 1")) {
            while (rs.next()) {
                statuses.add(rs.getString(1));
            }
        }
        return statuses;
    }

    private static List<Integer> customerOrders(int customer) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = database.connection(); var s = c.createStatement();
                var rs = s.executeQuery("select order_id from orders where customer_id = " + customer + " order by 1")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }
}
