package shopflow.cli;

import java.io.PrintWriter;
import java.time.OffsetDateTime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.bench.BenchData;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.reports.AsOf;
import shopflow.reports.FraudScore;

@Command(name = "fraud", mixinStandardHelpOptions = true,
        description = {"Score the fraud_review report against the fraud the generator injected"
                + " (generator.fraud_ground_truth).",
            "It prints precision (flagged orders that are fraud) and recall (fraud orders flagged), overall, per"
                + " injected pattern (its orders, and its accounts with any order flagged) and per rule of the"
                + " report (precision)."},
        footer = {"", "Examples:",
            "  shopflow generate --scale 0.05 --seed 7 --as-of 2026-06-30T12:00",
            "  shopflow bench fraud",
            "  shopflow bench fraud --days 30"})
public final class BenchFraudCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Option(names = "--as-of", paramLabel = "TIME",
            description = "The moment to review as of. Default: the as-of of the last complete generate run.")
    String asOf;

    @Option(names = "--days", paramLabel = "N", defaultValue = "3660",
            description = "Review the last N days (default: ${DEFAULT-VALUE}, the whole generated history).")
    int days;

    @Override
    public void run() {
        if (days < 1 || days > 3660) {
            throw new IllegalArgumentException("--days must be from 1 to 3660, got " + days);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            OffsetDateTime moment = asOf != null
                    ? AsOf.parse(asOf, databaseOptions.timeZone())
                    : BenchData.lastGeneratedAsOf(database);
            long started = System.nanoTime();
            FraudScore score = FraudScore.measure(database.dataSource(), moment, days);
            score.lines().forEach(out::println);
            out.printf("  (report and scoring took %.2f s)%n", (System.nanoTime() - started) / 1e9);
            out.flush();
        }
    }
}
