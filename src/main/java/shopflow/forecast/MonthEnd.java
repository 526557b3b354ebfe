package shopflow.forecast;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;

/**
 * Where the month ends: the net sales of its complete days so far, plus the forecast of each day
 * left (the day in progress included, whole: its sales so far are not counted twice).
 */
public record MonthEnd(YearMonth month, double toDate, double projected) {

    /** The month of {@code history}'s next day, from its complete days and {@code forecast} (starting that day). */
    public static MonthEnd of(DailySeries history, List<ForecastDay> forecast) {
        LocalDate origin = history.last().plusDays(1);
        YearMonth month = YearMonth.from(origin);
        double toDate = 0;
        for (LocalDate day = month.atDay(1); day.isBefore(origin); day = day.plusDays(1)) {
            if (!day.isBefore(history.first())) {
                toDate += history.on(day);
            }
        }
        double ahead = forecast.stream().filter(f -> YearMonth.from(f.day()).equals(month))
                .mapToDouble(ForecastDay::expected).sum();
        return new MonthEnd(month, toDate, toDate + ahead);
    }
}
