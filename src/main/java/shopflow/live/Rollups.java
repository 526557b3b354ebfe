package shopflow.live;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import shopflow.db.DatabaseException;

/**
 * The rollup tables as a whole (their maintenance is SQL: V6__rollups.sql). Rebuilding runs
 * {@code rebuild_rollups()} in one transaction: readers see the old rollups or the new ones,
 * never a mix; writers wait for the few seconds it takes.
 */
public final class Rollups {

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

    /** Recomputes every rollup from the raw tables (and turns their triggers back on). */
    public static void rebuild(DataSource dataSource) {
        run(dataSource, "rebuild_rollups");
    }

    /** Turns rollup maintenance back on after {@link #suspend} and {@link #rebuildAfterGenerate}. */
    public static void resume(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("select set_rollup_triggers(true)");
        }
    }

    /**
     * The same after the generator's load, which wrote the funnel's session rows itself: those are
     * kept, everything else is recomputed (V8_9). The triggers stay off until {@link #resume}: turning
     * them on would wait for the index builds the generator runs meanwhile.
     */
    public static void rebuildAfterGenerate(DataSource dataSource) {
        run(dataSource, "rebuild_rollups_after_generate");
    }

    private static void run(DataSource dataSource, String rebuildFunction) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("select " + rebuildFunction + "()");
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
