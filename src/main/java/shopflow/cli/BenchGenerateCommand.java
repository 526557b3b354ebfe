package shopflow.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.generate.GenerationReport;
import shopflow.generate.Generator;
import shopflow.generate.GeneratorSettings;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generate into the database (like 'shopflow generate') and print the time of each phase: "
                + "generate + COPY per table, keys and indexes, foreign keys, ANALYZE; rows per second; total.",
            "Refuses a database that already holds data unless --replace."})
public final class BenchGenerateCommand implements Runnable {

    @Mixin
    DatabaseOptions databaseOptions;

    @Mixin
    GeneratorOptions generatorOptions;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        GeneratorSettings settings = generatorOptions.settings(databaseOptions.timeZone());
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            // progress on stderr, so the figures on stdout stay a clean table (scale 10 runs for minutes)
            GenerationReport report = new Generator(database, settings, System.err, System.console() != null).run();
            print(report, settings, spec.commandLine().getOut());
        }
    }

    static void print(GenerationReport report, GeneratorSettings settings, PrintWriter out) {
        out.printf("bench generate: scale %s, seed %d, %d threads, %d processors%n", settings.scale(), settings.seed(),
                settings.threads(), Runtime.getRuntime().availableProcessors());
        out.println();
        out.printf("%-40s %9s%n", "phase", "seconds");
        for (GenerationReport.Phase phase : report.phases()) {
            out.printf("%-40s %9.2f%n", phase.name(), phase.seconds());
        }
        out.printf("%-40s %9.2f%n", "total", report.totalSeconds());
        out.println();
        double load = report.phases().stream().filter(p -> p.name().startsWith("generate + COPY"))
                .mapToDouble(GenerationReport.Phase::seconds).sum();
        out.printf("%-20s %12s %12s %10s%n", "table", "rows", "rows/s", "waited s");
        for (GenerationReport.TableLoad t : report.tables()) {
            out.printf("%-20s %,12d %,12.0f %10.2f%n", t.table(), t.rows(), t.rows() / load, t.seconds());
        }
        out.printf("%-20s %,12d %,12.0f%n", "all tables", report.totalRows(), report.totalRows() / load);
        out.println("(rows/s over the generate + COPY phase: every table streams side by side on its own connection"
                + " while the generator threads build the next chunks. waited s: time a stream was blocked on"
                + " PostgreSQL, i.e. the table that holds the load back.)");
        out.flush();
    }
}
