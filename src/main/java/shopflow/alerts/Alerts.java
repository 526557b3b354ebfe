package shopflow.alerts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;

/**
 * The alerts kept in the database: raising them ({@code evaluate_alerts()}, R__60_alerts.sql) and
 * listing them ({@code alerts/recent_alerts.sql}). The maths is SQL; this class only calls it.
 */
public final class Alerts {

    /** The most alerts one listing returns. */
    public static final int MAX_LIMIT = 10_000;
    private static final String RECENT = SqlScripts.read("alerts/recent_alerts.sql");
    private static final String KPIS = SqlScripts.read("alerts/kpis.sql");

    private final DataSource dataSource;

    public Alerts(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Evaluates the windows that ended lately as of {@code asOf} and returns the alerts raised now. */
    public List<Alert> evaluate(OffsetDateTime asOf) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select * from evaluate_alerts(?)")) {
            s.setObject(1, asOf);
            return read(s);
        } catch (SQLException e) {
            throw new DatabaseException("evaluating alerts failed: " + e.getMessage(), e);
        }
    }

    /** The KPIs alerts watch, by name. */
    public Set<String> kpis() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery(KPIS)) {
            Set<String> kpis = new TreeSet<>();
            while (rows.next()) {
                kpis.add(rows.getString(1));
            }
            return kpis;
        } catch (SQLException e) {
            throw new DatabaseException("reading the alerts' KPIs failed: " + e.getMessage(), e);
        }
    }

    /**
     * The alerts of {@code kpi} (null: every KPI) whose window starts at or after {@code since}
     * (null: any), newest window first, at most {@code limit}.
     *
     * @throws IllegalArgumentException naming the KPI or the limit when they are not known or in range
     */
    public List<Alert> list(String kpi, OffsetDateTime since, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
        if (kpi != null) {
            Set<String> known = kpis();
            if (!known.contains(kpi)) {
                throw new IllegalArgumentException("unknown KPI '" + kpi + "'; alerts watch " + String.join(", ", known));
            }
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(RECENT)) {
            s.setString(1, kpi);
            s.setString(2, kpi);
            s.setObject(3, since);
            s.setObject(4, since);
            s.setInt(5, limit);
            return read(s);
        } catch (SQLException e) {
            throw new DatabaseException("listing alerts failed: " + e.getMessage(), e);
        }
    }

    private static List<Alert> read(PreparedStatement statement) throws SQLException {
        List<Alert> alerts = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                alerts.add(new Alert(rows.getLong("alert_id"), rows.getString("kpi"), rows.getString("grain"),
                        rows.getObject("window_start", OffsetDateTime.class),
                        rows.getObject("window_end", OffsetDateTime.class), rows.getBigDecimal("observed"),
                        rows.getBigDecimal("expected"), rows.getBigDecimal("spread"), rows.getBigDecimal("score"),
                        rows.getBigDecimal("volume"), rows.getString("severity"), rows.getString("direction"),
                        rows.getString("message"), rows.getObject("raised_at", OffsetDateTime.class)));
            }
        }
        return alerts;
    }
}
