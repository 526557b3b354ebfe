package shopflow.forecast;

import java.time.LocalDate;

/** One day of a forecast: the expected value and the interval it falls in with the forecast's coverage. */
public record ForecastDay(LocalDate day, double expected, double low, double high) {
}
