package shopflow.live;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import shopflow.db.DatabaseException;

/**
 * The rollup tables as a whole (their maintenance is SQL: V6__rollups.sql). Rebuilding runs
 * {@code rebuild_rollups()} in one transaction: readers see the old rollups or the new ones,
 * never a mix; writers wait for the few seconds it takes.
 */
public final class Rollups {

    private static final List<String> ROLLUP_TABLES = List.of("rollup_order_days");

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
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("select rebuild_rollups()");
                connection.commit();
                // fresh statistics, so reports plan on the rebuilt sizes (ANALYZE cannot run in a function)
                connection.setAutoCommit(true);
                statement.execute("analyze " + String.join(", ", ROLLUP_TABLES));
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException("rebuilding the rollups failed (nothing changed): " + e.getMessage(), e);
        }
    }
}
