package shopflow.forecast;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The forecast against what happened: from each origin, the model is fitted on the days before it
 * and forecasts the next {@code horizon} days, beside the seasonal-naive forecast (each day the
 * same weekday of the last week before the origin). MAPE over days with sales; coverage is the
 * share of actual days inside the model's interval.
 */
public final class Backtest {

    /** One origin's scores. */
    public record Origin(LocalDate origin, double modelMape, double naiveMape, double coverage, int days) {
    }

    private Backtest() {
    }

    /** The scores from each origin in {@code origins}, forecasting {@code horizon} days with {@code coverage} intervals. */
    public static List<Origin> run(DailySeries series, List<LocalDate> origins, int horizon, double coverage) {
        List<Origin> out = new ArrayList<>();
        for (LocalDate origin : origins) {
            DailySeries history = series.before(origin);
            List<ForecastDay> forecast = SalesForecast.fit(history).forecast(horizon, coverage);
            double modelError = 0;
            double naiveError = 0;
            int inside = 0;
            int scored = 0;
            int days = 0;
            for (int h = 0; h < horizon; h++) {
                LocalDate day = origin.plusDays(h);
                if (day.isAfter(series.last())) {
                    break;
                }
                days++;
                double actual = series.on(day);
                ForecastDay f = forecast.get(h);
                if (actual >= f.low() && actual <= f.high()) {
                    inside++;
                }
                if (actual > 0) {
                    double naive = history.on(day.minusDays(7L * ((h / 7) + 1)));
                    modelError += Math.abs(actual - f.expected()) / actual;
                    naiveError += Math.abs(actual - naive) / actual;
                    scored++;
                }
            }
            out.add(new Origin(origin, scored == 0 ? Double.NaN : 100 * modelError / scored,
                    scored == 0 ? Double.NaN : 100 * naiveError / scored, days == 0 ? Double.NaN : 100.0 * inside / days,
                    days));
        }
        return out;
    }
}
