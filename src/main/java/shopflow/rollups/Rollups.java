package shopflow.rollups;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;

/**
 * The rollup tables as a whole (their maintenance is SQL: triggers and {@code fold_rollups()}). Rebuilding runs
 * {@code rebuild_rollups()} in one transaction: readers see the old rollups or the new ones,
 * never a mix; writers wait for the few seconds it takes.
 */
public final class Rollups {

    private static final String EMPTY_ROLLUPS = SqlScripts.read("rollups/empty_rollups.sql");
    private static final String RESTORE_ROLLUP_INDEXES = SqlScripts.read("rollups/restore_rollup_indexes.sql");

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
        run(dataSource, rebuildFunction(keptByJob(dataSource)), false);
    }

    private static String rebuildFunction(boolean keptByJob) {
        return keptByJob ? "rebuild_rollups_marking_watermarks" : "rebuild_rollups";
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
     * ({@code catch_up_rollups()}); returns how many rows it applied.
     */
    public static long catchUp(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select catch_up_rollups()")) {
            result.next();
            return result.getLong(1);
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
     * kept, everything else is recomputed ({@code rebuild_rollups_after_generate()}) into emptied
     * tables, as {@link #rebuildEmptiedIn}. The triggers stay off until {@link #resume}: turning
     * them on would wait for the index builds the generator runs meanwhile.
     */
    public static void rebuildAfterGenerate(DataSource dataSource) {
        run(dataSource, "rebuild_rollups_after_generate", true);
    }

    /**
     * {@link #rebuildIn} for a loader that replaced the whole shop: the rollup tables are emptied
     * by one truncate and their secondary indexes dropped first ({@code rollups/empty_rollups.sql}),
     * then built again once the rows are in ({@code rollups/restore_rollup_indexes.sql}).
     * Readers wait for the commit instead of reading the old rollups.
     */
    public static void rebuildEmptiedIn(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(EMPTY_ROLLUPS);
            rebuildIn(connection);
            statement.execute(RESTORE_ROLLUP_INDEXES);
        }
    }

    /**
     * The same as {@link #rebuild}, in the caller's transaction: a loader that suspended the
     * triggers in it brings the rollups up to date before it commits, so readers see the new rows
     * and their rollups together. Run {@code analyze_rollups()} after the commit.
     */
    private static void rebuildIn(Connection connection) throws SQLException {
        String rebuild = rebuildFunction(keptByJob(connection));
        try (Statement statement = connection.createStatement()) {
            statement.execute("select " + rebuild + "()");
        }
    }

    /** {@code rebuildFunction} in a transaction of its own (into emptied tables if {@code emptied}), then analyzes. */
    private static void run(DataSource dataSource, String rebuildFunction, boolean emptied) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                if (emptied) {
                    statement.execute(EMPTY_ROLLUPS);
                }
                statement.execute("select " + rebuildFunction + "()");
                if (emptied) {
                    statement.execute(RESTORE_ROLLUP_INDEXES);
                }
                connection.commit();
                // after the commit: statistics gathered inside the rebuild would not see its rows
                connection.setAutoCommit(true);
                statement.execute("select analyze_rollups()");
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException("rebuilding the rollups failed (nothing changed): " + e.getMessage(), e);
        }
    }
}
