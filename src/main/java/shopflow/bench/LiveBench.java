package shopflow.bench;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import shopflow.db.Database;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;
import shopflow.ingest.EventIngest;
import shopflow.orders.PlacedOrder;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;
import shopflow.rollups.RollupFolder;
import shopflow.rollups.Rollups;

/**
 * Write-side figures of the rollups: order-placement throughput with and without their
 * maintenance, and freshness (commit of an order to the change notification the dashboard
 * listens for, plus re-reading the dashboard's reports, which then include the order) under a
 * steady background load of orders and events, the rollups folded every second meanwhile as the
 * web server folds them. It writes real orders and events (placed now) into the database it runs on.
 *
 * <p>On a Citus cluster the rollups are kept by the catch-up job ({@code catch_up_rollups()}),
 * which the folder runs as the web server does; "without maintenance" is then no job
 * at all, and what the writers placed meanwhile is passed over ({@code db/citus/skip-catch-up.sql})
 * until the final rebuild, as the suspended triggers leave it on one node. Each run locks the
 * source tables, between writes, while it reads their watermarks, so the placement latencies
 * (median, p95, max) show what writers wait.
 */
public final class LiveBench {

    private static final String SKIP_CATCH_UP = SqlScripts.read("db/citus/skip-catch-up.sql");
    /** The reports the dashboard reloads on a change notification. */
    private static final List<String> DASHBOARD = List.of("revenue_summary", "daily_revenue", "top_products",
            "market_basket");
    /** The length of one slice of the throughput measurement, with or without maintenance. */
    static final int SLICE_SECONDS = 5;

    private final Database database;
    private final RandomTraffic traffic;
    private final EventIngest ingest;
    /** On a cluster: a job keeps the rollups, not triggers. */
    private final boolean keptByJob;
    /** Seeds of the clients' orders: each slice places other orders than the one before. */
    private final Random seeds = new Random(42);

    public LiveBench(Database database) {
        this.database = database;
        this.traffic = new RandomTraffic(database);
        this.ingest = new EventIngest(database.dataSource());
        this.keptByJob = Rollups.keptByJob(database.dataSource());
    }

    /** Whether the rollups are kept by the catch-up job (a Citus cluster) rather than by triggers. */
    public boolean keptByJob() {
        return keptByJob;
    }

    /**
     * Orders per second with and without rollup maintenance, the time of each {@code place_order}
     * call (as its client waited for it) in both, and the folder's runs during the slices with maintenance
     * (on a cluster, the catch-up runs: each locked the source tables while it read their watermarks).
     */
    public record Throughput(double withRollups, double withoutRollups, double rebuildSeconds, Latency withLatency,
            Latency withoutLatency, RollupFolder.Runs folds) {
        public double overheadPct() {
            return 100.0 * (1 - withRollups / withoutRollups);
        }
    }

    /** Median, p95 and longest of {@code count} timed calls, in milliseconds. */
    public record Latency(int count, double medianMillis, double p95Millis, double maxMillis) {
        static Latency of(List<Double> millis) {
            double[] values = millis.stream().mapToDouble(Double::doubleValue).toArray();
            if (values.length == 0) {
                return new Latency(0, 0, 0, 0);
            }
            return new Latency(values.length, ReportTimings.percentile(values, 50), ReportTimings.percentile(values, 95),
                    ReportTimings.percentile(values, 100));
        }
    }

    /**
     * The probes' times from commit to the re-read reports showing the order, and its two legs: commit
     * to the notification, and the reports re-read after it (on a cluster as of the moment the job's
     * notification names, which its run brought the rollups up to: no catch-up of their own), with
     * the folder's runs meanwhile (on a cluster, the catch-up job's runs that freshness waits for,
     * and the RFM scoring's folds beside them).
     */
    public record Freshness(int probes, Latency total, Latency notified, Latency reread, double ordersPerSecond,
            double eventsPerSecond, RollupFolder.Runs folds, RollupFolder.Runs scorings) {
    }

    /**
     * Orders placed per second by {@code clients} clients as fast as they can for {@code seconds}
     * with rollup maintenance and {@code seconds} without (triggers suspended), then the rollups
     * rebuilt. The two run in alternating slices of {@link #SLICE_SECONDS} (or fewer), so that a load
     * changing on a shared machine weighs on both alike: one phase after the other measured 8 to 36 %
     * of rollup cost in one half hour. What a slice with maintenance leaves pending is folded by the
     * next one's folder, beside its writers; what the last one leaves is folded at the end, alone,
     * and counted in its time.
     */
    public Throughput throughput(int clients, int seconds) {
        int slices = Math.max(1, seconds / SLICE_SECONDS);
        List<Double> onMillis = Collections.synchronizedList(new ArrayList<>());
        List<Double> offMillis = Collections.synchronizedList(new ArrayList<>());
        RollupFolder.Runs folds = RollupFolder.Runs.NONE;
        long onNanos = 0;
        long offNanos = 0;
        long start;
        try {
            for (int slice = 0; slice < slices; slice++) {
                int sliceSeconds = seconds / slices + (slice < seconds % slices ? 1 : 0);
                long sliceStart = System.nanoTime();
                try (RollupFolder folder = folding()) {
                    placeFlatOut(clients, sliceSeconds, onMillis);
                    folder.close();
                    folds = folds.and(folder.runs());
                }
                onNanos += System.nanoTime() - sliceStart;

                setMaintenance(false);
                sliceStart = System.nanoTime();
                placeFlatOut(clients, sliceSeconds, offMillis);
                offNanos += System.nanoTime() - sliceStart;
                setMaintenance(true); // the rollups miss the orders placed meanwhile until the rebuild below
            }
            long foldStart = System.nanoTime();
            catchUpOrFold();
            onNanos += System.nanoTime() - foldStart;
        } finally {
            start = System.nanoTime();
            Rollups.rebuild(database.dataSource());
        }
        return new Throughput(onMillis.size() / (onNanos / 1e9), offMillis.size() / (offNanos / 1e9),
                (System.nanoTime() - start) / 1e9, Latency.of(onMillis), Latency.of(offMillis), folds);
    }

    /**
     * Suspends or resumes rollup maintenance. On a cluster there is no trigger to suspend (the
     * folder, the job's only runner here, is stopped between the slices with maintenance): resuming
     * passes over what was written meanwhile.
     */
    private void setMaintenance(boolean on) {
        try (Connection c = database.connection()) {
            if (keptByJob) {
                if (on) {
                    try (Statement s = c.createStatement()) {
                        s.execute(SKIP_CATCH_UP);
                    }
                }
            } else if (on) {
                Rollups.resume(c);
            } else {
                Rollups.suspend(c);
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot " + (on ? "resume" : "suspend") + " the rollups: " + e.getMessage(), e);
        }
    }

    /** What the last slice with maintenance left pending, applied now as the folder would. */
    private void catchUpOrFold() {
        if (!keptByJob) {
            Rollups.fold(database.dataSource());
            return;
        }
        try (Connection c = database.connection()) {
            Rollups.catchUp(c);
        } catch (SQLException e) {
            throw new DatabaseException("applying the new rows to the rollups failed: " + e.getMessage(), e);
        }
    }

    /**
     * Under {@code ordersPerSecond} orders and {@code eventsPerSecond} events of background load,
     * places a probe order every half second or so and times commit -> notification -> dashboard reports.
     */
    public Freshness freshness(int ordersPerSecond, int eventsPerSecond, int seconds, ZoneId zone) {
        ScheduledExecutorService load = Executors.newScheduledThreadPool(3);
        AtomicLong orders = new AtomicLong();
        AtomicLong events = new AtomicLong();
        Random random = new Random(7);
        long periodMicros = 1_000_000L / Math.max(1, ordersPerSecond);
        for (int i = 0; i < 2; i++) {
            load.scheduleAtFixedRate(() -> {
                try {
                    traffic.placeOrder(new Random());
                    orders.incrementAndGet();
                } catch (RuntimeException refused) {
                    // as below
                }
            }, 0, periodMicros * 2, TimeUnit.MICROSECONDS);
        }
        // a batch every 100 ms of the events due by then: on a cluster a batch (a COPY over every shard)
        // can take longer than that, and batches of a tenth of a second's events fell to 410-460 a second
        long loadStarted = System.nanoTime();
        load.scheduleAtFixedRate(() -> {
            long due = eventsPerSecond * (System.nanoTime() - loadStarted) / 1_000_000_000L - events.get();
            if (due > 0) {
                try {
                    events.addAndGet(ingest.store(traffic.events((int) Math.min(due, eventsPerSecond),
                            new Random())).total());
                } catch (RuntimeException refused) {
                    // a background write that failed is not a result; the load goes on
                }
            }
        }, 0, 100, TimeUnit.MILLISECONDS);

        ReportRunner runner = new ReportRunner(database.dataSource());
        ReportCatalog catalog = ReportCatalog.load();
        List<Double> millis = new ArrayList<>();
        List<Double> notifiedMillis = new ArrayList<>();
        List<Double> rereadMillis = new ArrayList<>();
        ExecutorService panels = Executors.newFixedThreadPool(DASHBOARD.size());
        long started = System.nanoTime();
        RollupFolder.Runs folds;
        RollupFolder.Runs scorings;
        try (RollupFolder folder = folding(); Connection listener = database.connection()) {
            try (Statement s = listener.createStatement()) {
                s.execute("listen shopflow_changes");
            }
            PGConnection pg = listener.unwrap(PGConnection.class);
            // today's figures before the first probe (on a cluster, a catch-up of its own); before
            // each later one, what the dashboard last showed: read as of a moment the job had
            // covered, they run no catch-up beside the job's, which the dashboard does not either
            BigDecimal before = today(runner, catalog, zone);
            while (System.nanoTime() - started < seconds * 1_000_000_000L) {
                // drop what was sent so far (the background load's, the runs before the probe)
                pg.getNotifications(1);
                PlacedOrder probe = traffic.placeOrder(random);
                long committed = System.nanoTime();
                OffsetDateTime pushedAsOf = awaitNotification(pg, Instant.now());
                long notified = System.nanoTime();
                // the panels all at once, as the dashboard reloads them (app.js, loadAll): as of the
                // moment the notification names, else now
                OffsetDateTime asOf = pushedAsOf != null ? pushedAsOf : OffsetDateTime.now(zone);
                List<Future<ReportResult>> reread = new ArrayList<>();
                for (String report : DASHBOARD) {
                    reread.add(panels.submit(() -> runner.run(catalog.get(report), asOf, Map.of())));
                }
                // today's row of revenue_summary: what its orders charged, less returns
                BigDecimal after = (BigDecimal) reread.get(DASHBOARD.indexOf("revenue_summary")).get()
                        .value(0, "total_sales");
                for (Future<ReportResult> panel : reread) {
                    panel.get();
                }
                long shown = System.nanoTime();
                if (after.compareTo(before.add(probe.totalAmount())) < 0) {
                    throw new IllegalStateException("the dashboard did not show order " + probe.orderId()
                            + " after its notification: today " + before + " -> " + after);
                }
                millis.add((shown - committed) / 1e6);
                notifiedMillis.add((notified - committed) / 1e6);
                rereadMillis.add((shown - notified) / 1e6);
                before = after;
                // a quarter to three quarters of a second: probes at every point of the job's cycle
                sleepMillis(250 + random.nextInt(500));
            }
            folds = folder.runs();
            scorings = folder.scoringRuns();
        } catch (SQLException e) {
            throw new DatabaseException("freshness probe failed: " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new DatabaseException("freshness probe failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("freshness probe interrupted", e);
        } finally {
            panels.shutdownNow();
            stop(load);
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        return new Freshness(millis.size(), Latency.of(millis), Latency.of(notifiedMillis), Latency.of(rereadMillis),
                orders.get() / elapsed, events.get() / elapsed, folds, scorings);
    }

    /**
     * Stops the background load after the writes under way: interrupting them would close their
     * connections mid-statement (on a cluster, where a write can wait a second for the catch-up job's
     * lock, it did, and the pool logged each broken connection).
     */
    private static void stop(ScheduledExecutorService load) {
        load.shutdown();
        try {
            if (!load.awaitTermination(1, TimeUnit.MINUTES)) {
                load.shutdownNow();
            }
        } catch (InterruptedException e) {
            load.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Folds the rollups (on a cluster, runs the catch-up job) while the bench writes, as the web server does. */
    private RollupFolder folding() {
        RollupFolder folder = new RollupFolder(database.dataSource(), System.err::println);
        folder.start();
        return folder;
    }

    /** Orders placed by {@code clients} clients as fast as they can in {@code seconds}, each one's time added to {@code millis}. */
    private void placeFlatOut(int clients, int seconds, List<Double> millis) {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (int i = 0; i < clients; i++) {
            long seed = seeds.nextLong();
            pool.submit(() -> {
                Random random = new Random(seed);
                long started = System.nanoTime();
                while (started < end) {
                    traffic.placeOrder(random);
                    long placed = System.nanoTime();
                    millis.add((placed - started) / 1e6);
                    started = placed;
                }
            });
        }
        pool.shutdown();
        try {
            pool.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for the notification that tells of the probe committed before {@code committed}: on one
     * node the first (the triggers notify at the writer's commit); on a cluster that of a run of the
     * job that read its targets after it (a run under way at the commit tells of the rows before).
     * Returns the moment that run brought the rollups up to, as the dashboard reads it
     * (LiveUpdates), or null for a notification naming none.
     */
    private static OffsetDateTime awaitNotification(PGConnection pg, Instant committed) throws SQLException {
        while (true) {
            PGNotification[] notifications = pg.getNotifications(5000);
            for (PGNotification notification : notifications == null ? new PGNotification[0] : notifications) {
                Optional<OffsetDateTime> caughtUpTo = Rollups.caughtUpTo(notification.getParameter());
                if (caughtUpTo.isEmpty()) {
                    return null;
                }
                if (!caughtUpTo.get().toInstant().isBefore(committed)) {
                    return caughtUpTo.get();
                }
            }
        }
    }

    private static BigDecimal today(ReportRunner runner, ReportCatalog catalog, ZoneId zone) {
        return (BigDecimal) runner.run(catalog.get("revenue_summary"), OffsetDateTime.now(zone), Map.of())
                .value(0, "total_sales"); // today's row: what its orders charged, less returns
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
