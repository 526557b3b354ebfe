package shopflow.rollups;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * Folds the rollups' pending changes into their folded rows ({@code fold_rollups()}) every
 * {@link #INTERVAL}, so reports read one row per key plus about a second's worth of writes.
 * Skipping a fold changes no answer, only how many rows a report sums: a failure is logged and
 * the next tick tries again. On a Citus cluster, where no trigger keeps the rollups, each tick
 * applies the rows written since the last one and folds them ({@link Rollups#catchUp}), which
 * also tells the dashboard (a notification) when it applied anything.
 *
 * <p>A fold has a fixed cost besides its rows (the RFM scoring's sorted key arrays are read and
 * written again: about 80 ms of CPU at scale 1 for 100 changed customers, 130 ms for 1,200), which
 * writers placing orders flat out paid every second. So the folder waits {@link #WAIT_PER_FOLD_TIME}
 * times as long as its last fold took, when that is longer than the interval (folding then takes
 * at most a tenth of its time), up to {@link #MAX_INTERVAL}: the busier the database, the larger
 * and fewer the folds, and readers sum at most that many seconds of pending changes. The cluster's
 * catch-up runs again {@link #CATCH_UP_INTERVAL} after each run: its notification is what the dashboard
 * waits for (at scale 1, under 50 orders and 500 events a second: freshness p95 1.4 s with a second
 * between runs, 0.9 s with a tenth, and the writers' throughput the same).
 *
 * <p>On a cluster the RFM scoring is folded on a thread and connection of its own, beside the
 * catch-up runs ({@code fold_rfm_rollups()}, paced as the folds above): at scale 10 it took 0.9 s
 * when it scored, and inside a run every row committed meanwhile waited for it and the next run.
 */
public final class RollupFolder implements AutoCloseable {

    public static final Duration INTERVAL = Duration.ofSeconds(1);
    /**
     * The wait after a run of a cluster's catch-up job: what freshness waits for is the run under way
     * and the next one, and a run stops no writer (it locks the sources only between writes).
     */
    public static final Duration CATCH_UP_INTERVAL = Duration.ofMillis(100);
    /** The longest wait between two folds, however long folds take. */
    public static final Duration MAX_INTERVAL = Duration.ofSeconds(5);
    /** Waits this many times as long as the last fold took (when longer than {@link #INTERVAL}). */
    static final int WAIT_PER_FOLD_TIME = 9;

    private final DataSource dataSource;
    private final Consumer<String> log;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "shopflow-rollup-folder");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Loop folds;
    private volatile Loop scorings;

    /** The folds done so far (failed ones not counted): how many, their total time and the longest. */
    public record Runs(int count, Duration total, Duration longest) {
        public static final Runs NONE = new Runs(0, Duration.ZERO, Duration.ZERO);

        Runs plus(Duration fold) {
            return new Runs(count + 1, total.plus(fold), fold.compareTo(longest) > 0 ? fold : longest);
        }

        /** These runs and {@code other}'s, as one series. */
        public Runs and(Runs other) {
            return new Runs(count + other.count, total.plus(other.total),
                    other.longest.compareTo(longest) > 0 ? other.longest : longest);
        }
    }

    public RollupFolder(DataSource dataSource, Consumer<String> log) {
        this.dataSource = dataSource;
        this.log = log;
    }

    public void start() {
        if (Rollups.keptByJob(dataSource)) {
            folds = new Loop("call catch_up_rollups()", "applying new rows", fold -> CATCH_UP_INTERVAL);
            scorings = new Loop("select fold_rfm_rollups()", "folding the RFM scoring", RollupFolder::waitAfter);
            scorings.runAfter(INTERVAL);
        } else {
            folds = new Loop("select fold_rollups()", "folding pending changes", RollupFolder::waitAfter);
        }
        folds.runAfter(INTERVAL);
    }

    /** The wait after a fold that took {@code fold}. */
    static Duration waitAfter(Duration fold) {
        Duration wait = fold.multipliedBy(WAIT_PER_FOLD_TIME);
        return wait.compareTo(INTERVAL) < 0 ? INTERVAL : wait.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : wait;
    }

    /** The folds done so far (bench live reports how long the cluster's catch-up runs took). */
    public Runs runs() {
        Loop loop = folds;
        return loop == null ? Runs.NONE : loop.runs;
    }

    /** On a cluster, the RFM scoring's folds beside the catch-up runs done so far. */
    public Runs scoringRuns() {
        Loop loop = scorings;
        return loop == null ? Runs.NONE : loop.runs;
    }

    /**
     * One statement run again and again, each run on a connection of its own, the next one
     * scheduled after it ({@code waitAfter} its time); a failure is logged once, until it works again.
     */
    private final class Loop {
        private final String statement;
        private final String doing;
        private final UnaryOperator<Duration> waitAfter;
        private boolean failing; // only the run under way reads and writes it: one at a time
        private volatile Runs runs = Runs.NONE;

        Loop(String statement, String doing, UnaryOperator<Duration> waitAfter) {
            this.statement = statement;
            this.doing = doing;
            this.waitAfter = waitAfter;
        }

        void runAfter(Duration wait) {
            try {
                scheduler.schedule(this::runOnce, wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                // close() came first: no more runs
            }
        }

        private void runOnce() {
            long started = System.nanoTime();
            try {
                if (run()) {
                    runs = runs.plus(Duration.ofNanos(System.nanoTime() - started));
                }
            } finally {
                runAfter(waitAfter.apply(Duration.ofNanos(System.nanoTime() - started)));
            }
        }

        private boolean run() {
            try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
                sql.execute(statement);
                if (failing) {
                    log.accept("rollups: " + doing + " works again");
                    failing = false;
                }
                return true;
            } catch (SQLException | RuntimeException e) {
                if (!failing) {
                    log.accept("rollups: " + doing + " failed, retrying every "
                            + waitAfter.apply(Duration.ZERO).toMillis()
                            + " ms or more (reports stay exact meanwhile): " + e.getMessage());
                    failing = true;
                }
                return false;
            }
        }
    }

    /** Stops folding; a fold under way is waited for (it holds the fold lock, see fold_rollups()). */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
