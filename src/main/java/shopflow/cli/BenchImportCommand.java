package shopflow.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.bench.BenchDatabase;
import shopflow.bench.RetailLinesFile;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.imports.ImportFormat;
import shopflow.imports.ImportSettings;
import shopflow.imports.ImportSummary;
import shopflow.imports.OrderImport;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Measure 'import orders': write a synthetic order history in the Online Retail layout (invented"
                + " here, deterministic for --seed), import it into an empty scratch database on the same server"
                + " (dropped afterwards), and print lines/s and the time of each phase. The shop is not touched.",
        footer = {"", "Example:", "  shopflow bench import --lines 1000000"})
public final class BenchImportCommand implements Runnable {

    @Mixin
    DatabaseOptions databaseOptions;

    @Spec
    CommandSpec spec;

    @Option(names = "--lines", paramLabel = "N", defaultValue = "1000000",
            description = "Order lines in the file, 1,000 to 100,000,000 (default: ${DEFAULT-VALUE}).")
    long lines;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Random seed of the file (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public void run() {
        if (lines < 1_000 || lines > 100_000_000) {
            throw new IllegalArgumentException("--lines must be between 1,000 and 100,000,000, got " + lines);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = null;
        try (Database shop = Database.open(databaseOptions)) {
            Migrations.migrate(shop);
            dir = Files.createTempDirectory("shopflow-bench-import");
            Path file = dir.resolve("online_retail_synthetic.csv");
            long started = System.nanoTime();
            long written = RetailLinesFile.write(file, lines, seed);
            out.printf("wrote %,d lines (%,.1f MB) in %.1f s: %s%n", written, Files.size(file) / 1e6,
                    (System.nanoTime() - started) / 1e9, file);
            out.flush();
            try (BenchDatabase scratch = BenchDatabase.emptyScratch(shop, out, "importing it")) {
                ImportSettings settings = new ImportSettings(file, ImportFormat.lines, databaseOptions.timeZone(), "GBP",
                        BigDecimal.ZERO, false, StandardCharsets.UTF_8, null, false, null, false, Instant.now());
                ImportSummary summary = new OrderImport(scratch.database(), settings, spec.commandLine().getErr()).run();
                for (ImportSummary.Phase phase : summary.phases()) {
                    out.printf("  %-52s %7.1f s%n", phase.name(), phase.seconds());
                }
                out.printf("import: %,d lines, %,d orders in %.1f s: %,.0f lines/s (%d cores)%n", summary.lines(),
                        summary.orders(), summary.seconds(), summary.linesPerSecond(),
                        Runtime.getRuntime().availableProcessors());
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary file left in the temp directory
        }
    }
}
