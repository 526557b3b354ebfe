package shopflow.generate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Optional;
import shopflow.db.SqlScripts;

/** The {@code generator.runs} record: a run is 'running' until its data is complete. */
final class GeneratorRuns {

    private static final String LATEST = SqlScripts.read("generate/latest_run.sql");
    private static final String START = SqlScripts.read("generate/start_run.sql");
    private static final String REPLACE_UNFINISHED = SqlScripts.read("generate/replace_unfinished_runs.sql");
    private static final String COMPLETE = SqlScripts.read("generate/complete_run.sql");
    private static final String EXISTING_ROWS = SqlScripts.read("generate/existing_rows.sql");

    record Run(long id, Timestamp startedAt, String status, String summary) {
    }

    private GeneratorRuns() {
    }

    static Optional<Run> latest(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(LATEST)) {
            return r.next() ? Optional.of(new Run(r.getLong(1), r.getTimestamp(2), r.getString(3), r.getString(4)))
                    : Optional.empty();
        }
    }

    static long start(Connection c, GeneratorSettings settings) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(START)) {
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
            s.executeUpdate(REPLACE_UNFINISHED);
        }
    }

    static void complete(Connection c, long runId, String rowCounts) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(COMPLETE)) {
            p.setString(1, rowCounts);
            p.setLong(2, runId);
            p.executeUpdate();
        }
    }

    /** Rows already in the shop's main tables: customers, products, and whether there is an order. */
    static long existingRows(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(EXISTING_ROWS)) {
            r.next();
            return r.getLong(1);
        }
    }
}
