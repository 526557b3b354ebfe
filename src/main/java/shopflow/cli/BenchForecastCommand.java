package shopflow.cli;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.bench.BenchData;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.forecast.Backtest;
import shopflow.forecast.DailySeries;

@Command(name = "forecast", mixinStandardHelpOptions = true,
        description = "Backtest the daily net sales forecast from 6 origins over the last six months to the last"
                + " generate's as-of (30 days ahead each, 80 %% intervals): MAPE and interval coverage beside the"
                + " seasonal-naive forecast (the same weekday of the week before the origin), which it must beat"
                + " (docs/forecast.md).",
        footer = {"", "Example:", "  shopflow generate --scale 1 && shopflow bench forecast"})
public final class BenchForecastCommand implements Runnable {

    static final int ORIGINS = 6;
    static final int HORIZON = 30;

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            LocalDate lastDay = BenchData.lastGeneratedAsOf(database).toLocalDate().minusDays(1);
            DailySeries series = DailySeries.netSales(database.dataSource(), lastDay.minusDays(3 * 365), lastDay);
            List<LocalDate> origins = new ArrayList<>();
            for (int k = ORIGINS; k >= 1; k--) {
                origins.add(lastDay.plusDays(1).minusDays((long) HORIZON * k));
            }
            long started = System.nanoTime();
            List<Backtest.Origin> scores = Backtest.run(series, origins, HORIZON, 0.8);
            double seconds = (System.nanoTime() - started) / 1e9;
            out.printf("%-10s  %10s  %10s  %14s%n", "origin", "model MAPE", "naive MAPE", "80 % coverage");
            double model = 0;
            double naive = 0;
            double coverage = 0;
            int better = 0;
            for (Backtest.Origin o : scores) {
                out.printf("%-10s  %9.1f %%  %9.1f %%  %12.0f %%%n", o.origin(), o.modelMape(), o.naiveMape(), o.coverage());
                model += o.modelMape() / scores.size();
                naive += o.naiveMape() / scores.size();
                coverage += o.coverage() / scores.size();
                better += o.modelMape() < o.naiveMape() ? 1 : 0;
            }
            out.printf("%-10s  %9.1f %%  %9.1f %%  %12.0f %%%n", "mean", model, naive, coverage);
            out.printf("the forecast %s the seasonal-naive one: MAPE %.1f %% against %.1f %%, better from %d of %d origins;"
                    + " %d fits and forecasts in %.2f s%n", model < naive ? "beats" : "does NOT beat", model, naive, better,
                    scores.size(), scores.size(), seconds);
            out.flush();
        }
    }
}
