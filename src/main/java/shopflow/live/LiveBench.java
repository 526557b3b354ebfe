package shopflow.live;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import shopflow.db.Database;
import shopflow.db.DatabaseException;
import shopflow.ingest.Event;
import shopflow.ingest.EventIngest;
import shopflow.orders.OrderPlacement;
import shopflow.orders.OrderRequest;
import shopflow.orders.PlacedOrder;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportRunner;

/**
 * Write-side figures of the rollups: order-placement throughput with and without their
 * maintenance, and freshness (commit of an order to the change notification the dashboard
 * listens for, plus re-reading the dashboard's reports, which then include the order) under a
 * steady background load of orders and events, the rollups folded every second meanwhile as the
 * web server folds them. It writes real orders and events (placed now) into the database it runs on.
 */
public final class LiveBench {

    /** The reports the dashboard reloads on a change notification. */
    private static final List<String> DASHBOARD = List.of("revenue_summary", "daily_revenue", "top_products",
            "market_basket");
    /** The length of one slice of the throughput measurement, with or without maintenance. */
    static final int SLICE_SECONDS = 5;

    private final Database database;
    private final OrderPlacement placement;
    private final EventIngest ingest;
    private final int[] customers;
    private final int[] products;
    /** Seeds of the clients' orders: each slice places other orders than the one before. */
    private final Random seeds = new Random(42);

    public LiveBench(Database database) {
        this.database = database;
        this.placement = new OrderPlacement(database.dataSource());
        this.ingest = new EventIngest(database.dataSource());
        this.customers = ids("select customer_id from customers where is_active");
        this.products = ids("select product_id from products where is_active");
    }

    public record Throughput(double withRollups, double withoutRollups, double rebuildSeconds) {
        public double overheadPct() {
            return 100.0 * (1 - withRollups / withoutRollups);
        }
    }

    public record Freshness(int probes, double medianMillis, double p95Millis, double ordersPerSecond,
            double eventsPerSecond) {
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
        long onPlaced = 0;
        long onNanos = 0;
        long offPlaced = 0;
        long offNanos = 0;
        long start;
        try {
            for (int slice = 0; slice < slices; slice++) {
                int sliceSeconds = seconds / slices + (slice < seconds % slices ? 1 : 0);
                long sliceStart = System.nanoTime();
                try (RollupFolder folder = folding()) {
                    onPlaced += placeFlatOut(clients, sliceSeconds);
                }
                onNanos += System.nanoTime() - sliceStart;

                setMaintenance(false);
                sliceStart = System.nanoTime();
                offPlaced += placeFlatOut(clients, sliceSeconds);
                offNanos += System.nanoTime() - sliceStart;
                setMaintenance(true); // the rollups miss the orders placed meanwhile until the rebuild below
            }
            long foldStart = System.nanoTime();
            Rollups.fold(database.dataSource());
            onNanos += System.nanoTime() - foldStart;
        } finally {
            start = System.nanoTime();
            Rollups.rebuild(database.dataSource());
        }
        return new Throughput(onPlaced / (onNanos / 1e9), offPlaced / (offNanos / 1e9), (System.nanoTime() - start) / 1e9);
    }

    private void setMaintenance(boolean on) {
        try (Connection c = database.connection()) {
            if (on) {
                Rollups.resume(c);
            } else {
                Rollups.suspend(c);
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot " + (on ? "resume" : "suspend") + " the rollups: " + e.getMessage(), e);
        }
    }

    /**
     * Under {@code ordersPerSecond} orders and {@code eventsPerSecond} events of background load,
     * places a probe order every half second and times commit -> notification -> dashboard reports.
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
                    place(new Random());
                    orders.incrementAndGet();
                } catch (RuntimeException stoppedMidOrder) {
                    // as above
                }
            }, 0, periodMicros * 2, TimeUnit.MICROSECONDS);
        }
        int perBatch = Math.max(1, eventsPerSecond / 10);
        load.scheduleAtFixedRate(() -> {
            try {
                events.addAndGet(ingest.store(events(perBatch, new Random())).total());
            } catch (RuntimeException stoppedMidBatch) {
                // the load is stopped by interrupting it: a batch cut short is not a result
            }
        }, 0, 100, TimeUnit.MILLISECONDS);

        ReportRunner runner = new ReportRunner(database.dataSource());
        ReportCatalog catalog = ReportCatalog.load();
        List<Double> millis = new ArrayList<>();
        long started = System.nanoTime();
        try (RollupFolder folder = folding(); Connection listener = database.connection()) {
            try (Statement s = listener.createStatement()) {
                s.execute("listen shopflow_changes");
            }
            PGConnection pg = listener.unwrap(PGConnection.class);
            while (System.nanoTime() - started < seconds * 1_000_000_000L) {
                pg.getNotifications(1); // drop what the background load sent so far
                BigDecimal before = today(runner, catalog, zone);
                PlacedOrder probe = place(random);
                long committed = System.nanoTime();
                awaitNotification(pg);
                BigDecimal after = null;
                for (String report : DASHBOARD) {
                    var result = runner.run(catalog.get(report), OffsetDateTime.now(zone), Map.of());
                    if (report.equals("revenue_summary")) {
                        after = (BigDecimal) result.value(0, "today");
                    }
                }
                long shown = System.nanoTime();
                if (after.compareTo(before.add(probe.totalAmount())) < 0) {
                    throw new IllegalStateException("the dashboard did not show order " + probe.orderId()
                            + " after its notification: today " + before + " -> " + after);
                }
                millis.add((shown - committed) / 1e6);
                sleepMillis(500);
            }
        } catch (SQLException e) {
            throw new DatabaseException("freshness probe failed: " + e.getMessage(), e);
        } finally {
            load.shutdownNow();
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        double[] values = millis.stream().mapToDouble(Double::doubleValue).toArray();
        return new Freshness(values.length, ReportTimings.percentile(values, 50), ReportTimings.percentile(values, 95),
                orders.get() / elapsed, events.get() / elapsed);
    }

    /** Folds the rollups every second while the bench writes, as the web server does. */
    private RollupFolder folding() {
        RollupFolder folder = new RollupFolder(database.dataSource(), System.err::println);
        folder.start();
        return folder;
    }

    /** Orders placed by {@code clients} clients as fast as they can in {@code seconds}. */
    private long placeFlatOut(int clients, int seconds) {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong placed = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (int i = 0; i < clients; i++) {
            long seed = seeds.nextLong();
            pool.submit(() -> {
                Random random = new Random(seed);
                while (System.nanoTime() < end) {
                    place(random);
                    placed.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        try {
            pool.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return placed.get();
    }

    private PlacedOrder place(Random random) {
        List<OrderRequest.Line> lines = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            lines.add(new OrderRequest.Line(products[random.nextInt(products.length)], 1 + random.nextInt(2)));
        }
        return placement.place(new OrderRequest(customers[random.nextInt(customers.length)], lines, null, null, "card"), null);
    }

    private List<Event> events(int count, Random random) {
        List<Event> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String session = "bench-" + random.nextInt(1_000_000);
            int product = products[random.nextInt(products.length)];
            batch.add(i % 5 == 4
                    ? new Event.CartEvent(session, null, product, "add", 1, OffsetDateTime.now())
                    : new Event.PageView(session, null, "/products/" + product, product, OffsetDateTime.now(), 12, null,
                            "mobile"));
        }
        return batch;
    }

    private static void awaitNotification(PGConnection pg) throws SQLException {
        while (true) {
            PGNotification[] notifications = pg.getNotifications(5000);
            if (notifications != null && notifications.length > 0) {
                return;
            }
        }
    }

    private static BigDecimal today(ReportRunner runner, ReportCatalog catalog, ZoneId zone) {
        return (BigDecimal) runner.run(catalog.get("revenue_summary"), OffsetDateTime.now(zone), Map.of())
                .value(0, "today");
    }

    private int[] ids(String sql) {
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<Integer> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
            return ids.stream().mapToInt(Integer::intValue).toArray();
        } catch (SQLException e) {
            throw new DatabaseException(sql + ": " + e.getMessage(), e);
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
