package shopflow.cli;

import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.alerts.Alert;
import shopflow.alerts.Alerts;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.reports.AsOf;

@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = "List the anomaly alerts raised, newest window first: each KPI of each shop hour and day against"
                + " the same hour (or weekday) of the last 8 weeks (docs/alerts.md). The server ('serve', 'demo')"
                + " raises them every minute; --evaluate judges the windows ended since the last evaluation first,"
                + " here.",
        footer = {"", "Examples:",
            "  shopflow alerts",
            "  shopflow alerts --kpi conversion_rate --since 2026-11-01T00:00 --limit 200",
            "  shopflow alerts --evaluate"})
public final class AlertsCommand implements Runnable {

    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Option(names = "--kpi", paramLabel = "KPI", description = "Only this KPI's alerts (net_sales, orders, average_order_value,"
            + " conversion_rate, add_to_cart_rate, checkout_abandonment, fraud_flags, ingested_events).")
    String kpi;

    @Option(names = "--since", paramLabel = "TIME", description = "Only windows starting at or after it"
            + " (2026-11-01T00:00 is the shop's local time).")
    String since;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N alerts (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--evaluate", description = "Judge the windows ended since the last evaluation first (as the server does every minute).")
    boolean evaluate;

    @Override
    public void run() {
        ZoneId zone = databaseOptions.timeZone();
        OffsetDateTime sinceMoment = since == null ? null : parseSince(zone);
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            Alerts alerts = new Alerts(database.dataSource());
            PrintWriter out = spec.commandLine().getOut();
            if (evaluate) {
                List<Alert> raised = alerts.evaluate(OffsetDateTime.now(zone));
                spec.commandLine().getErr().println("evaluated: " + raised.size()
                        + (raised.size() == 1 ? " new alert" : " new alerts"));
            }
            List<Alert> found = alerts.list(kpi, sinceMoment, limit);
            out.printf("%6s  %-8s  %-16s  %-5s  %-20s  %8s  %s%n", "id", "severity", "window", "grain", "kpi", "score",
                    "message");
            for (Alert alert : found) {
                out.printf("%6d  %-8s  %-16s  %-5s  %-20s  %8s  %s%n", alert.alertId(), alert.severity(),
                        alert.windowStart().atZoneSameInstant(zone).format(MINUTES), alert.grain(), alert.kpi(),
                        alert.score().toPlainString(), alert.message());
            }
            out.println("(" + found.size() + (found.size() == 1 ? " alert)" : " alerts)"));
            out.flush();
        }
    }

    private OffsetDateTime parseSince(ZoneId zone) {
        try {
            return AsOf.parse(since, zone);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("as-of", "--since"), e);
        }
    }
}
