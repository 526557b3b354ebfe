package shopflow.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.bench.BenchDatabase;
import shopflow.bench.SoakBench;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;

@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Run a busy shop for a while and check that nothing broke: orders placed and moved along their"
                + " lifecycle (some cancelled or refunded), browsing events, dashboards re-reading every report, the"
                + " rollups folded every second. Then it checks the stock ledger, every order's status history and"
                + " every report against its reference SQL, and prints throughput, latencies and peak memory.",
            "It writes into a copy of the shop (a scratch database on the same server, dropped afterwards), never into"
                + " the shop itself unless --in-place is given.",
            "Exit code 0 when every check held and nothing failed; 1 otherwise, naming what."},
        footer = {"", "Example:", "  shopflow bench soak --minutes 10"})
public final class BenchSoakCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Option(names = "--minutes", paramLabel = "M", defaultValue = "10",
            description = "How long to run (decimals allowed, at least 0.05; default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--orders-per-second", paramLabel = "N", defaultValue = "20",
            description = "Orders placed per second, and as many status changes (default: ${DEFAULT-VALUE}).")
    int ordersPerSecond;

    @Option(names = "--events-per-second", paramLabel = "N", defaultValue = "200",
            description = "Browsing events per second, in batches every 100 ms (default: ${DEFAULT-VALUE}).")
    int eventsPerSecond;

    @Option(names = "--readers", paramLabel = "N", defaultValue = "4",
            description = "Dashboards re-reading every report, each once a second (default: ${DEFAULT-VALUE}).")
    int readers;

    @Option(names = "--in-place",
            description = "Write into this database itself, not a copy: its orders and events stay.")
    boolean inPlace;

    @Override
    public Integer call() {
        if (minutes < 0.05 || minutes > 24 * 60 || ordersPerSecond < 1 || ordersPerSecond > 10_000
                || eventsPerSecond < 0 || eventsPerSecond > 100_000 || readers < 0 || readers > 64) {
            throw new IllegalArgumentException("--minutes must be from 0.05 to 1440, --orders-per-second from 1 to"
                    + " 10000, --events-per-second from 0 to 100000 and --readers from 0 to 64");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Database shop = Database.open(databaseOptions)) {
            Migrations.migrate(shop);
            try (BenchDatabase bench = BenchDatabase.forShop(shop, inPlace, out)) {
                return soak(bench.database(), out);
            }
        }
    }

    private int soak(Database database, PrintWriter out) {
        SoakBench.Load load = new SoakBench.Load(Duration.ofMillis(Math.round(minutes * 60_000)), ordersPerSecond,
                eventsPerSecond, readers);
        out.printf("soak: %.1f min of %d orders/s, %d status changes/s, %d events/s, %d dashboards (machine: %d"
                + " processors)%n", minutes, ordersPerSecond, ordersPerSecond, eventsPerSecond, readers,
                Runtime.getRuntime().availableProcessors());
        out.flush();
        SoakBench.Result result = new SoakBench(database).run(load, line -> {
            out.println(line);
            out.flush();
        });
        out.printf("ran %.1f s%n", result.ran().toMillis() / 1000.0);
        out.printf("  %-17s %9s %9s %9s %8s %9s %9s %9s%n", "", "done", "per s", "refused", "failed", "median ms",
                "p95 ms", "max ms");
        for (Map.Entry<String, SoakBench.Activity> entry : result.activities().entrySet()) {
            SoakBench.Activity a = entry.getValue();
            out.printf("  %-17s %9d %9.1f %9d %8d %9.1f %9.1f %9.0f%n", entry.getKey(), a.done(), a.perSecond(),
                    a.refused(), a.failed(), a.latency().medianMillis(), a.latency().p95Millis(), a.latency().maxMillis());
        }
        out.printf("peak Java heap %d MB; the database grew by %d MB%n", result.peakHeapBytes() >> 20,
                result.databaseGrowthBytes() >> 20);
        if (result.problems().isEmpty()) {
            out.println("ok: stock equals the ledger, every status its history, every report its reference SQL");
            out.flush();
            return 0;
        }
        for (String problem : result.problems()) {
            out.println("PROBLEM " + problem);
        }
        out.flush();
        return 1;
    }
}
