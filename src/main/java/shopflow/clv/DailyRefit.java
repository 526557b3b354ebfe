package shopflow.clv;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.Consumer;
import shopflow.jobs.PeriodicJob;

/**
 * Refits the customer-value models in the web server once a day: every hour it looks at the last
 * fit and fits again as of now when that fit is a day old or there is none (a server started after a
 * night off catches up at once). A fit takes seconds on its own thread; the reports keep reading the
 * previous one until the new row is committed.
 */
public final class DailyRefit implements AutoCloseable {

    static final Duration AGE = Duration.ofDays(1);
    private static final Duration CHECK = Duration.ofHours(1);

    private final CustomerValueFits fits;
    private final Clock clock;
    private final Consumer<String> log;
    private final PeriodicJob job = new PeriodicJob("shopflow-clv", CHECK, this::refitIfDue);

    public DailyRefit(CustomerValueFits fits, Clock clock, Consumer<String> log) {
        this.fits = fits;
        this.clock = clock;
        this.log = log;
    }

    public void start() {
        job.start();
    }

    /**
     * Waits (at most {@code limit}) for the check at start, and the fit it may make: a fit reads
     * every customer's orders, then writes. Returns whether it is done.
     */
    public boolean awaitFirstCheck(Duration limit) throws InterruptedException {
        return job.awaitFirstRun(limit);
    }

    /** Fits as of now when the last fit is {@link #AGE} old or missing; returns the new fit, if any. */
    public Optional<CustomerValueFits.Fit> refitIfDue() {
        try {
            OffsetDateTime now = OffsetDateTime.now(clock);
            Optional<CustomerValueFits.Fit> last = fits.latest(now);
            if (last.isPresent() && last.get().asOf().isAfter(now.minus(AGE))) {
                return Optional.empty();
            }
            CustomerValueFits.Fit fit = fits.fitAndStore(now);
            log.accept(String.format(java.util.Locale.ROOT, "customer value: fitted on %,d customers in %.1f s%s",
                    fit.buyers(), fit.seconds(), fit.reason() == null ? "" : " (" + fit.reason() + ")"));
            return Optional.of(fit);
        } catch (RuntimeException e) {
            log.accept("customer value: the daily fit failed, trying again within the hour: " + e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        job.close();
    }
}
