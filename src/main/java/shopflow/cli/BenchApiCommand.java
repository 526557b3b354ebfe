package shopflow.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.bench.ApiBench;
import shopflow.bench.BenchDatabase;
import shopflow.bench.BusyDay;
import shopflow.bench.BenchData;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.reports.ReportCatalog;

@Command(name = "api", mixinStandardHelpOptions = true,
        description = "Time every dashboard panel over real HTTP, as the dashboard asks for it (its parameters, as of"
                + " now, gzip accepted): one request at a time, then --clients at once for --seconds, each"
                + " computed (Cache-Control: no-cache: the report's SQL runs), served (the answer the server shares"
                + " while the data has not changed) and revalidated with its ETag (304); beside the brief's own query"
                + " for the panel (its reference SQL) timed on the same database. Starts the server on a free port"
                + " and waits (up to 90 s) until its start-up jobs have stopped writing (each write empties the"
                + " shared answers); only reads the shop (its analyst tokens, one per client, are revoked at the end).",
        footer = {"", "Examples:",
            "  shopflow bench api --clients 16",
            "  shopflow bench api --panel daily_revenue --runs 200 --seconds 10"})
public final class BenchApiCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "16",
            description = "Concurrent HTTP clients under load, 1 to 64 (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "50",
            description = "Timed requests of each panel one at a time (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "5",
            description = "Seconds of each load of each panel: computed, served and revalidated (default:"
                    + " ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--reference-runs", paramLabel = "N", defaultValue = "3",
            description = "Timed runs of each panel's reference SQL, seconds each at scale 1 (default: ${DEFAULT-VALUE};"
                    + " 0: none).")
    int referenceRuns;

    @Option(names = "--drill-pages", paramLabel = "N", defaultValue = "200",
            description = "Then walk each drill-down (the month and year to date, a busy day, the top category, the"
                    + " top product's orders and partners, the biggest segment, a flagged customer, a low-stock row)"
                    + " up to N pages of 50 rows (default: ${DEFAULT-VALUE}; 0: none).")
    int drillPages;

    @Option(names = "--filters",
            description = "Walk the drills that take the order filters instead (the month and the year to date,"
                    + " the busiest day of the last 30), without a filter and with each filter case of `verify`"
                    + " and rare ones (a tablet, a tablet in the smallest region, email with a coupon).")
    boolean filters;

    @Option(names = "--busy-day", paramLabel = "ORDERS", defaultValue = "0",
            description = "First place this many orders dated now (through place_order, 4 at a time) into a copy of"
                    + " the shop, then time the panels on the copy: does a panel's cost grow with the day's orders?"
                    + " 55000 is a Black-Friday-sized day at scale 1 (default: ${DEFAULT-VALUE}, the shop as it is;"
                    + " the shop itself is never written).")
    int busyDay;

    @Option(names = "--panel", paramLabel = "REPORT", description = "Only this panel's report (repeatable; default: all).")
    List<String> only = new ArrayList<>();

    @Override
    public Integer call() {
        if (clients < 1 || clients > 64 || runs < 1 || seconds < 1 || referenceRuns < 0 || busyDay < 0
                || busyDay > 1_000_000) {
            throw new IllegalArgumentException("--clients must be 1 to 64, --runs and --seconds at least 1,"
                    + " --reference-runs at least 0, --busy-day 0 to 1000000");
        }
        if (filters && drillPages == 0) {
            throw new IllegalArgumentException("--filters walks the filtered drills: give --drill-pages at least 1");
        }
        List<ApiBench.Panel> panels = ApiBench.DASHBOARD.stream()
                .filter(p -> only.isEmpty() || only.contains(p.report())).toList();
        for (String name : only) {
            ReportCatalog.load().get(name); // an unknown name is refused with the closest one
            if (ApiBench.DASHBOARD.stream().noneMatch(p -> p.report().equals(name))) {
                throw new IllegalArgumentException("report '" + name + "' is not a dashboard panel; the panels: "
                        + ApiBench.DASHBOARD.stream().map(ApiBench.Panel::report).toList());
            }
        }
        // The server's access log would print a line per request, hundreds of thousands here; it must
        // be set before the server's logger exists (in this command's own JVM it does not yet)
        System.setProperty("org.slf4j.simpleLogger.log.shopflow.web", "warn");
        PrintWriter out = spec.commandLine().getOut();
        try (Database shop = Database.open(databaseOptions)) {
            Migrations.migrate(shop);
            long orders = BenchData.orders(shop);
            if (orders == 0) {
                throw new IllegalArgumentException("the database has no orders: fill it with 'shopflow generate"
                        + " --scale 1' (same --data-dir/--port) first");
            }
            if (busyDay == 0) {
                measure(shop, panels, out);
                return 0;
            }
            try (BenchDatabase copy = BenchDatabase.copyOf(shop, out)) {
                out.printf("placing %,d orders dated now into the copy (the rollups kept as a live shop keeps them)%n",
                        busyDay);
                out.flush();
                long started = System.nanoTime();
                BusyDay.place(copy.database(), busyDay, placed -> {
                    out.printf("  %,d placed%n", placed);
                    out.flush();
                });
                out.printf("placed %,d orders in %.0f s%n", busyDay, (System.nanoTime() - started) / 1e9);
                measure(copy.database(), panels, out);
            }
            return 0;
        }
    }

    /** Times the panels on {@code shop} and prints the table (and the drills, if asked). */
    private void measure(Database shop, List<ApiBench.Panel> panels, PrintWriter out) {
        if (!filters) {
            panels(shop, panels, out);
        }
        drills(shop, out);
        out.flush();
    }

    /** Times the panels on {@code shop} and prints the table. */
    private void panels(Database shop, List<ApiBench.Panel> panels, PrintWriter out) {
        long orders = BenchData.orders(shop);
        long today = BenchData.ordersToday(shop);
        out.printf("%,d orders, %,d of them today; as of now; %d requests one at a time, then %d clients for %d s"
                + " each: computed (the SQL runs), served (the shared answer), revalidated (304); the brief's query"
                + " %d times per panel (%d cores)%n", orders, today, runs, clients, seconds, referenceRuns,
                Runtime.getRuntime().availableProcessors());
        out.printf("%-18s %9s %9s %10s %9s | %9s | %10s %9s | %10s %9s | %10s %9s %6s%n", "panel", "comp p50",
                "comp p95", "brief med", "speed-up", "serv p95", "comp req/s", "p95", "serv req/s", "p95",
                "reval req/s", "p95", "304s");
        out.flush();
        List<ApiBench.PanelResult> results = new ApiBench(shop, runs, referenceRuns, clients,
                Duration.ofSeconds(seconds)).run(panels, r -> {
                    // without the brief's query (--reference-runs 0) its columns read "-", as in bench reports
                    String brief = referenceRuns == 0 ? String.format("%10s %9s", "-", "-")
                            : String.format("%7.1f ms %8.0fx", r.referenceMedian(), r.speedUp());
                    out.printf("%-18s %6.1f ms %6.1f ms %s | %6.1f ms | %10.0f %6.1f ms | %10.0f %6.1f ms"
                            + " | %10.0f %6.1f ms %5.1f %%%n",
                            r.panel().report(), r.computedP50(), r.computedP95(), brief,
                            r.servedP95(), r.computed().perSecond(), r.computed().p95Millis(),
                            r.served().perSecond(), r.served().p95Millis(), r.revalidated().perSecond(),
                            r.revalidated().p95Millis(),
                            100.0 * r.revalidated().notModified() / r.revalidated().requests());
                    out.flush();
                });
        double worstComputed = results.stream().mapToDouble(ApiBench.PanelResult::computedP95).max().orElse(0);
        double worstServed = results.stream().mapToDouble(ApiBench.PanelResult::servedP95).max().orElse(0);
        double fewestComputed = results.stream().mapToDouble(r -> r.computed().perSecond()).min().orElse(0);
        double fewestServed = results.stream().mapToDouble(r -> r.served().perSecond()).min().orElse(0);
        out.printf("worst p95 one at a time: computed %.1f ms, served %.1f ms; fewest requests/s with %d clients:"
                + " computed %.0f, served %.0f", worstComputed, worstServed, clients, fewestComputed, fewestServed);
        if (referenceRuns > 0) {
            out.printf("; smallest speed-up over the brief's query: computed %.0fx, served %.0fx",
                    results.stream().mapToDouble(ApiBench.PanelResult::speedUp).min().orElse(0),
                    results.stream().mapToDouble(ApiBench.PanelResult::servedSpeedUp).min().orElse(0));
        }
        out.println();
    }

    /** Walks the drills (with --filters: those taking the order filters, with each case) and prints them. */
    private void drills(Database shop, PrintWriter out) {
        if (drillPages > 0) {
            String list = filters ? "%-74s" : "%-34s";
            out.printf("%ndrill-downs over HTTP, %d rows a page, walked up to %d pages (the first page with its"
                    + " total)%n", 50, drillPages);
            out.printf("%-18s " + list + " %6s %8s %11s %10s %10s%n", "drill", "list", "pages", "rows", "first page",
                    "page p95", "last page");
            ApiBench bench = new ApiBench(shop, runs, referenceRuns, clients, Duration.ofSeconds(seconds));
            java.util.function.Consumer<ApiBench.DrillResult> print = d -> {
                out.printf("%-18s " + list + " %6d %8d %8.1f ms %7.1f ms %7.1f ms%s%n", d.drill(),
                        d.query().substring(d.query().indexOf('?') + 1), d.pages(), d.rows(), d.firstMillis(),
                        d.pageP95(), d.lastMillis(), d.complete() ? "" : " (not the list's end)");
                out.flush();
            };
            if (filters) {
                bench.filteredDrills(50, drillPages, print);
            } else {
                bench.drills(50, drillPages, print);
            }
        }
        out.flush();
    }
}
