package shopflow.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.bench.AlertsBench;
import shopflow.bench.BenchData;
import shopflow.bench.BenchDatabase;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;

@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = "Inject four incidents into a copy of the shop (a two-hour checkout outage, a pricing error, a"
                + " bot wave, a fraud wave: generator.incident_ground_truth), judge every hour and day of the 5"
                + " weeks to the last generate's as-of as the server would, and print recall, detection delay and"
                + " false alerts per week; then the time of one evaluation. The copy is dropped afterwards"
                + " (docs/alerts.md#bench-alerts).",
        footer = {"", "Example:", "  shopflow generate --scale 1 && shopflow bench alerts"})
public final class BenchAlertsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Option(names = "--in-place", description = "Inject into this database itself, not a copy (the incidents stay).")
    boolean inPlace;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        try (Database shop = Database.open(databaseOptions)) {
            Migrations.migrate(shop);
            try (BenchDatabase scratch = BenchDatabase.forShop(shop, inPlace, out)) {
                AlertsBench.run(scratch.database(), BenchData.lastGeneratedAsOf(scratch.database()), out);
            }
        }
    }
}
