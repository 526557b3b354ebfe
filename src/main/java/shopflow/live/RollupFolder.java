package shopflow.live;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Folds the rollups' pending changes into their folded rows ({@code fold_rollups()}, V6) every
 * {@link #INTERVAL}, so reports read one row per key plus at most a second's worth of writes.
 * Skipping a fold changes no answer, only how many rows a report sums: a failure is logged and
 * the next tick tries again. On a Citus cluster, where no trigger keeps the rollups, each tick
 * applies the rows written since the last one and folds them ({@link Rollups#catchUp}), which
 * also tells the dashboard (a notification) when it applied anything.
 */
public final class RollupFolder implements AutoCloseable {

    public static final Duration INTERVAL = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final Consumer<String> log;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "shopflow-rollup-folder");
        thread.setDaemon(true);
        return thread;
    });
    private boolean failing; // only the scheduler thread reads and writes it
    private volatile String step;

    public RollupFolder(DataSource dataSource, Consumer<String> log) {
        this.dataSource = dataSource;
        this.log = log;
    }

    public void start() {
        step = Rollups.keptByJob(dataSource) ? "select catch_up_rollups()" : "select fold_rollups()";
        scheduler.scheduleWithFixedDelay(this::foldOnce, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One fold; a failure is logged once, until folding works again. */
    private void foldOnce() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(step);
            if (failing) {
                log.accept("rollups: folding works again");
                failing = false;
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                log.accept("rollups: " + (step.contains("catch_up") ? "applying new rows" : "folding pending changes")
                        + " failed, retrying every " + INTERVAL.toSeconds()
                        + " s (reports stay exact meanwhile): " + e.getMessage());
                failing = true;
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
