package shopflow.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.generate.LoadState;
import shopflow.orders.StatusHistory;
import shopflow.reports.AsOf;
import shopflow.reports.ReportCatalog;
import shopflow.rollups.Drift;
import shopflow.rollups.RollupVerifier;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check that every report, answered from the rollups, equals its reference SQL over the raw "
                + "tables, row for row (on a live database: it only reads).",
            "It also checks that every order's status is the last change of its history (order_status_changes), "
                + "which reports as of a moment read.",
            "Every report that takes filters is checked with each filter and pairs of them too (docs/filters.md);"
                + " the reference SQL reads every raw row, so at scale 1 that takes over an hour, each check"
                + " reported on stderr as it ends. --no-filters checks the reports as the dashboard asks for them.",
            "Exit code 0 when all agree; 1 on drift, naming the report and its first differing row "
                + "(then 'shopflow refresh' rebuilds the rollups), or naming orders out of step with their history."},
        footer = {"", "Examples:",
            "  shopflow verify",
            "  shopflow verify --as-of 2026-06-30T12:00 --as-of 2025-12-31",
            "  shopflow verify --no-filters"})
public final class VerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Option(names = "--as-of", paramLabel = "TIME",
            description = "A moment to check (repeatable): 2026-06-30T12:00 (shop's local time), 2026-06-30 (end of"
                    + " that day), or with an offset. Default: now.")
    List<String> asOf = new ArrayList<>();

    @Option(names = "--filters", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also check the reports that take filters with each filter case (default: on;"
                    + " --no-filters leaves them out).")
    boolean filters;

    @Override
    public Integer call() {
        List<OffsetDateTime> moments = new ArrayList<>();
        for (String text : asOf.isEmpty() ? List.of("") : asOf) {
            moments.add(AsOf.parseOrNow(text, databaseOptions.timeZone(), Clock.systemUTC()));
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int reports = ReportCatalog.load().all().size();
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            LoadState.unfinished(database).ifPresent(warning -> err.println("warning: " + warning));
            RollupVerifier verifier = new RollupVerifier(database.dataSource());
            List<Drift> drifts = new ArrayList<>();
            for (OffsetDateTime moment : moments) {
                err.println("verify: as of " + moment);
                drifts.addAll(verifier.verify(moment, filters, check -> {
                    err.printf("verify: %d of %d: %s%s %s (%.1f s)%n", check.number(), check.of(), check.report(),
                            check.parameters().isEmpty() ? "" : " " + check.parameters(),
                            check.agreed() ? "agrees" : "DRIFTS", check.took().toMillis() / 1000.0);
                    err.flush();
                }));
            }
            for (Drift drift : drifts) {
                out.println("DRIFT " + drift.describe());
            }
            Optional<String> history = StatusHistory.disagreements(database.dataSource());
            history.ifPresent(problem -> out.println("HISTORY " + problem));
            if (drifts.isEmpty() && history.isEmpty()) {
                out.println("ok: " + reports + " reports from rollups" + (filters ? ", with their filter cases," : "")
                        + " equal their reference SQL at " + moments.size()
                        + " moment(s)");
                out.flush();
                return 0;
            }
            if (!drifts.isEmpty()) {
                out.println(drifts.size() + " report answer(s) drifted; 'shopflow refresh' rebuilds the rollups from the"
                        + " raw tables without stopping the server");
            }
            out.flush();
            return 1;
        }
    }
}
