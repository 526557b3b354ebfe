package shopflow.db;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the embedded server this process started and starts it again when it dies (killed, out of
 * memory, a crash): the web server keeps serving, answering 503 while the database is down, and
 * recovers by itself instead of waiting for a person to restart it.
 */
final class ServerWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerWatch.class);
    private static final Duration EVERY = Duration.ofMillis(500);

    private final EmbeddedServer server;
    private final ScheduledExecutorService timer;
    private volatile String outage;

    ServerWatch(EmbeddedServer server) {
        this.server = server;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "shopflow-server-watch");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::check, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why the database cannot be used now, while it is down. */
    Optional<String> outage() {
        return Optional.ofNullable(outage);
    }

    private void check() {
        if (server.running()) {
            return;
        }
        long started = System.nanoTime();
        if (outage == null) {
            outage = "the database stopped unexpectedly and is being restarted; try again in a few seconds";
            LOG.warn("the embedded PostgreSQL on {} stopped unexpectedly: restarting it", server.dataDir());
        }
        try {
            server.restart();
            outage = null;
            LOG.info("the embedded PostgreSQL is back after crash recovery ({} ms)",
                    (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            // e.g. the old server's processes still hold its shared memory for a moment: next round
            LOG.warn("could not restart the embedded PostgreSQL yet: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
