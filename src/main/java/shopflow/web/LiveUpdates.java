package shopflow.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.sse.SseClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import shopflow.db.Database;
import shopflow.db.SqlScripts;
import shopflow.reports.ReportFormat;
import shopflow.rollups.Rollups;

/**
 * Tells every open dashboard when orders change or alerts are raised. PostgreSQL sends {@code shopflow_changes}
 * notifications (notify_shopflow_changes(), a statement trigger); one thread LISTENs on one dedicated connection and
 * pushes a {@code changed} event to the browsers, at most once per {@link #MIN_INTERVAL}: a burst
 * of writes becomes one push now and one trailing push for whatever came after it.
 */
final class LiveUpdates implements AutoCloseable {

    static final String CHANNEL = "shopflow_changes";
    static final Duration MIN_INTERVAL = Duration.ofMillis(500);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(2);
    /**
     * How often the open streams' tokens are checked: a stream closes at most this long (and one
     * query) after its token is revoked or expires.
     */
    static final Duration TOKEN_CHECK_INTERVAL = Duration.ofMillis(250);
    private static final String ENDED_TOKENS = SqlScripts.read("tokens/ended_tokens.sql");

    private final Database database;
    private final Consumer<String> log;
    private final Clock clock;
    /** Every open stream, with the id of the token it was opened with. */
    private final Map<SseClient, Long> clients = new ConcurrentHashMap<>();
    private final AtomicLong pushes = new AtomicLong();
    private final Thread listener;
    private volatile boolean running = true;

    LiveUpdates(Database database, Consumer<String> log, Clock clock) {
        this.database = database;
        this.log = log;
        this.clock = clock;
        this.listener = new Thread(this::listen, "shopflow-live-updates");
        listener.setDaemon(true);
    }

    void start() {
        listener.start();
    }

    /** Keeps {@code client} open and sends it every push until the browser goes away. */
    void add(SseClient client) {
        TokenStore.Principal principal = client.ctx().attribute(Access.PRINCIPAL);
        client.onClose(() -> clients.remove(client));
        clients.put(client, principal.tokenId());
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
                loop(c, c.unwrap(PGConnection.class));
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
    private void loop(Connection connection, PGConnection pg) throws SQLException {
        long lastPush = 0;
        long lastKeepAlive = System.nanoTime();
        long lastTokenCheck = System.nanoTime();
        boolean pending = false;
        Set<String> tables = new TreeSet<>();
        OffsetDateTime caughtUpTo = null; // the latest moment the cluster's job named since the last push
        while (running) {
            long now = System.nanoTime();
            long untilAllowed = lastPush + MIN_INTERVAL.toNanos() - now;
            // Waiting with a pending change: only until it may go out. Otherwise: until the next token check.
            int waitMillis = (int) Math.max(1, Math.min(pending ? untilAllowed / 1_000_000 : Long.MAX_VALUE,
                    TOKEN_CHECK_INTERVAL.toMillis()));
            PGNotification[] notifications = pg.getNotifications(waitMillis);
            if (notifications != null && notifications.length > 0) {
                pending = true;
                for (PGNotification notification : notifications) {
                    // "orders:insert", "alerts:insert": the dashboard reloads what the tables feed
                    String table = notification.getParameter().split(":", 2)[0];
                    if (table.matches("[a-z_]+")) {
                        tables.add(table);
                    }
                    OffsetDateTime moment = Rollups.caughtUpTo(notification.getParameter()).orElse(null);
                    if (moment != null && (caughtUpTo == null || moment.isAfter(caughtUpTo))) {
                        caughtUpTo = moment;
                    }
                }
            }
            now = System.nanoTime();
            if (pending && now - lastPush >= MIN_INTERVAL.toNanos()) {
                push("changed", changed(tables, caughtUpTo));
                tables.clear();
                caughtUpTo = null;
                pending = false;
                lastPush = now;
            }
            if (now - lastTokenCheck >= TOKEN_CHECK_INTERVAL.toNanos()) {
                closeEndedTokens(connection);
                lastTokenCheck = now;
            }
            if (now - lastKeepAlive >= KEEP_ALIVE.toNanos()) {
                // A comment line: browsers ignore it; writing it finds the clients that went away.
                clients.keySet().forEach(client -> client.sendComment("keep-alive"));
                clients.keySet().removeIf(SseClient::terminated);
                lastKeepAlive = now;
            }
        }
    }

    /**
     * Closes the streams whose token was revoked or has expired since they opened: a stream lives
     * no longer than the right to open it. (The browser's reconnect then fails for want of a ticket.)
     */
    private void closeEndedTokens(Connection connection) throws SQLException {
        if (clients.isEmpty()) {
            return;
        }
        Set<Long> ended = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(ENDED_TOKENS)) {
            statement.setArray(1, connection.createArrayOf("int8", new HashSet<>(clients.values()).toArray()));
            statement.setObject(2, OffsetDateTime.now(clock));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ended.add(rows.getLong(1));
                }
            }
        }
        if (ended.isEmpty()) {
            return;
        }
        clients.forEach((client, tokenId) -> {
            if (ended.contains(tokenId)) {
                clients.remove(client);
                log.accept("live updates: closed a stream of token " + tokenId + ", revoked or expired");
                client.close();
            }
        });
    }

    /**
     * A {@code changed} event's data: the tables written, and on a cluster, when the job's runs are
     * all it tells of, the moment they brought the rollups up to ({@code as_of}): the dashboard
     * re-reads as of it, with no catch-up of its own. Without it (a table written on the
     * coordinator, such as alerts, whose row may be newer) the dashboard reads as of now.
     */
    private static String changed(Set<String> tables, OffsetDateTime caughtUpTo) {
        ObjectNode data = ReportFormat.JSON_MAPPER.createObjectNode();
        tables.forEach(data.putArray("tables")::add);
        if (caughtUpTo != null && tables.equals(Set.of("rollups"))) {
            data.put("as_of", caughtUpTo.toString());
        }
        return data.toString();
    }

    private void push(String event, String data) {
        pushes.incrementAndGet();
        for (SseClient client : clients.keySet()) {
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
        clients.keySet().forEach(SseClient::close);
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
