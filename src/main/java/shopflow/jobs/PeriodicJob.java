package shopflow.jobs;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A server's background task (alerts, webhooks, the customer-value refit): run at once, then again
 * a fixed delay after each run ends, on a daemon thread of its own, until closed. The task catches
 * its own failures: one that escapes stops its runs, as the executor it rides on does.
 */
public final class PeriodicJob implements AutoCloseable {

    private final Runnable task;
    private final Duration delay;
    private final ScheduledExecutorService scheduler;
    private final CountDownLatch firstRun = new CountDownLatch(1);

    /** {@code threadName} names the thread in a thread dump; {@code delay} is the wait between runs. */
    public PeriodicJob(String threadName, Duration delay, Runnable task) {
        this.task = task;
        this.delay = delay;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } finally {
                firstRun.countDown();
            }
        }, 0, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits (at most {@code limit}) for the run at start; returns whether it is done. */
    public boolean awaitFirstRun(Duration limit) throws InterruptedException {
        return firstRun.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the runs, interrupting one under way, and waits for it to end (at most a minute). */
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
