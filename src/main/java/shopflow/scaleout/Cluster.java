package shopflow.scaleout;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import javax.sql.DataSource;
import shopflow.db.DatabaseException;
import shopflow.reports.ReportCatalog;

/**
 * Whether the database is a distributed (Citus) one, and what that changes for the rest of ShopFlow.
 * On a cluster the rollup triggers are gone (Citus cannot run them on shards): a job keeps the
 * rollups instead ({@code catch_up_rollups()}, V9_6; run every second by the web server's folder
 * and before every report), and the reports read them as on one node (but for
 * {@link #REFERENCE_ON_CLUSTER}, none now, which would run their reference SQL over the distributed tables).
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

    /**
     * Reports served from their reference SQL on a cluster: none since V10_1 and V10_6. The customer
     * and order reports once looked up each customer's or order's raw orders in correlated subqueries
     * and lateral joins, which Citus refuses over a table distributed by another column ("cannot push
     * down this subquery"); they now gather those ids first and join them with orders as a set. A
     * report whose rollup SQL Citus cannot plan goes here, and the cluster serves its reference SQL.
     */
    public static final Set<String> REFERENCE_ON_CLUSTER = Set.of();

    /** The reports to serve: from the rollups on one node; on a cluster too, but for {@link #REFERENCE_ON_CLUSTER}. */
    public static ReportCatalog reportCatalog(DataSource dataSource) {
        return isDistributed(dataSource) ? clusterCatalog() : ReportCatalog.load();
    }

    /** The reports as a cluster serves them. */
    public static ReportCatalog clusterCatalog() {
        ReportCatalog references = ReportCatalog.references();
        return ReportCatalog.of(ReportCatalog.load().all().stream()
                .map(report -> REFERENCE_ON_CLUSTER.contains(report.name()) ? references.get(report.name()) : report)
                .toList());
    }
}
