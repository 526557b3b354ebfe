package shopflow.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.generate.LoadState;
import shopflow.reports.AsOf;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportFormat;
import shopflow.reports.ReportParameter;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Run a report (one SQL file each, also runnable by psql) and print its rows.",
            "Every report answers as of a moment (--as-of, default now) in the shop's time zone."},
        footer = {"", "Examples:",
            "  shopflow report --list",
            "  shopflow report daily_revenue --param days=7",
            "  shopflow report revenue_summary --as-of 2026-06-30T12:00 --format json",
            "  shopflow report rfm_customers --param segment=Champions --format csv --output champions.csv"})
public final class ReportCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Parameters(index = "0", arity = "0..1", paramLabel = "REPORT", description = "The report to run (see --list).")
    String name;

    @Option(names = {"-l", "--list"}, description = "List the reports with the question each answers.")
    boolean list;

    @Option(names = "--as-of", paramLabel = "TIME",
            description = "The moment to answer for: 2026-06-30T12:00 (shop's local time), 2026-06-30 (end of that day),"
                    + " or with an offset. Default: now.")
    String asOf;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "A report parameter (repeatable).")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    ReportFormat format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of the terminal.")
    Path output;

    @Override
    public void run() {
        ReportCatalog catalog = ReportCatalog.load();
        PrintWriter out = spec.commandLine().getOut();
        if (list || name == null) {
            printList(catalog, out);
            return;
        }
        Report report = catalog.get(name);
        // Checked before the database starts, so a typo answers at once.
        OffsetDateTime moment = AsOf.parseOrNow(asOf, databaseOptions.timeZone(), Clock.systemUTC());
        report.bind(parameters);
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            LoadState.unfinished(database).ifPresent(warning -> spec.commandLine().getErr().println("warning: " + warning));
            ReportResult result = new ReportRunner(database.dataSource()).run(report, moment, parameters);
            write(result, out);
            if (result.filledItsLimit()) {
                // on stderr, so that a CSV export stays clean: the likeliest surprise is a cut-off export
                spec.commandLine().getErr().println("report: " + result.rows().size() + " rows, the report's limit; there may"
                        + " be more (--param limit=N, up to " + report.parameter("limit").orElseThrow().max().toPlainString() + ")");
            }
        }
    }

    private void write(ReportResult result, PrintWriter terminal) {
        try {
            if (output == null) {
                format.write(result, terminal);
                terminal.flush();
                return;
            }
            try (Writer file = new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8)) {
                format.write(result, file);
            }
            spec.commandLine().getErr().println(result.rows().size() + " rows written to " + output);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + (output == null ? "the report" : output) + ": " + e.getMessage(), e);
        }
    }

    private static void printList(ReportCatalog catalog, PrintWriter out) {
        int width = catalog.all().stream().mapToInt(r -> r.name().length()).max().orElse(0);
        for (Report report : catalog.all()) {
            out.printf("%-" + width + "s  %s%n", report.name(), report.question());
            for (ReportParameter parameter : report.parameters()) {
                out.printf("%-" + width + "s    --param %s=%s  (%s; %s)%n", "", parameter.name(), parameter.defaultValue(),
                        parameter.description(), parameter.range());
            }
        }
        out.flush();
    }
}
