package shopflow.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "shopflow-alerts");
        thread.setDaemon(true);
        return thread;
    });
    private boolean failing; // only the scheduler thread reads and writes it
    private final CountDownLatch firstEvaluation = new CountDownLatch(1);

    public AlertEvaluator(Alerts alerts, Clock clock, Consumer<String> log) {
        this.alerts = alerts;
        this.clock = clock;
        this.log = log;
    }

    /** Evaluates now (a server that was down judges what it missed) and every minute after. */
    public void start() {
        scheduler.scheduleWithFixedDelay(() -> {
            evaluateOnce();
            firstEvaluation.countDown();
        }, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits (at most {@code limit}) for the evaluation at start, which judges what the server missed. */
    public boolean awaitFirstEvaluation(Duration limit) throws InterruptedException {
        return firstEvaluation.await(limit.toMillis(), TimeUnit.MILLISECONDS);
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
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
