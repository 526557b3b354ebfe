package shopflow.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The daily forecast on hand-made series, where the right answer is known. */
class SalesForecastTest {

    private static final LocalDate FIRST = LocalDate.of(2025, 1, 6); // a Monday

    private static DailySeries series(int days, java.util.function.IntToDoubleFunction value) {
        double[] values = new double[days];
        Arrays.setAll(values, value::applyAsDouble);
        return new DailySeries(FIRST, values);
    }

    @Test
    void a_flat_series_forecasts_flat_with_no_width() {
        List<ForecastDay> forecast = SalesForecast.fit(series(400, day -> 100)).forecast(30, 0.8);
        assertThat(forecast).hasSize(30);
        assertThat(forecast.get(0).day()).isEqualTo(FIRST.plusDays(400));
        for (ForecastDay day : forecast) {
            assertThat(day.expected()).isCloseTo(100, within(1e-6));
            assertThat(day.low()).isCloseTo(100, within(1e-6));
            assertThat(day.high()).isCloseTo(100, within(1e-6));
        }
    }

    @Test
    void a_weekly_pattern_is_forecast_weekday_by_weekday() {
        // Saturdays twice a weekday's sales, Sundays half
        DailySeries weekly = series(200, day -> day % 7 == 5 ? 200 : day % 7 == 6 ? 50 : 100);
        List<ForecastDay> forecast = SalesForecast.fit(weekly).forecast(7, 0.8);
        // day 200 is a Friday (200 % 7 == 4)
        assertThat(forecast.get(0).day().getDayOfWeek()).isEqualTo(java.time.DayOfWeek.FRIDAY);
        assertThat(forecast).extracting(f -> Math.round(f.expected())).containsExactly(100L, 200L, 50L, 100L, 100L, 100L,
                100L);
    }

    @Test
    void growing_sales_beat_the_seasonal_naive_forecast_which_lags_behind() {
        // 1 % more every day: the same weekday a week (or two, ...) earlier is 6.7 % (13 %, ...) too low
        DailySeries growing = series(300, day -> 100 * Math.pow(1.01, day));
        List<Backtest.Origin> scores = Backtest.run(growing, List.of(FIRST.plusDays(270)), 30, 0.8);
        assertThat(scores).hasSize(1);
        assertThat(scores.get(0).days()).isEqualTo(30);
        assertThat(scores.get(0).naiveMape()).isCloseTo(16.64, within(0.01)); // the mean of 1 - 1.01^-7k over the 30 days
        assertThat(scores.get(0).modelMape()).isLessThan(0.5);
    }

    @Test
    void too_little_history_or_an_interval_outside_zero_to_one_is_refused_by_name() {
        assertThatThrownBy(() -> SalesForecast.fit(series(30, day -> 100)))
                .isInstanceOf(SalesForecast.TooLittleHistory.class)
                .hasMessage("too little history to forecast: 30 days with sales, at least 56 needed");
        // days before the first sale are not history
        assertThatThrownBy(() -> SalesForecast.fit(series(100, day -> day < 60 ? 0 : 100)))
                .hasMessage("too little history to forecast: 40 days with sales, at least 56 needed");
        SalesForecast fitted = SalesForecast.fit(series(100, day -> 100));
        for (double interval : new double[] {0, 1, -0.2, 80, Double.NaN}) {
            assertThatThrownBy(() -> fitted.forecast(30, interval)).as("interval " + interval)
                    .hasMessageStartingWith("interval must be strictly between 0 and 1 (0.8 is 80 %), not ");
        }
        assertThatThrownBy(() -> fitted.forecast(0, 0.8)).hasMessage("days must be from 1 to 364, not 0");
    }

    @Test
    void black_friday_a_year_before_lifts_the_forecast_of_black_friday() {
        // two years flat at 100 but Black Friday 2025 (28 November) at 400
        DailySeries year = series(700, day -> FIRST.plusDays(day).equals(LocalDate.of(2025, 11, 28)) ? 400 : 100);
        DailySeries before = year.before(LocalDate.of(2026, 11, 20));
        List<ForecastDay> forecast = SalesForecast.fit(before).forecast(10, 0.8);
        ForecastDay blackFriday = forecast.stream().filter(f -> f.day().equals(LocalDate.of(2026, 11, 27))).findFirst()
                .orElseThrow();
        assertThat(blackFriday.expected()).isGreaterThan(300);
        assertThat(forecast.get(0).expected()).isCloseTo(100, within(1.0));
    }
}
