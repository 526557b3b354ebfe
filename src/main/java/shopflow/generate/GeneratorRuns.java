package shopflow.generate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Optional;

/** The {@code generator.runs} record: a run is 'running' until its data is complete. */
final class GeneratorRuns {

    record Run(long id, Timestamp startedAt, String status, String summary) {
    }

    private GeneratorRuns() {
    }

    static Optional<Run> latest(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                select run_id, started_at, status,
                       'scale ' || scale::float8 || ', seed ' || seed || ', as of ' || as_of
                from generator.runs order by run_id desc limit 1""")) {
            return r.next() ? Optional.of(new Run(r.getLong(1), r.getTimestamp(2), r.getString(3), r.getString(4)))
                    : Optional.empty();
        }
    }

    static long start(Connection c, GeneratorSettings settings) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("""
                insert into generator.runs (scale, seed, as_of, threads) values (?, ?, ?, ?) returning run_id""")) {
            p.setDouble(1, settings.scale());
            p.setLong(2, settings.seed());
            p.setObject(3, settings.asOf());
            p.setInt(4, settings.threads());
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Unfinished earlier runs whose data this run replaces. */
    static void markReplaced(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("update generator.runs set status = 'replaced', finished_at = clock_timestamp()"
                    + " where status = 'running'");
        }
    }

    static void complete(Connection c, long runId, String rowCounts) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("""
                update generator.runs set status = 'complete', finished_at = clock_timestamp(), row_counts = ?
                where run_id = ?""")) {
            p.setString(1, rowCounts);
            p.setLong(2, runId);
            p.executeUpdate();
        }
    }

    /** Rows already in the shop's main tables: customers, products, orders. */
    static long existingRows(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                select (select count(*) from customers) + (select count(*) from products)
                     + (select count(*) from (select 1 from orders limit 1) o)""")) {
            r.next();
            return r.getLong(1);
        }
    }
}
