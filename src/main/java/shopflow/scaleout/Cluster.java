package shopflow.scaleout;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import shopflow.db.DatabaseException;
import shopflow.reports.ReportCatalog;

/**
 * Whether the database is a distributed (Citus) one, and what that changes for the rest of ShopFlow.
 * On a cluster the rollup triggers are gone (Citus cannot run them on shards), so the rollups are
 * not current there: reports run their reference SQL, which reads the raw tables and which Citus
 * spreads over the workers.
 */
public final class Cluster {

    private Cluster() {
    }

    /** True when {@code orders} is a Citus distributed table (after {@code shopflow distribute}). */
    public static boolean isDistributed(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("select exists (select 1 from pg_extension where extname = 'citus')")) {
                r.next();
                if (!r.getBoolean(1)) {
                    return false;
                }
            }
            try (ResultSet r = s.executeQuery("""
                    select exists (select 1 from pg_dist_partition where logicalrelid = to_regclass('orders'))""")) {
                r.next();
                return r.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot tell whether the database is distributed: " + e.getMessage(), e);
        }
    }

    /** The reports to serve: from the rollups on one node, their reference SQL on a cluster. */
    public static ReportCatalog reportCatalog(DataSource dataSource) {
        return isDistributed(dataSource) ? ReportCatalog.references() : ReportCatalog.load();
    }
}
