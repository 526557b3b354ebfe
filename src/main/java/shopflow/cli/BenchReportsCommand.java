package shopflow.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.bench.BenchData;
import shopflow.bench.BenchDatabase;
import shopflow.bench.ReportBench;
import shopflow.bench.ReportTimings;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.reports.AsOf;
import shopflow.reports.FilterCases;
import shopflow.reports.ReportCatalog;
import shopflow.rollups.Drift;
import shopflow.rollups.RollupVerifier;
import shopflow.scaleout.Cluster;

@Command(name = "reports", mixinStandardHelpOptions = true,
        description = {"Time every dashboard report from the rollups and from its reference SQL over the raw tables, in"
                + " the same run on the same data, and print median, p95 and the speed-up per report.",
            "Uses the data in the database (only reads it); with --scale, when it holds no orders, generates"
                + " a shop into a scratch database on the same server first and times that, dropped afterwards"
                + " (--in-place: into this one);",
            "checks first that both versions agree (no drift)."},
        footer = {"", "Examples:",
            "  shopflow bench reports --scale 1",
            "  shopflow bench reports --runs 50 --reference-runs 3 --as-of 2026-06-30T12:00",
            "  shopflow bench reports --filters --report revenue_summary --report daily_revenue"})
public final class BenchReportsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "20",
            description = "Timed runs of each report from the rollups (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--reference-runs", paramLabel = "N", defaultValue = "5",
            description = {"Timed runs of each reference query; they take seconds each (default: ${DEFAULT-VALUE}).",
                "0: the rollups alone are timed, and reports served from their reference SQL are left out (the"
                    + " references of a large shop take minutes, those of a cluster at scale 10 over 5)."})
    int referenceRuns;

    @Option(names = "--report", paramLabel = "NAME", description = "Only this report (repeatable; default: all).")
    List<String> only = new ArrayList<>();

    @Option(names = "--skip-verify", description = "Do not check rollups against the reference SQL first.")
    boolean skipVerify;

    @Option(names = "--scale", paramLabel = "FACTOR",
            description = "When the database holds no orders, generate a shop of this size first (seed 42, as of now),"
                    + " as 'shopflow generate --scale FACTOR' would. A database with orders is timed as it is.")
    Double scale;

    @Option(names = "--in-place",
            description = "With --scale and an empty database: generate the shop into this database, and keep it.")
    boolean inPlace;

    @Option(names = "--filters",
            description = "Also time the reports that take filters with each filter and pairs of them"
                    + " (docs/filters.md), against their reference SQL with the same filters.")
    boolean filters;

    @Option(names = "--as-of", paramLabel = "TIME",
            description = "The moment the reports answer for (default: now, as the dashboard asks).")
    String asOf;

    @Override
    public Integer call() {
        if (runs < 1 || referenceRuns < 0) {
            throw new IllegalArgumentException("--runs must be at least 1 and --reference-runs at least 0, got " + runs
                    + " and " + referenceRuns);
        }
        OffsetDateTime moment = AsOf.parseOrNow(asOf, databaseOptions.timeZone(), Clock.systemUTC());
        PrintWriter out = spec.commandLine().getOut();
        try (Database shop = Database.open(databaseOptions)) {
            Migrations.migrate(shop);
            long orders = BenchData.orders(shop);
            if (orders == 0 && scale == null) {
                throw new IllegalArgumentException("the database has no orders: add --scale 1 to generate a shop first,"
                        + " or fill it with 'shopflow generate --scale 1' (same --data-dir/--port)");
            }
            if (orders > 0) {
                if (scale != null) {
                    out.printf("the database already holds %,d orders: timing them as they are (--scale %s not"
                            + " generated)%n", orders, scale);
                }
                return time(shop, orders, moment, out);
            }
            try (BenchDatabase generated = inPlace ? BenchDatabase.inPlace(shop, out) : BenchDatabase.empty(shop, out)) {
                BenchData.generateShop(generated.database(), scale, moment);
                return time(generated.database(), BenchData.orders(generated.database()), moment, out);
            }
        }
    }

    private int time(Database database, long orders, OffsetDateTime moment, PrintWriter out) {
        // On a Citus cluster a job keeps the rollups; the reports it cannot serve from them are
        // their reference SQL, timed as they are.
        boolean cluster = Cluster.isDistributed(database.dataSource());
        var drifts = skipVerify ? List.<Drift>of() : new RollupVerifier(database.dataSource()).verify(moment);
        if (!drifts.isEmpty()) {
            drifts.forEach(d -> out.println("DRIFT " + d.describe()));
            out.println("the rollups disagree with the reference SQL: run 'shopflow refresh' first");
            out.flush();
            return 1;
        }
        out.printf("%,d orders%s; as of %s; %d runs from rollups, %d from the reference SQL per report%n", orders,
                cluster ? " on a Citus cluster" : "", moment, runs, referenceRuns);
        out.printf("%-20s %12s %12s %14s %14s %10s%n", "report", "rollup med", "rollup p95", "reference med",
                "reference p95", "speed-up");
        out.flush();
        for (String name : only) {
            ReportCatalog.load().get(name); // an unknown name is refused with the closest one
        }
        ReportBench bench = new ReportBench(database.dataSource(), ReportCatalog.load());
        List<ReportTimings> all = bench.run(moment, runs, referenceRuns, only, t -> {
            if (t.sameSql()) {
                out.printf("%-20s %12s %12s %11.1f ms %11.1f ms %10s%n", t.report(), "-", "-", t.referenceMedian(),
                        t.referenceP95(), "(no rollup yet)");
            } else if (referenceRuns == 0) {
                out.printf("%-20s %9.1f ms %9.1f ms %14s %14s %10s%n", t.report(), t.rollupMedian(), t.rollupP95(),
                        "-", "-", "-");
            } else {
                out.printf("%-20s %9.1f ms %9.1f ms %11.1f ms %11.1f ms %9.0fx%n", t.report(), t.rollupMedian(),
                        t.rollupP95(), t.referenceMedian(), t.referenceP95(), t.speedUp());
            }
            out.flush();
        });
        if (filters) {
            out.printf("%nwith filters (the rollups' cut of each, or the raw rows where none keeps them together):%n");
            out.printf("%-48s %12s %12s %14s %14s %10s%n", "report and filters", "rollup med", "rollup p95",
                    "reference med", "reference p95", "speed-up");
            List<ReportTimings> filtered = bench.runFilters(moment, runs, referenceRuns, only,
                    FilterCases.of(database.dataSource()), t -> {
                        if (referenceRuns == 0) {
                            out.printf("%-48s %9.1f ms %9.1f ms %14s %14s %10s%n", t.report(), t.rollupMedian(),
                                    t.rollupP95(), "-", "-", "-");
                        } else {
                            out.printf("%-48s %9.1f ms %9.1f ms %11.1f ms %11.1f ms %9.0fx%n", t.report(),
                                    t.rollupMedian(), t.rollupP95(), t.referenceMedian(), t.referenceP95(), t.speedUp());
                        }
                        out.flush();
                    });
            out.printf("filtered reports: worst p95 %.1f ms%n",
                    filtered.stream().mapToDouble(ReportTimings::rollupP95).max().orElse(0));
        }
        List<ReportTimings> backed = all.stream().filter(t -> !t.sameSql()).toList();
        double worstP95 = backed.stream().mapToDouble(ReportTimings::rollupP95).max().orElse(0);
        out.printf("rollup-backed reports%s: worst p95 %.1f ms", cluster ? " on the cluster" : "", worstP95);
        if (referenceRuns > 0) {
            out.printf(", smallest speed-up %.0fx",
                    backed.stream().mapToDouble(ReportTimings::speedUp).min().orElse(0));
        }
        out.println();
        out.flush();
        return 0;
    }
}
