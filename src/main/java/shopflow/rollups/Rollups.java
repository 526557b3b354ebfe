package shopflow.rollups;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import javax.sql.DataSource;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;

/**
 * The rollup tables as a whole (their maintenance is SQL: triggers and {@code fold_rollups()}). Rebuilding runs
 * {@code rebuild_rollups()} in one transaction: readers see the old rollups or the new ones,
 * never a mix; writers wait for it (minutes for a shop of 500,000 orders).
 */
public final class Rollups {

    private static final String EMPTY_ROLLUPS = SqlScripts.read("rollups/empty_rollups.sql");
    private static final String RESTORE_ROLLUP_INDEXES = SqlScripts.read("rollups/restore_rollup_indexes.sql");
    /** How the job's notification begins (catch_up_rollups(), R__50_rollup_catch_up_job.sql). */
    private static final String CAUGHT_UP = "rollups:caught_up:";

    private Rollups() {
    }

    /**
     * Stops rollup maintenance for a bulk load (the triggers are disabled, for every session)
     * until {@link #rebuild} turns it back on. Meanwhile reports from rollups miss the new rows.
     */
    public static void suspend(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("select suspend_rollups()");
        }
    }

    /**
     * Recomputes every rollup from the raw tables (and turns their triggers back on). On a Citus
     * cluster it also sets the watermarks of the job that keeps them there ({@link #catchUp}).
     */
    public static void rebuild(DataSource dataSource) {
        rebuild(dataSource, done -> { });
    }

    /** The same, saying each family as it is rebuilt (its name, time and place among them) to {@code progress}. */
    public static void rebuild(DataSource dataSource, Consumer<String> progress) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                rebuildIn(connection, progress);
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
            connection.setAutoCommit(true);
            try {
                vacuumAndAnalyze(connection);
            } catch (SQLException e) {
                throw new DatabaseException("the rollups were rebuilt, but vacuuming them failed: " + e.getMessage(), e);
            }
        } catch (SQLException e) {
            throw new DatabaseException("rebuilding the rollups failed (nothing changed): " + e.getMessage(), e);
        }
    }

    /**
     * Whether a job keeps the rollups rather than triggers: on a Citus cluster, where the triggers
     * are gone ({@code rollups_kept_by_job()}). Then {@link #catchUp} applies the rows written since its last run.
     */
    public static boolean keptByJob(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return keptByJob(connection);
        } catch (SQLException e) {
            throw new DatabaseException("cannot tell how the rollups are kept: " + e.getMessage(), e);
        }
    }

    private static boolean keptByJob(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select rollups_kept_by_job()")) {
            result.next();
            return result.getBoolean(1);
        }
    }

    /**
     * On a cluster: applies the rows written since the last run to the rollups and folds them
     * ({@code catch_up_rollups()}); returns how many rows it applied. A procedure that commits
     * twice (the watermarks read under a brief lock, then the rows applied): the connection must
     * be in auto-commit mode.
     */
    public static long catchUp(Connection connection) throws SQLException {
        return catchUp(connection, null);
    }

    /**
     * The same for a report as of {@code neededBy}: it needs the rows committed before that moment
     * only, so nothing is applied (and no run waited for) when the last run's targets cover it.
     */
    public static long catchUp(Connection connection, OffsetDateTime neededBy) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("call catch_up_rollups(null, ?)")) {
            statement.setObject(1, neededBy);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /**
     * The moment a run of the cluster's job brought the rollups up to, read from its notification on
     * {@code shopflow_changes} ({@code rollups:caught_up:} and the moment it read its targets, UTC):
     * a report as of it needs no catch-up. Empty for any other notification.
     */
    public static Optional<OffsetDateTime> caughtUpTo(String notification) {
        if (notification == null || !notification.startsWith(CAUGHT_UP)) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(notification.substring(CAUGHT_UP.length())));
        } catch (DateTimeParseException notAMoment) {
            return Optional.empty();
        }
    }

    /** Folds every pending change into the folded rollups now, as {@link RollupFolder} does every second. */
    public static void fold(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("select fold_rollups()");
        } catch (SQLException e) {
            throw new DatabaseException("folding the rollups failed: " + e.getMessage(), e);
        }
    }

    /** Turns rollup maintenance back on after {@link #suspend} and {@link #rebuildAfterGenerate}. */
    public static void resume(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("select set_rollup_triggers(true)");
        }
    }

    /**
     * The same after the generator's load, which wrote the funnel's session rows itself: those are
     * kept, everything else is recomputed into emptied tables, as {@link #rebuildEmptiedIn}, in
     * parts side by side, each on a connection and in a transaction of its own
     * ({@code rollup_rebuild_parts()}: the product days, spans and windows, the baskets and pairs, every other
     * family): one backend runs one query on one core, and the product_sales family alone was
     * most of the rebuild. The triggers stay off until {@link #resume}: turning them on would wait
     * for the index builds the generator runs meanwhile. A part that fails leaves the others
     * committed; the generate fails, and the shop is to be generated again anyway.
     * <p>
     * On a Citus cluster the job's watermarks are marked first, in a transaction of their own
     * ({@code mark_rollup_watermarks()}): the parts then read what they mark, a generate having no
     * writers beside it. There the coordinator computes most of each part on one core, so the parts
     * side by side use its others.
     */
    public static List<PartTime> rebuildAfterGenerate(DataSource dataSource) {
        if (keptByJob(dataSource)) {
            try (Connection connection = dataSource.getConnection()) {
                markWatermarks(connection);
            } catch (SQLException e) {
                throw new DatabaseException("marking the rollups' watermarks failed: " + e.getMessage(), e);
            }
        }
        List<RebuildPart> parts = rebuildParts(dataSource);
        List<PartTime> times = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(parts.size(), runnable -> {
            Thread thread = new Thread(runnable, "rollups");
            thread.setDaemon(true);
            return thread;
        });
        try {
            long start = System.nanoTime();
            List<Future<PartTime>> running = new ArrayList<>();
            for (RebuildPart part : parts) {
                running.add(threads.submit(() -> {
                    rebuildPart(dataSource, part);
                    return new PartTime(part.name(), (System.nanoTime() - start) / 1e9);
                }));
            }
            for (Future<PartTime> part : running) {
                times.add(part.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("rebuilding the rollups was interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            threads.shutdownNow();
        }
        try (Connection connection = dataSource.getConnection()) {
            vacuumAndAnalyze(connection);
        } catch (SQLException e) {
            throw new DatabaseException("vacuuming the rebuilt rollups failed: " + e.getMessage(), e);
        }
        return times;
    }

    /** A part of the rebuild after a generate, and the wall time from the start until it committed. */
    public record PartTime(String part, double seconds) {
    }

    /** One part of the rebuild after a generate: its function, and the rollup tables it empties first. */
    private record RebuildPart(String name, String rebuild, List<String> tables) {
    }

    private static List<RebuildPart> rebuildParts(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select part, rebuild, tables from rollup_rebuild_parts()")) {
            List<RebuildPart> parts = new ArrayList<>();
            while (result.next()) {
                parts.add(new RebuildPart(result.getString(1), result.getString(2),
                        List.of((String[]) result.getArray(3).getArray())));
            }
            return parts;
        } catch (SQLException e) {
            throw new DatabaseException("cannot list the parts of the rollups' rebuild: " + e.getMessage(), e);
        }
    }

    private static void rebuildPart(DataSource dataSource, RebuildPart part) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement();
                    PreparedStatement empty = connection.prepareStatement("select empty_rollup_tables(?)")) {
                empty.setArray(1, connection.createArrayOf("text", part.tables().toArray()));
                empty.execute();
                statement.execute("select " + part.rebuild() + "()");
                statement.execute(RESTORE_ROLLUP_INDEXES);
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException("rebuilding the rollups (" + part.name() + ") failed: " + e.getMessage(), e);
        }
    }

    /**
     * VACUUM (ANALYZE) of every rollup table, on a connection in autocommit once a rebuild has
     * committed: statistics of the rebuilt sizes, and the pages marked visible to all, which
     * autovacuum missed when it came during the rebuild ({@code rollup_table_list()} says why).
     */
    public static void vacuumAndAnalyze(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            String tables;
            try (ResultSet list = statement.executeQuery("select rollup_table_list()")) {
                list.next();
                tables = list.getString(1);
            }
            statement.execute("vacuum (analyze) " + tables);
        }
    }

    /**
     * {@link #rebuildIn} for a loader that replaced the whole shop: the rollup tables are emptied
     * by one truncate and their secondary indexes dropped first ({@code rollups/empty_rollups.sql}),
     * then built again once the rows are in ({@code rollups/restore_rollup_indexes.sql}).
     * Readers wait for the commit instead of reading the old rollups.
     * <p>
     * {@code loadedTables}, the tables the loader filled in this transaction, are analyzed first:
     * autovacuum cannot see uncommitted rows, so a database that was empty has no statistics for
     * them, and the rebuild's joins planned for empty tables ran for minutes (a restore of 2,563
     * orders into a new database: the rollups in 328 s, against 7.5 s with statistics).
     */
    public static void rebuildEmptiedIn(Connection connection, Collection<String> loadedTables,
            Consumer<String> progress) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("analyze " + String.join(", ", loadedTables));
            statement.execute(EMPTY_ROLLUPS);
            rebuildIn(connection, progress);
            long indexing = System.nanoTime();
            statement.execute(RESTORE_ROLLUP_INDEXES);
            progress.accept(String.format("their indexes built in %.1f s", (System.nanoTime() - indexing) / 1e9));
        }
    }

    /**
     * The same as {@link #rebuild}, in the caller's transaction: a loader that suspended the
     * triggers in it brings the rollups up to date before it commits, so readers see the new rows
     * and their rollups together. One family at a time, in the order of one call of the rebuild
     * function ({@code rollup_families('rebuild')}), so that a rebuild of minutes says how far it
     * is; on a cluster after the job's watermarks are marked, once. Run {@link #vacuumAndAnalyze}
     * after the commit.
     */
    private static void rebuildIn(Connection connection, Consumer<String> progress) throws SQLException {
        List<String> families = families(connection);
        if (keptByJob(connection)) {
            markWatermarks(connection);
        }
        try (PreparedStatement rebuild = connection.prepareStatement("select rebuild_rollups(?)")) {
            for (int i = 0; i < families.size(); i++) {
                long started = System.nanoTime();
                rebuild.setArray(1, connection.createArrayOf("text", new String[] {families.get(i)}));
                rebuild.execute();
                progress.accept(String.format("%s rebuilt in %.1f s (%d of %d)", families.get(i),
                        (System.nanoTime() - started) / 1e9, i + 1, families.size()));
            }
        }
    }

    /**
     * On a cluster: the catch-up job's watermarks set where the source tables are now
     * ({@code mark_rollup_watermarks()}), the sources held until the caller commits.
     */
    private static void markWatermarks(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("select mark_rollup_watermarks()");
        }
    }

    private static List<String> families(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select rollup_families('rebuild')")) {
            List<String> families = new ArrayList<>();
            while (result.next()) {
                families.add(result.getString(1));
            }
            return families;
        }
    }
}
