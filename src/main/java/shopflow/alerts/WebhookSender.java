package shopflow.alerts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import shopflow.db.SqlScripts;
import shopflow.jobs.PeriodicJob;

/**
 * Posts the queued alert deliveries (alerts.deliveries, the outbox the database fills when an
 * alert is raised) to their webhooks: JSON, signed {@code X-ShopFlow-Signature: sha256=<hex>} with
 * HMAC-SHA256 over the exact body with the webhook's secret. A 2xx answer delivers; anything else
 * (another status, a refused connection, a timeout) is recorded with its error and tried again
 * after a backoff doubling from {@link #FIRST_BACKOFF} up to {@link #MAX_BACKOFF}, at most
 * {@link #MAX_ATTEMPTS} times. The state is in the database, so a restart loses nothing: a try cut
 * short is made again when its lease runs out. At least once, then: receivers tell repeats apart by
 * {@code X-ShopFlow-Delivery}.
 */
public final class WebhookSender implements AutoCloseable {

    public static final int MAX_ATTEMPTS = 12;
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
    static final Duration MAX_BACKOFF = Duration.ofHours(1);
    static final Duration POLL = Duration.ofSeconds(1);
    /** How long a claimed delivery is left alone while its POST is under way (longer than the timeout). */
    static final Duration LEASE = Duration.ofMinutes(1);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int BATCH = 20;
    private static final String CLAIM = SqlScripts.read("alerts/claim_deliveries.sql");
    private static final String TRIED = SqlScripts.read("alerts/delivery_tried.sql");

    private final DataSource dataSource;
    private final Consumer<String> log;
    private final Duration firstBackoff;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final PeriodicJob job;
    private boolean failing; // only the job's thread reads and writes it

    public WebhookSender(DataSource dataSource, Consumer<String> log) {
        this(dataSource, log, FIRST_BACKOFF, POLL);
    }

    /** With a shorter first backoff and poll, for tests. */
    WebhookSender(DataSource dataSource, Consumer<String> log, Duration firstBackoff, Duration poll) {
        this.dataSource = dataSource;
        this.log = log;
        this.firstBackoff = firstBackoff;
        this.job = new PeriodicJob("shopflow-webhooks", poll, this::sendDue);
    }

    public void start() {
        job.start();
    }

    /** The wait after the {@code attempts}-th failed try: the first backoff, doubled each time, at most an hour. */
    static Duration backoff(Duration first, int attempts) {
        Duration wait = first.multipliedBy(1L << Math.min(attempts - 1, 20));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    /** HMAC-SHA256 of {@code body} with {@code secret}, in lower-case hex: what X-ShopFlow-Signature carries after "sha256=". */
    public static String signature(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private record Due(long deliveryId, long webhookId, String body, int attempts, String url, String secret) {
    }

    private void sendDue() {
        try {
            for (Due due : claim()) {
                String error = post(due);
                record(due, error);
                if (error != null) {
                    log.accept("webhook " + due.webhookId() + ": delivery " + due.deliveryId() + " try "
                            + (due.attempts() + 1) + " failed: " + error
                            + (due.attempts() + 1 >= MAX_ATTEMPTS ? "; giving up" : "; trying again later"));
                }
            }
            failing = false;
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                log.accept("webhooks: reading the outbox failed, retrying: " + e.getMessage());
                failing = true;
            }
        }
    }

    private List<Due> claim() throws SQLException {
        List<Due> due = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(CLAIM)) {
            s.setInt(1, MAX_ATTEMPTS);
            s.setInt(2, BATCH);
            s.setLong(3, LEASE.toMillis());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    due.add(new Due(r.getLong("delivery_id"), r.getLong("webhook_id"), r.getString("body"),
                            r.getInt("attempts"), r.getString("url"), r.getString("secret")));
                }
            }
        }
        return due;
    }

    /** One try: null when delivered, else what went wrong. */
    private String post(Due due) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(due.url()))
                    .timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "ShopFlow-Webhooks")
                    .header("X-ShopFlow-Delivery", Long.toString(due.deliveryId()))
                    .header("X-ShopFlow-Signature", "sha256=" + signature(due.secret(), due.body()))
                    .POST(HttpRequest.BodyPublishers.ofString(due.body(), StandardCharsets.UTF_8))
                    .build();
        } catch (IllegalArgumentException e) {
            return "bad URL: " + e.getMessage();
        }
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted (the server stopped)";
        }
    }

    private void record(Due due, String error) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(TRIED)) {
            String trimmed = error == null ? null : error.length() > 500 ? error.substring(0, 500) : error;
            s.setString(1, trimmed);
            s.setString(2, trimmed);
            s.setString(3, trimmed);
            s.setLong(4, backoff(firstBackoff, due.attempts() + 1).toMillis());
            s.setLong(5, due.deliveryId());
            s.executeUpdate();
        }
    }

    @Override
    public void close() {
        job.close();
    }
}
