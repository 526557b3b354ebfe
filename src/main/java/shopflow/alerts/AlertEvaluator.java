package shopflow.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Consumer;
import shopflow.jobs.PeriodicJob;

/**
 * Raises alerts every {@link #INTERVAL} in the web server ({@code evaluate_alerts()}: each shop hour
 * and day judged once, a minute after it ends). The dashboards hear of new alerts through the
 * database's change notification (a trigger on the alerts), so this class only keeps the clock.
 * A failed evaluation is logged once and tried again at the next tick: nothing is lost, the
 * windows missed are judged then.
 */
public final class AlertEvaluator implements AutoCloseable {

    public static final Duration INTERVAL = Duration.ofMinutes(1);

    private final Alerts alerts;
    private final Clock clock;
    private final Consumer<String> log;
    private final PeriodicJob job = new PeriodicJob("shopflow-alerts", INTERVAL, this::evaluateOnce);
    private boolean failing; // only the job's thread reads and writes it

    public AlertEvaluator(Alerts alerts, Clock clock, Consumer<String> log) {
        this.alerts = alerts;
        this.clock = clock;
        this.log = log;
    }

    /** Evaluates now (a server that was down judges what it missed) and every minute after. */
    public void start() {
        job.start();
    }

    /** Waits (at most {@code limit}) for the evaluation at start, which judges what the server missed. */
    public boolean awaitFirstEvaluation(Duration limit) throws InterruptedException {
        return job.awaitFirstRun(limit);
    }

    private void evaluateOnce() {
        try {
            List<Alert> raised = alerts.evaluate(OffsetDateTime.now(clock));
            raised.forEach(alert -> log.accept("alert " + alert.alertId() + " (" + alert.severity() + "): "
                    + alert.message()));
            if (failing) {
                log.accept("alerts: evaluating works again");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                log.accept("alerts: evaluating failed, retrying every minute: " + e.getMessage());
                failing = true;
            }
        }
    }

    @Override
    public void close() {
        job.close();
    }
}
