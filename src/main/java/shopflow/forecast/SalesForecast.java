package shopflow.forecast;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

/**
 * Daily net sales ahead: a regression of log(1 + net sales) over the last {@link #FIT_DAYS} days on a
 * linear trend and the weekday, fitted by least squares (commons-math's OLSMultipleLinearRegression),
 * plus the shop's peaks as they were a year before: on the days from Black Friday to the first days
 * of January, each day's excess over its surrounding four weeks 364 days earlier (the same weekday)
 * is taken off the history before the fit and put back on the forecast. A short window follows a
 * shop whose growth changes (a fit over two years of a young shop's growth overshoots by half); the
 * year-before peaks give it Black Friday and Christmas, which twelve weeks cannot know.
 * The interval is the fit's residual spread on the log scale, the normal quantile of the coverage
 * wide, back in GBP: it widens with the level, as sales' swings do. Without {@link #MIN_DAYS} days of
 * sales there is no forecast ({@link TooLittleHistory}); without a year, no peaks.
 */
public final class SalesForecast {

    /** The history a forecast needs: eight weeks' worth of days with sales. */
    public static final int MIN_DAYS = 56;
    /** The days fitted, at most: twelve weeks. */
    static final int FIT_DAYS = 84;
    private static final int YEAR = 364;
    private static final int PEAK_HALF_WINDOW = 14;
    /** The month a fit is checked ahead on, to size its interval. */
    private static final int CHECK_DAYS = 30;

    /** A shop with too little history to forecast: the message says how much it has and needs. */
    public static final class TooLittleHistory extends IllegalArgumentException {
        TooLittleHistory(int days) {
            super("too little history to forecast: " + days + " days with sales, at least " + MIN_DAYS + " needed");
        }
    }

    private final DailySeries history;
    private final int opened;
    private final LocalDate origin;
    private final double[] beta;
    private final double sigma;

    private SalesForecast(DailySeries history, int opened, double[] beta, double sigma) {
        this.history = history;
        this.opened = opened;
        this.origin = history.last().plusDays(1);
        this.beta = beta;
        this.sigma = sigma;
    }

    /** Fits {@code history}; forecasts start the day after its last. */
    public static SalesForecast fit(DailySeries history) {
        return fitChecked(history, true);
    }

    private static SalesForecast fitOnly(DailySeries history) {
        return fitChecked(history, false);
    }

    private static SalesForecast fitChecked(DailySeries history, boolean checkAhead) {
        // the days before the shop's first sale are no history (a shop opening is not a collapse of sales)
        int opened = 0;
        while (opened < history.size() && history.values()[opened] <= 0) {
            opened++;
        }
        int available = history.size() - opened;
        int selling = 0;
        for (int i = opened; i < history.size(); i++) {
            selling += history.values()[i] > 0 ? 1 : 0;
        }
        // a shop with a handful of orders over months has no daily pattern to learn either
        if (selling < MIN_DAYS) {
            throw new TooLittleHistory(selling);
        }
        int n = Math.min(available, FIT_DAYS);
        int skip = history.size() - n;
        LocalDate origin = history.last().plusDays(1);
        SalesForecast partial = new SalesForecast(history, opened, null, 0);
        double[] y = new double[n];
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            LocalDate day = history.day(skip + i);
            y[i] = Math.log1p(Math.max(0, history.values()[skip + i])) - partial.peak(day);
            x[i] = regressors(day, origin);
        }
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        ols.newSampleData(y, x);
        SalesForecast fitted;
        try {
            fitted = new SalesForecast(history, opened, ols.estimateRegressionParameters(),
                    Math.sqrt(Math.max(0, ols.estimateErrorVariance())));
        } catch (SingularMatrixException e) {
            throw new IllegalArgumentException("the sales history cannot be fitted (" + e.getMessage() + ")", e);
        }
        // The fit's own residuals know nothing of how its trend drifts over a month ahead: the
        // interval is at least as wide as the errors of the same model fitted a month earlier
        // over the month since (on the log scale).
        if (checkAhead && available >= MIN_DAYS + CHECK_DAYS) {
            DailySeries earlier = history.before(history.last().plusDays(1 - CHECK_DAYS));
            List<ForecastDay> check = fitOnly(earlier).forecast(CHECK_DAYS, 0.5);
            double squares = 0;
            for (ForecastDay f : check) {
                double error = Math.log1p(Math.max(0, history.on(f.day()))) - Math.log1p(f.expected());
                squares += error * error;
            }
            double checked = Math.sqrt(squares / CHECK_DAYS);
            if (checked > fitted.sigma) {
                return new SalesForecast(history, opened, fitted.beta, checked);
            }
        }
        return fitted;
    }


    /**
     * The {@code days} days from the fitted history's end, each with its interval of {@code coverage}.
     *
     * @throws IllegalArgumentException naming the interval when it is not strictly between 0 and 1
     */
    public List<ForecastDay> forecast(int days, double coverage) {
        if (!(coverage > 0 && coverage < 1)) {
            throw new IllegalArgumentException("interval must be strictly between 0 and 1 (0.8 is 80 %), not " + coverage);
        }
        if (days < 1 || days > YEAR) {
            throw new IllegalArgumentException("days must be from 1 to " + YEAR + ", not " + days);
        }
        double z = new NormalDistribution().inverseCumulativeProbability(0.5 + coverage / 2);
        List<ForecastDay> out = new ArrayList<>();
        for (int h = 0; h < days; h++) {
            LocalDate day = origin.plusDays(h);
            double[] x = regressors(day, origin);
            double mean = beta[0] + peak(day);
            for (int j = 0; j < x.length; j++) {
                mean += beta[j + 1] * x[j];
            }
            out.add(new ForecastDay(day, Math.expm1(mean), Math.max(0, Math.expm1(mean - z * sigma)),
                    Math.expm1(mean + z * sigma)));
        }
        return out;
    }

    /** The residual spread on the log scale (0 for a series the model fits exactly). */
    public double sigma() {
        return sigma;
    }

    /**
     * On a peak day (Black Friday to 3 January), its log excess a year before over the four weeks
     * around it then; 0 on other days, and when that year is not in the history.
     */
    double peak(LocalDate day) {
        if (!peakSeason(day)) {
            return 0;
        }
        LocalDate then = day.minusDays(YEAR);
        int centre = (int) (then.toEpochDay() - history.first().toEpochDay());
        if (centre - PEAK_HALF_WINDOW < opened || centre + PEAK_HALF_WINDOW >= history.size()) {
            return 0;
        }
        double around = 0;
        int selling = 0;
        for (int i = centre - PEAK_HALF_WINDOW; i <= centre + PEAK_HALF_WINDOW; i++) {
            around += Math.log1p(Math.max(0, history.values()[i]));
            selling += history.values()[i] > 0 ? 1 : 0;
        }
        if (selling < 2 * PEAK_HALF_WINDOW) {
            return 0; // a shop not yet selling every day then: its days say nothing of a peak
        }
        around /= 2 * PEAK_HALF_WINDOW + 1;
        return Math.log1p(Math.max(0, history.values()[centre])) - around;
    }

    /** Black Friday to 3 January: the days whose sales a year before say more than the weeks around them. */
    static boolean peakSeason(LocalDate day) {
        LocalDate blackFriday = LocalDate.of(day.getYear(), Month.NOVEMBER, 1)
                .with(TemporalAdjusters.dayOfWeekInMonth(4, DayOfWeek.THURSDAY)).plusDays(1);
        return !day.isBefore(blackFriday) || (day.getMonth() == Month.JANUARY && day.getDayOfMonth() <= 3);
    }

    /** The regressors of {@code day}, the intercept aside: trend (years from origin) and weekday. */
    static double[] regressors(LocalDate day, LocalDate origin) {
        double[] x = new double[7];
        x[0] = (day.toEpochDay() - origin.toEpochDay()) / 365.25;
        int weekday = day.getDayOfWeek().getValue(); // Monday 1: the base
        if (weekday > 1) {
            x[weekday - 1] = 1;
        }
        return x;
    }
}
