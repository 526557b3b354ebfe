package shopflow.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import shopflow.db.Database;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;
import shopflow.ingest.EventIngest;
import shopflow.orders.OrderException;
import shopflow.orders.OrderLifecycle;
import shopflow.orders.OrderStatus;
import shopflow.orders.StatusHistory;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportRunner;
import shopflow.rollups.Drift;
import shopflow.rollups.RollupFolder;
import shopflow.rollups.RollupVerifier;
import shopflow.rollups.Rollups;

/**
 * Everything at once for a long time, as a shop's busy day: orders placed, moved along their
 * lifecycle (shipped, delivered, some cancelled or refunded), browsing events, dashboards reading
 * every report, the rollups folded every second. Then the invariants are checked: stock equals the
 * stock at the start plus the movements since, every order's status is the last change of its
 * history, and every report from the rollups equals its reference SQL. It writes into the database
 * it runs on (the command gives it a scratch copy).
 */
public final class SoakBench {

    private static final String STOCK_AT_START = SqlScripts.read("bench/soak_stock_at_start.sql");
    private static final String STOCK_OFF_LEDGER = SqlScripts.read("bench/soak_stock_off_ledger.sql");

    /** The load asked for. */
    public record Load(Duration duration, int ordersPerSecond, int eventsPerSecond, int readers) {
    }

    /** One kind of work: how many were done (refused by a business rule, failed otherwise) and their times. */
    public record Activity(long done, long refused, long failed, double perSecond, LiveBench.Latency latency) {
    }

    /** What the soak did and found. {@code problems} is empty when every invariant held and nothing failed. */
    public record Result(Duration ran, Map<String, Activity> activities, long peakHeapBytes, long databaseGrowthBytes,
            List<String> problems) {
    }

    private final Database database;
    private final RandomTraffic traffic;
    private final OrderLifecycle lifecycle;
    private final EventIngest ingest;
    private final ReportRunner runner;
    private final List<Report> reports;
    private final ZoneId zone;

    public SoakBench(Database database) {
        this.database = database;
        this.traffic = new RandomTraffic(database);
        this.lifecycle = new OrderLifecycle(database.dataSource());
        this.ingest = new EventIngest(database.dataSource());
        this.runner = new ReportRunner(database.dataSource());
        this.reports = ReportCatalog.load().all();
        this.zone = database.timeZone();
    }

    public Result run(Load load, Consumer<String> progress) {
        executeStatement(STOCK_AT_START);
        long sizeBefore = databaseSize();
        Map<String, Tally> tallies = new LinkedHashMap<>();
        for (String name : List.of("order placed", "status change", "event batch", "dashboard reload")) {
            tallies.put(name, new Tally());
        }
        ConcurrentLinkedQueue<Moving> moving = new ConcurrentLinkedQueue<>();
        AtomicLong peakHeap = new AtomicLong();
        ScheduledExecutorService workers = Executors.newScheduledThreadPool(4 + load.readers());
        long started = System.nanoTime();
        long end = started + load.duration().toNanos();
        try (RollupFolder folder = new RollupFolder(database.dataSource(), progress)) {
            folder.start();
            long orderPeriod = 1_000_000L / Math.max(1, load.ordersPerSecond());
            workers.scheduleAtFixedRate(() -> tallies.get("order placed").time(() ->
                    moving.add(new Moving(traffic.placeOrder(new Random()).orderId(), OrderStatus.PENDING))),
                    0, orderPeriod, TimeUnit.MICROSECONDS);
            workers.scheduleAtFixedRate(() -> tallies.get("status change").time(() -> advance(moving, new Random())),
                    orderPeriod / 2, orderPeriod, TimeUnit.MICROSECONDS);
            int perBatch = Math.max(1, load.eventsPerSecond() / 10);
            if (load.eventsPerSecond() > 0) {
                workers.scheduleAtFixedRate(() -> tallies.get("event batch").time(() ->
                        ingest.store(traffic.events(perBatch, new Random()))), 0, 100, TimeUnit.MILLISECONDS);
            }
            for (int i = 0; i < load.readers(); i++) {
                // a dashboard reloading every report, then a second's pause
                workers.scheduleWithFixedDelay(() -> tallies.get("dashboard reload").time(this::readEveryReport),
                        i * 250L, 1000, TimeUnit.MILLISECONDS);
            }
            long lastProgress = started;
            while (System.nanoTime() < end) {
                sleepMillis(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                Runtime runtime = Runtime.getRuntime();
                peakHeap.accumulateAndGet(runtime.totalMemory() - runtime.freeMemory(), Math::max);
                if (System.nanoTime() - lastProgress >= 60_000_000_000L) {
                    lastProgress = System.nanoTime();
                    progress.accept(String.format("  %.0f s: %d orders, %d status changes", (lastProgress - started) / 1e9,
                            tallies.get("order placed").done.get(), tallies.get("status change").done.get()));
                }
            }
            stop(workers);
        }
        Duration ran = Duration.ofNanos(System.nanoTime() - started);
        Rollups.fold(database.dataSource());

        List<String> problems = new ArrayList<>();
        Map<String, Activity> activities = new LinkedHashMap<>();
        tallies.forEach((name, tally) -> {
            activities.put(name, tally.activity(ran));
            if (tally.failed.get() > 0) {
                problems.add(tally.failed.get() + " " + name + " failed: " + tally.firstFailure);
            }
        });
        long offLedger = count(STOCK_OFF_LEDGER);
        if (offLedger > 0) {
            problems.add(offLedger + " inventory row(s) whose stock is not the stock at the start plus the movements since");
        }
        StatusHistory.disagreements(database.dataSource()).ifPresent(problems::add);
        for (Drift drift : new RollupVerifier(database.dataSource()).verify(OffsetDateTime.now(zone))) {
            problems.add("DRIFT " + drift.describe());
        }
        return new Result(ran, activities, peakHeap.get(), databaseSize() - sizeBefore, problems);
    }

    /** An order placed during the soak, with the status the soak last gave it. */
    private record Moving(int orderId, OrderStatus status) {
    }

    /**
     * Moves one of the orders placed meanwhile a step along its lifecycle: processing, shipped,
     * delivered; one in twenty cancelled before shipping, one in twenty refunded once delivered.
     */
    private void advance(ConcurrentLinkedQueue<Moving> moving, Random random) {
        Moving order = moving.poll();
        if (order == null) {
            return;
        }
        boolean unlucky = random.nextInt(20) == 0;
        OrderStatus next = switch (order.status()) {
            case PENDING -> unlucky ? OrderStatus.CANCELLED : OrderStatus.PROCESSING;
            case PROCESSING -> unlucky ? OrderStatus.CANCELLED : OrderStatus.SHIPPED;
            case SHIPPED -> OrderStatus.DELIVERED;
            case DELIVERED -> unlucky ? OrderStatus.REFUNDED : null;
            default -> null;
        };
        if (next == null) {
            return; // delivered and kept: its lifecycle is over
        }
        lifecycle.transition(order.orderId(), next);
        if (next != OrderStatus.CANCELLED && next != OrderStatus.REFUNDED) {
            moving.add(new Moving(order.orderId(), next));
        }
    }

    private void readEveryReport() {
        OffsetDateTime now = OffsetDateTime.now(zone);
        for (Report report : reports) {
            runner.run(report, now, Map.of());
        }
    }

    private void executeStatement(String sql) {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new DatabaseException("soak: " + e.getMessage(), e);
        }
    }

    private long count(String sql) {
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new DatabaseException("soak: " + e.getMessage(), e);
        }
    }

    private long databaseSize() {
        return count("select pg_database_size(current_database())");
    }

    private static void stop(ScheduledExecutorService workers) {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(2, TimeUnit.MINUTES)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Counts and times of one kind of work, from several threads. */
    private static final class Tally {
        final AtomicLong done = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final List<Double> millis = Collections.synchronizedList(new ArrayList<>());
        volatile String firstFailure;

        /** Runs one piece of work; a failure is counted, never thrown (it would stop the schedule). */
        void time(Runnable work) {
            long start = System.nanoTime();
            try {
                work.run();
                done.incrementAndGet();
                millis.add((System.nanoTime() - start) / 1e6);
            } catch (OrderException refusal) {
                refused.incrementAndGet(); // not enough stock, say: the shop's rules, not a fault
            } catch (RuntimeException e) {
                if (failed.getAndIncrement() == 0) {
                    firstFailure = Optional.ofNullable(e.getMessage()).orElse(e.toString());
                }
            }
        }

        Activity activity(Duration ran) {
            return new Activity(done.get(), refused.get(), failed.get(), done.get() / (ran.toNanos() / 1e9),
                    LiveBench.Latency.of(new ArrayList<>(millis)));
        }
    }
}
