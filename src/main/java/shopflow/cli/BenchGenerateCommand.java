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
            GenerationReport report = new Generator(database, settings, null, false).run();
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
        out.printf("%-20s %12s %9s %12s%n", "table", "rows", "COPY s", "rows/s");
        for (GenerationReport.TableLoad load : report.tables()) {
            out.printf("%-20s %,12d %9.2f %,12.0f%n", load.table(), load.rows(), load.seconds(), load.rowsPerSecond());
        }
        out.printf("%-20s %,12d %9s %,12.0f%n", "all tables", report.totalRows(), "",
                report.totalRows() / report.totalSeconds());
        out.println("(COPY s: time each table's stream spent sending rows; the streams run side by side, one per table,"
                + " while the generator threads build the next chunks. 'all tables' rows/s is over the total time.)");
        out.flush();
    }
}
