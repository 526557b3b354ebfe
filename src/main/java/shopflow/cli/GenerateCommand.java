package shopflow.cli;

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
        description = {"Fill the database with a realistic synthetic shop: customers, a category tree of products, "
                + "stock in three warehouses, coupons, two years of orders with growth and seasonality, sessions "
                + "(page views, cart events) and injected fraud with its ground truth (generator.fraud_ground_truth).",
            "Deterministic: the same --scale, --seed and --as-of give the same rows, whatever --threads.",
            "Refuses a database that already holds data unless --replace."})
public final class GenerateCommand implements Runnable {

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
            GenerationReport report = new Generator(database, settings, System.out, System.console() != null).run();
            var out = spec.commandLine().getOut();
            if (report.notice() != null) {
                out.println("note: " + report.notice());
            }
            out.printf("generated %,d rows in %.1f s (scale %s, seed %d, as of %s):%n", report.totalRows(),
                    report.totalSeconds(), settings.scale(), settings.seed(), settings.asOf());
            for (GenerationReport.TableLoad load : report.tables()) {
                out.printf("  %-20s %,12d%n", load.table(), load.rows());
            }
            out.flush();
        }
    }
}
