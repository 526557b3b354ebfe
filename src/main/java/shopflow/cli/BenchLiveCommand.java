package shopflow.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.bench.BenchDatabase;
import shopflow.bench.LiveBench;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.rollups.RollupFolder;

@Command(name = "live", mixinStandardHelpOptions = true,
        description = {"Measure what the rollups cost writers and how fresh they keep the dashboard, on the data in the"
                + " database.",
            "  1. orders placed per second (place_order, N clients flat out) with rollup maintenance and with it"
                + " suspended, alternately in slices of 5 s (then rebuilt);",
            "  2. freshness under load (background orders and events at the given rates): commit of a probe order"
                + " -> the change notification the dashboard listens for -> the dashboard's reports re-read (at once, as"
                + " the dashboard reloads them: on a cluster as of the moment the job's notification names), checked"
                + " to include the order.",
            "It places real orders and events, dated now, into a copy of the shop (a scratch database on the same server,"
                + " dropped afterwards), never into the shop itself unless --in-place is given.",
            "On a Citus cluster (after 'shopflow distribute') maintenance is the catch-up job run every 100 ms, as the"
                + " web server runs it, and without it no job: each run locks the tables it reads while it reads their"
                + " watermarks, and the placement times (median, p95, max) show what writers wait."},
        footer = {"", "Example:", "  shopflow bench live --orders-per-second 200 --events-per-second 2000 --seconds 30"})
public final class BenchLiveCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "4",
            description = "Clients placing orders flat out for the throughput figure (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "20",
            description = "Length of each measurement (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--orders-per-second", paramLabel = "N", defaultValue = "200",
            description = "Background orders during the freshness probe (default: ${DEFAULT-VALUE}).")
    int ordersPerSecond;

    @Option(names = "--events-per-second", paramLabel = "N", defaultValue = "2000",
            description = "Background events (page views, cart adds) during the freshness probe (default: ${DEFAULT-VALUE}).")
    int eventsPerSecond;

    @Option(names = "--in-place",
            description = "Write into this database itself, not a copy: its orders and events stay (on a Citus cluster,"
                    + " the only way).")
    boolean inPlace;

    @Option(names = "--freshness-only",
            description = "Measure freshness alone, without the throughput figure and the rebuild of every rollup that"
                    + " follows it (at scale 10 on a cluster that rebuild takes many minutes).")
    boolean freshnessOnly;

    @Override
    public void run() {
        if (clients < 1 || seconds < 1 || ordersPerSecond < 1 || eventsPerSecond < 0) {
            throw new IllegalArgumentException("--clients, --seconds and --orders-per-second must be at least 1 and"
                    + " --events-per-second at least 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Database shop = Database.open(databaseOptions)) {
            Migrations.migrate(shop);
            try (BenchDatabase bench = BenchDatabase.forShop(shop, inPlace, out)) {
                measure(bench.database(), out);
            }
        }
    }

    private void measure(Database database, PrintWriter out) {
        LiveBench bench = new LiveBench(database);
        if (!freshnessOnly) {
            throughput(bench, out);
        }
        LiveBench.Freshness f = bench.freshness(ordersPerSecond, eventsPerSecond, seconds, databaseOptions.timeZone());
        out.printf("freshness under %.0f orders/s + %.0f events/s (asked: %d + %d), %d probes:%n", f.ordersPerSecond(),
                f.eventsPerSecond(), ordersPerSecond, eventsPerSecond, f.probes());
        out.printf("  commit -> notification -> %s re-read: median %.0f ms, p95 %.0f ms%n",
                "dashboard reports", f.total().medianMillis(), f.total().p95Millis());
        out.printf("    of which commit -> notification median %.0f ms, p95 %.0f ms; reports re-read%s median %.0f ms,"
                + " p95 %.0f ms%n", f.notified().medianMillis(), f.notified().p95Millis(),
                bench.keptByJob() ? " (as of the job's moment)" : "", f.reread().medianMillis(), f.reread().p95Millis());
        printFolds(bench, f.folds(), out);
        printRuns("RFM scoring (beside)", f.scorings(), "", out);
        out.println("  (the web server adds at most its coalescing interval, 500 ms, before the SSE event)");
        out.flush();
    }

    private void throughput(LiveBench bench, PrintWriter out) {
        out.printf("order placement, %d clients flat out, %d s each (machine: %d processors)%s%n", clients, seconds,
                Runtime.getRuntime().availableProcessors(),
                bench.keptByJob() ? ", on a Citus cluster: rollups kept by the catch-up job" : "");
        out.flush();
        LiveBench.Throughput t = bench.throughput(clients, seconds);
        out.printf("  %-28s %8.0f orders/s   %s%n", bench.keptByJob() ? "with the catch-up job" : "with rollup maintenance",
                t.withRollups(), latency(t.withLatency()));
        out.printf("  %-28s %8.0f orders/s   %s%n", bench.keptByJob() ? "without (no job)" : "without (triggers disabled)",
                t.withoutRollups(), latency(t.withoutLatency()));
        out.printf("  %-28s %7.1f %% of throughput (then rebuilt in %.1f s)%n", "cost of the rollups", t.overheadPct(),
                t.rebuildSeconds());
        printFolds(bench, t.folds(), out);
        out.flush();
    }

    private static void printFolds(LiveBench bench, RollupFolder.Runs folds, PrintWriter out) {
        printRuns(bench.keptByJob() ? "catch-up job (folder)" : "folds (folder)", folds,
                bench.keptByJob() ? " (writers wait only while each reads its watermarks)" : "", out);
    }

    private static void printRuns(String what, RollupFolder.Runs runs, String note, PrintWriter out) {
        if (runs.count() > 0) {
            out.printf("  %-28s %d runs, %.0f ms on average, longest %.0f ms%s%n", what, runs.count(),
                    runs.total().toNanos() / 1e6 / runs.count(), runs.longest().toNanos() / 1e6, note);
        }
    }

    private static String latency(LiveBench.Latency l) {
        return String.format("place_order median %.1f ms, p95 %.1f ms, max %.0f ms", l.medianMillis(), l.p95Millis(),
                l.maxMillis());
    }
}
