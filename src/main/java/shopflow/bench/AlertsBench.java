package shopflow.bench;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import shopflow.db.Database;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;

/**
 * Scores the alerts against incidents injected into a shop (inject_alert_incidents(): a checkout
 * outage, a pricing error, a bot wave, a fraud wave, in the 5 weeks before as_of): recall (incidents
 * found by an alert of one of their KPIs), detection delay, and false alerts per week (alerts
 * overlapping no incident), evaluating every hour and day of those weeks as the server would; then
 * times one evaluation of an hour and of a day, as the server's minute makes them.
 */
public final class AlertsBench {

    /** The weeks before as_of judged: the incidents fall in them. */
    static final int WEEKS = 5;
    private static final String INCIDENTS = SqlScripts.read("bench/alerts_incidents.sql");
    private static final String FALSE_ALERTS = SqlScripts.read("bench/alerts_false.sql");
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm");

    private AlertsBench() {
    }

    /** Injects the incidents into {@code database} (a copy of the shop) as of {@code asOf}, scores and prints. */
    public static void run(Database database, OffsetDateTime asOf, PrintWriter out) {
        ZoneId zone = database.timeZone();
        OffsetDateTime from = asOf.minusWeeks(WEEKS);
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            long started = System.nanoTime();
            try (PreparedStatement inject = c.prepareStatement("select count(*) from inject_alert_incidents(?)")) {
                inject.setObject(1, asOf);
                inject.executeQuery().close();
            }
            out.printf("injected 4 incidents (generator.incident_ground_truth) in %.1f s%n", seconds(started));
            started = System.nanoTime();
            try (PreparedStatement evaluate = c.prepareStatement("""
                    create temporary table bench_alerts as
                    select * from alert_evaluations('hour', ?, ?) where severity is not null
                    union all
                    select * from alert_evaluations('day', ?, ?) where severity is not null""")) {
                evaluate.setObject(1, from);
                evaluate.setObject(2, asOf);
                evaluate.setObject(3, from);
                evaluate.setObject(4, asOf);
                evaluate.executeUpdate();
            }
            out.printf("judged every hour and day of the %d weeks to %s (8 KPIs) in %.1f s%n", WEEKS,
                    asOf.atZoneSameInstant(zone).format(MINUTES), seconds(started));

            int found = 0;
            int incidents = 0;
            List<Double> afterEnd = new ArrayList<>();
            out.println();
            out.printf("%-16s  %-20s  %-6s  %-22s  %-24s  %s%n", "incident", "from", "hours", "first alert",
                    "window", "raised after its end");
            try (ResultSet r = s.executeQuery(INCIDENTS)) {
                while (r.next()) {
                    incidents++;
                    OffsetDateTime start = r.getObject("starts_at", OffsetDateTime.class);
                    OffsetDateTime end = r.getObject("ends_at", OffsetDateTime.class);
                    String kpi = r.getString("kpi");
                    String when = "-";
                    String delay = "not found";
                    if (kpi != null) {
                        found++;
                        double minutes = r.getDouble("minutes_after_end");
                        afterEnd.add(minutes);
                        when = r.getString("grain") + " " + r.getObject("window_start", OffsetDateTime.class)
                                .atZoneSameInstant(zone).format(DateTimeFormatter.ofPattern("MM-dd HH:mm"));
                        delay = minutes < 0 ? String.format("%.0f min before it ended (%.0f min after it began)",
                                -minutes, r.getDouble("minutes_after_start")) : String.format("%.0f min", minutes);
                    }
                    out.printf("%-16s  %-20s  %-6s  %-22s  %-24s  %s%n", r.getString("kind"),
                            start.atZoneSameInstant(zone).format(MINUTES),
                            Duration.between(start, end).toHours(), kpi == null ? "-" : kpi, when, delay);
                }
            }
            long falseAlerts = 0;
            long fraudAlerts = 0;
            List<String> falseByKpi = new ArrayList<>();
            try (ResultSet r = s.executeQuery(FALSE_ALERTS)) {
                while (r.next()) {
                    if (r.getBoolean("generator_fraud")) {
                        fraudAlerts += r.getLong("alerts");
                    } else {
                        falseAlerts += r.getLong("alerts");
                        falseByKpi.add(r.getString("kpi") + " (" + r.getString("grain") + ") " + r.getLong("alerts"));
                    }
                }
            }
            out.println();
            out.printf("recall: %d of %d incidents found (%.0f %%)%n", found, incidents,
                    incidents == 0 ? 0 : 100.0 * found / incidents);
            if (!afterEnd.isEmpty()) {
                double[] sorted = afterEnd.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                out.printf("detection delay after the incident's end: at most %.0f min (median %.0f; negative:"
                        + " raised while it lasted)%n", sorted[sorted.length - 1], sorted[sorted.length / 2]);
            }
            out.printf("alerts outside the incidents explained by the generator's own injected fraud (bursts, huge"
                    + " orders: generator.fraud_ground_truth): %d%n", fraudAlerts);
            out.printf("false alerts: %d in %d weeks = %.1f a week%s%n", falseAlerts, WEEKS,
                    falseAlerts / (double) WEEKS, falseByKpi.isEmpty() ? "" : ": " + String.join(", ", falseByKpi));
            out.println();
            timeOneEvaluation(c, asOf, out);
            out.flush();
        } catch (SQLException e) {
            throw new DatabaseException("bench alerts failed: " + e.getMessage(), e);
        }
    }

    /** The server's work when an hour, or a day, has just ended: median and longest of 7 runs each. */
    private static void timeOneEvaluation(Connection c, OffsetDateTime asOf, PrintWriter out) throws SQLException {
        for (String grain : List.of("hour", "day")) {
            double[] millis = new double[7];
            try (PreparedStatement s = c.prepareStatement("select count(*) from alert_evaluations(?, ?, ?)")) {
                for (int i = 0; i < millis.length; i++) {
                    s.setString(1, grain);
                    s.setObject(2, grain.equals("hour") ? asOf.minusHours(1) : asOf.minusDays(1));
                    s.setObject(3, asOf);
                    long started = System.nanoTime();
                    s.executeQuery().close();
                    millis[i] = (System.nanoTime() - started) / 1e6;
                }
            }
            Arrays.sort(millis);
            out.printf("one evaluation of the last %s (8 KPIs against 8 weeks): median %.0f ms, longest %.0f ms%n",
                    grain, millis[millis.length / 2], millis[millis.length - 1]);
        }
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }
}
