package shopflow.scaleout;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import shopflow.db.DatabaseException;

/**
 * Whether the database is a distributed (Citus) one. On a cluster the rollup triggers are gone
 * (Citus cannot run them on shards): a job keeps the rollups instead ({@code catch_up_rollups()},
 * run every 100 ms by the web server's folder and before every report), and the reports read them
 * with the same SQL as on one node (every one of them: their raw rows are read by joins Citus can
 * plan, the customers' or orders' ids gathered first and joined as a set).
 */
public final class Cluster {

    private Cluster() {
    }

    /**
     * True when {@code orders} is a Citus distributed table (after {@code shopflow distribute}), as
     * the migrated schema's one test of it says ({@code distributed_table()}, which the rollups'
     * job and the event ingest ask too).
     */
    public static boolean isDistributed(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select distributed_table('public.orders')")) {
            r.next();
            return r.getBoolean(1);
        } catch (SQLException e) {
            throw new DatabaseException("cannot tell whether the database is distributed: " + e.getMessage(), e);
        }
    }
}
