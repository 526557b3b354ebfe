package shopflow.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.forecast.DailySeries;
import shopflow.forecast.ForecastDay;
import shopflow.forecast.SalesForecast;
import shopflow.reports.AsOf;

@Command(name = "forecast", mixinStandardHelpOptions = true,
        description = "Forecast daily net sales (the sales model) for the days after the last complete day before"
                + " --as-of, with an interval: trend, weekday, time of year, Black Friday and Christmas, fitted on"
                + " up to two years of history (docs/forecast.md). A shop with under 56 days with sales is told so.",
        footer = {"", "Examples:", "  shopflow forecast", "  shopflow forecast --days 14 --interval 0.95 --as-of 2026-06-30"})
public final class ForecastCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Option(names = "--days", paramLabel = "N", defaultValue = "30", description = "Days ahead, 1 to 364 (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--interval", paramLabel = "P", defaultValue = "0.8",
            description = "The interval's coverage, strictly between 0 and 1 (default: ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--as-of", paramLabel = "TIME", description = "Forecast as of then: from the day after the last"
            + " complete day before it (default: now).")
    String asOf;

    @Override
    public void run() {
        if (!(interval > 0 && interval < 1)) {
            throw new IllegalArgumentException("--interval must be strictly between 0 and 1 (0.8 is 80 %), not " + interval);
        }
        if (days < 1 || days > 364) {
            throw new IllegalArgumentException("--days must be from 1 to 364, not " + days);
        }
        OffsetDateTime moment = AsOf.parseOrNow(asOf, databaseOptions.timeZone(), Clock.systemUTC());
        LocalDate origin = moment.atZoneSameInstant(databaseOptions.timeZone()).toLocalDate();
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            DailySeries history = DailySeries.netSales(database.dataSource(), origin.minusDays(730), origin.minusDays(1));
            List<ForecastDay> forecast = SalesForecast.fit(history).forecast(days, interval);
            PrintWriter out = spec.commandLine().getOut();
            DateTimeFormatter day = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd", Locale.UK);
            out.printf("%-14s  %12s  %12s  %12s%n", "day", "net sales", "low", "high");
            double total = 0;
            for (ForecastDay f : forecast) {
                total += f.expected();
                out.printf(Locale.UK, "%-14s  %,12.2f  %,12.2f  %,12.2f%n", f.day().format(day), f.expected(), f.low(),
                        f.high());
            }
            out.printf(Locale.UK, "(%d days from %s, %.0f %% intervals; expected in all: GBP %,.2f)%n", days,
                    origin, interval * 100, total);
            out.flush();
        }
    }
}
