package shopflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.reports.ReportFormat;

/** Alerts posted to a real HTTP receiver on localhost: signed, tried again, kept across a restart. */
class WebhooksTest {

    /** A receiver answering each POST with the next status given (200 once they run out), keeping what it got. */
    private static final class Receiver implements AutoCloseable {
        record Received(String body, String signature, String delivery) {
        }

        final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
        final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        final List<Integer> answered = Collections.synchronizedList(new ArrayList<>());
        final HttpServer server;

        Receiver(Integer... statuses) throws IOException {
            this.statuses.addAll(List.of(statuses));
            server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            server.createContext("/hook", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Integer next = this.statuses.poll();
                int status = next == null ? 200 : next;
                answered.add(status);
                received.add(new Received(body, exchange.getRequestHeaders().getFirst("X-ShopFlow-Signature"),
                        exchange.getRequestHeaders().getFirst("X-ShopFlow-Delivery")));
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://localhost:" + server.getAddress().getPort() + "/hook";
        }

        Received next() throws InterruptedException {
            return received.poll(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private Database database;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void database() {
        database = TestDatabases.fresh();
    }

    @AfterEach
    void close() {
        database.close();
    }

    private WebhookSender sender() {
        return sender(Duration.ofMillis(200));
    }

    private WebhookSender sender(Duration firstBackoff) {
        WebhookSender sender = new WebhookSender(database.dataSource(), log::add, firstBackoff, Duration.ofMillis(50));
        sender.start();
        return sender;
    }

    private void raiseAlert() throws SQLException {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute("insert into alerts.alerts (kpi, grain, window_start, window_end, observed, expected, spread, score,"
                    + " volume, severity, direction, message) values ('conversion_rate', 'hour', '2026-06-29 13:00Z',"
                    + " '2026-06-29 14:00Z', 0.01, 0.03, 0.002, -10, 900, 'critical', 'down', 'Conversion fell.')");
        }
    }

    @Test
    void a_receiver_on_localhost_gets_the_alert_signed_with_its_secret() throws Exception {
        try (Receiver receiver = new Receiver()) {
            Webhooks.AddedWebhook hook = new Webhooks(database.dataSource()).add(receiver.url());
            assertThat(hook.secret()).startsWith("whsec_").hasSize(6 + 43);
            raiseAlert();
            try (WebhookSender sender = sender()) {
                Receiver.Received got = receiver.next();
                assertThat(got).isNotNull();
                assertThat(got.signature()).isEqualTo("sha256=" + hmacSha256Hex(hook.secret(), got.body()));
                JsonNode alert = ReportFormat.JSON_MAPPER.readTree(got.body());
                assertThat(alert.get("kpi").asText()).isEqualTo("conversion_rate");
                assertThat(alert.get("severity").asText()).isEqualTo("critical");
                assertThat(alert.get("message").asText()).isEqualTo("Conversion fell.");
                assertThat(alert.get("observed").decimalValue()).isEqualByComparingTo("0.01");
                awaitDelivered(1);
            }
            assertThat(receiver.received).as("delivered once").isEmpty();
        }
    }

    @Test
    void a_receiver_failing_twice_gets_it_on_the_third_try() throws Exception {
        try (Receiver receiver = new Receiver(500, 503)) {
            new Webhooks(database.dataSource()).add(receiver.url());
            raiseAlert();
            try (WebhookSender sender = sender()) {
                Receiver.Received first = receiver.next();
                Receiver.Received second = receiver.next();
                Receiver.Received third = receiver.next();
                assertThat(third).isNotNull();
                assertThat(List.of(second.body(), third.body())).containsOnly(first.body());
                assertThat(third.delivery()).isEqualTo(first.delivery());
                awaitDelivered(1);
            }
            assertThat(receiver.answered).containsExactly(500, 503, 200);
            Webhooks.WebhookInfo info = new Webhooks(database.dataSource()).list().get(0);
            assertThat(info.delivered()).isEqualTo(1);
            assertThat(info.pending()).isZero();
            assertThat(log).hasSize(2).allMatch(line -> line.contains("failed: HTTP 50"));
        }
    }

    @Test
    void a_restart_between_tries_loses_nothing_and_the_failure_shows_meanwhile() throws Exception {
        try (Receiver receiver = new Receiver(503)) {
            Webhooks webhooks = new Webhooks(database.dataSource());
            webhooks.add(receiver.url());
            raiseAlert();
            // a backoff long enough that the first sender stops before its second try
            try (WebhookSender before = sender(Duration.ofSeconds(2))) {
                assertThat(receiver.next()).isNotNull();
                awaitTries(1);
            }
            Webhooks.WebhookInfo failing = webhooks.list().get(0);
            assertThat(failing.pending()).isEqualTo(1);
            assertThat(failing.attemptsWaiting()).isEqualTo(1);
            assertThat(failing.lastError()).isEqualTo("HTTP 503");
            assertThat(failing.delivered()).isZero();
            try (WebhookSender after = sender()) {
                assertThat(receiver.next()).isNotNull();
                awaitDelivered(1);
            }
            assertThat(receiver.answered).containsExactly(503, 200);
        }
    }

    @Test
    void a_url_that_is_not_http_is_refused_by_name_and_a_removed_webhook_gets_nothing() throws Exception {
        Webhooks webhooks = new Webhooks(database.dataSource());
        assertThatThrownBy(() -> webhooks.add("ftp://example.com/hook")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("webhook URL 'ftp://example.com/hook' is not http(s): give one starting with https:// (or http://)");
        assertThatThrownBy(() -> webhooks.add("example.com/hook")).hasMessageContaining("is not http(s)");
        assertThatThrownBy(() -> webhooks.add("https:///hook")).hasMessageContaining("has no host");
        assertThat(webhooks.list()).isEmpty();
        try (Receiver receiver = new Receiver()) {
            long id = webhooks.add(receiver.url()).id();
            webhooks.remove(id);
            assertThatThrownBy(() -> webhooks.remove(id)).hasMessage("no webhook " + id
                    + " to remove ('shopflow webhook list' shows them)");
            raiseAlert();
            try (WebhookSender sender = sender()) {
                assertThat(receiver.received.poll(1, TimeUnit.SECONDS)).isNull();
            }
        }
    }

    private void awaitDelivered(long count) throws Exception {
        awaitCount("select count(*) from alerts.deliveries where delivered_at is not null", count);
    }

    private void awaitTries(long count) throws Exception {
        awaitCount("select coalesce(sum(attempts), 0) from alerts.deliveries", count);
    }

    private void awaitCount(String sql, long count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Connection c = database.connection(); Statement s = c.createStatement();
                    var r = s.executeQuery(sql)) {
                r.next();
                if (r.getLong(1) == count) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as(sql + " reaches " + count).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** The signature computed here from scratch, not by the sender's code. */
    private static String hmacSha256Hex(String secret, String body) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        StringBuilder hex = new StringBuilder();
        for (byte b : mac.doFinal(body.getBytes(StandardCharsets.UTF_8))) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }
}
