package shopflow.web;

import io.javalin.http.sse.SseClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import shopflow.db.Database;

/**
 * Tells every open dashboard when orders change. PostgreSQL sends {@code shopflow_changes}
 * notifications (notify_shopflow_changes(), a statement trigger); one thread LISTENs on one dedicated connection and
 * pushes a {@code changed} event to the browsers, at most once per {@link #MIN_INTERVAL}: a burst
 * of writes becomes one push now and one trailing push for whatever came after it.
 */
final class LiveUpdates implements AutoCloseable {

    static final String CHANNEL = "shopflow_changes";
    static final Duration MIN_INTERVAL = Duration.ofMillis(500);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(2);

    private final Database database;
    private final Consumer<String> log;
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final AtomicLong pushes = new AtomicLong();
    private final Thread listener;
    private volatile boolean running = true;

    LiveUpdates(Database database, Consumer<String> log) {
        this.database = database;
        this.log = log;
        this.listener = new Thread(this::listen, "shopflow-live-updates");
        listener.setDaemon(true);
    }

    void start() {
        listener.start();
    }

    /** Keeps {@code client} open and sends it every push until the browser goes away. */
    void add(SseClient client) {
        client.onClose(() -> clients.remove(client));
        clients.add(client);
        client.sendEvent("ready", "{\"min_interval_ms\":" + MIN_INTERVAL.toMillis() + "}");
        client.keepAlive();
    }

    int clientCount() {
        return clients.size();
    }

    long pushCount() {
        return pushes.get();
    }

    private void listen() {
        while (running) {
            try (Connection c = database.connection()) {
                try (Statement s = c.createStatement()) {
                    s.execute("listen " + CHANNEL);
                }
                log.accept("live updates: listening on " + CHANNEL);
                loop(c.unwrap(PGConnection.class));
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                log.accept("live updates: lost the database connection (" + e.getMessage() + "); retrying in "
                        + RECONNECT_DELAY.toSeconds() + " s");
                sleep(RECONNECT_DELAY);
            }
        }
    }

    /** The hot loop: wait for notifications, and push when the interval since the last push has passed. */
    private void loop(PGConnection pg) throws SQLException {
        long lastPush = 0;
        long lastKeepAlive = System.nanoTime();
        boolean pending = false;
        while (running) {
            long now = System.nanoTime();
            long untilAllowed = lastPush + MIN_INTERVAL.toNanos() - now;
            // Waiting with a pending change: only until it may go out. Otherwise: a while.
            int waitMillis = pending ? (int) Math.max(1, untilAllowed / 1_000_000) : 1000;
            PGNotification[] notifications = pg.getNotifications(waitMillis);
            if (notifications != null && notifications.length > 0) {
                pending = true;
            }
            now = System.nanoTime();
            if (pending && now - lastPush >= MIN_INTERVAL.toNanos()) {
                push("changed", "{\"tables\":[\"orders\"]}");
                pending = false;
                lastPush = now;
            }
            if (now - lastKeepAlive >= KEEP_ALIVE.toNanos()) {
                // A comment line: browsers ignore it; writing it finds the clients that went away.
                clients.forEach(client -> client.sendComment("keep-alive"));
                clients.removeIf(SseClient::terminated);
                lastKeepAlive = now;
            }
        }
    }

    private void push(String event, String data) {
        pushes.incrementAndGet();
        for (SseClient client : clients) {
            if (client.terminated()) {
                clients.remove(client);
            } else {
                client.sendEvent(event, data);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        listener.interrupt();
        clients.forEach(SseClient::close);
        clients.clear();
        try {
            listener.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
