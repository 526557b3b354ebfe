package shopflow.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.bench.BenchDatabase;
import shopflow.bench.IngestBench;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Measure event ingestion end to end: start the HTTP server on a free port, POST batches of page"
                + " views and cart events (NDJSON) over real HTTP from several clients, print events/s and batch"
                + " latency.",
            "It posts into a copy of the shop (a scratch database on the same server, dropped afterwards), or"
                + " with --in-place into the shop itself, then removes its rows (sessions 'bench-...') and its admin"
                + " token."},
        footer = {"", "Examples:",
            "  shopflow bench ingest",
            "  shopflow bench ingest --events 500000 --batch 2000 --clients 8"})
public final class BenchIngestCommand implements Runnable {

    @Mixin
    DatabaseOptions databaseOptions;

    @Spec
    CommandSpec spec;

    @Option(names = "--events", paramLabel = "N", defaultValue = "200000",
            description = "Events to send (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1000",
            description = "Events per request, 1 to 10000 (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "4",
            description = "Concurrent HTTP clients, 1 to 64 (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--in-place",
            description = "Post into this database itself, not a copy (the benchmark's rows are deleted afterwards).")
    boolean inPlace;

    @Override
    public void run() {
        if (events < 2 || batch < 1 || batch > 10_000 || clients < 1 || clients > 64) {
            throw new IllegalArgumentException("--events must be at least 2, --batch 1 to 10000, --clients 1 to 64");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Database shop = Database.open(databaseOptions)) {
            Migrations.migrate(shop);
            try (BenchDatabase scratch = inPlace ? BenchDatabase.inPlace(shop, out) : BenchDatabase.copyOf(shop, out)) {
                IngestBench bench = new IngestBench(scratch.database(), events, batch);
                try {
                    IngestBench.Result r = bench.run(clients);
                    out.printf("ingest: %,d events in %d batches of up to %d over HTTP from %d clients in %.2f s:"
                                    + " %,.0f events/s; batch latency p50 %.0f ms, p95 %.0f ms (%d cores)%n", r.events(),
                            r.batches(), batch, clients, r.seconds(), r.eventsPerSecond(), r.p50Millis(), r.p95Millis(),
                            Runtime.getRuntime().availableProcessors());
                    out.flush();
                } finally {
                    if (inPlace) {
                        out.printf("removed the benchmark's %,d rows%n", bench.removeItsRows());
                        out.flush();
                    }
                }
            }
        }
    }
}
