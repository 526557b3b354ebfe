package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Writes to orders reach browsers as server-sent "changed" events, through LISTEN/NOTIFY, coalesced. */
class LiveUpdatesTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static int orderNumber;
    /** What the stream reader adds when the server ends the stream. */
    private static final String CLOSED = "(closed by the server)";

    /** An open event stream: its event names, as they arrive. */
    private record Stream_(BlockingQueue<String> events, HttpResponse<Stream<String>> response) implements AutoCloseable {
        String next(Duration timeout) throws InterruptedException {
            return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        List<String> drain(Duration during) throws InterruptedException {
            List<String> names = new ArrayList<>();
            long end = System.nanoTime() + during.toNanos();
            for (long left = during.toNanos(); left > 0; left = end - System.nanoTime()) {
                String name = events.poll(left, TimeUnit.NANOSECONDS);
                if (name != null) {
                    names.add(name);
                }
            }
            return names;
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    private static String ticket(String token) throws Exception {
        HttpResponse<String> response = app.post("/api/events/ticket", token, "");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response).get("ticket").asText();
    }

    private static Stream_ open(String ticket) throws Exception {
        HttpResponse<Stream<String>> response = app.http().send(HttpRequest.newBuilder(
                URI.create(app.url("/api/events/stream?ticket=" + ticket))).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                response.body().filter(line -> line.startsWith("event:"))
                        .forEach(line -> events.add(line.substring("event:".length()).strip()));
                events.add(CLOSED);
            } catch (RuntimeException closed) {
                // the test closed the stream
            }
        }, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
        return new Stream_(events, response);
    }

    /** Whether the server ends {@code stream} within {@code timeout} (other events may come first). */
    private static boolean closedWithin(Stream_ stream, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        for (long left = timeout.toNanos(); left > 0; left = end - System.nanoTime()) {
            if (CLOSED.equals(stream.events().poll(left, TimeUnit.NANOSECONDS))) {
                return true;
            }
        }
        return false;
    }

    private static void insertOrder() {
        int n = ++orderNumber;
        app.sql("insert into orders (customer_id, order_number, status, subtotal, total_amount)"
                + " values (1, 'LIVE-" + n + "', 'pending', 10.00, 10.00)");
    }

    @Test
    void an_insert_into_orders_reaches_the_browser_within_two_seconds() throws Exception {
        try (Stream_ stream = open(ticket(app.viewer))) {
            assertThat(stream.next(Duration.ofSeconds(5))).isEqualTo("ready");
            long start = System.nanoTime();
            insertOrder();
            assertThat(stream.next(Duration.ofSeconds(2))).isEqualTo("changed");
            System.out.printf("live update: insert to event in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        }
    }

    @Test
    void an_alert_raised_reaches_the_browser_within_two_seconds() throws Exception {
        try (Stream_ stream = open(ticket(app.viewer))) {
            assertThat(stream.next(Duration.ofSeconds(5))).isEqualTo("ready");
            app.sql("insert into alerts.alerts (kpi, grain, window_start, window_end, observed, expected, spread, score,"
                    + " volume, severity, direction, message) values ('orders', 'hour', '2026-06-29 13:00Z',"
                    + " '2026-06-29 14:00Z', 57, 30, 5.48, 4.93, 57, 'warning', 'up', 'Orders rose.')");
            assertThat(stream.next(Duration.ofSeconds(2))).isEqualTo("changed");
        }
    }

    @Test
    void a_burst_of_fifty_inserts_becomes_a_few_events() throws Exception {
        try (Stream_ stream = open(ticket(app.viewer))) {
            assertThat(stream.next(Duration.ofSeconds(5))).isEqualTo("ready");
            stream.drain(Duration.ofMillis(700)); // anything left from another test
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                insertOrder(); // each its own transaction: 50 notifications
            }
            long burstMillis = (System.nanoTime() - start) / 1_000_000;
            List<String> events = stream.drain(Duration.ofMillis(1500));
            // At most one push per 500 ms while the burst lasts, plus the trailing one.
            assertThat(events).isNotEmpty().containsOnly("changed");
            assertThat(events.size()).isLessThanOrEqualTo((int) (burstMillis / LiveUpdates.MIN_INTERVAL.toMillis()) + 2);
            System.out.printf("live update: 50 inserts in %d ms became %d event(s)%n", burstMillis, events.size());
        }
    }

    @Test
    void the_stream_needs_a_fresh_ticket_and_a_ticket_needs_a_token() throws Exception {
        assertThat(app.post("/api/events/ticket", null, "").statusCode()).isEqualTo(401);
        assertThat(app.get("/api/events/stream", null).statusCode()).isEqualTo(401);
        assertThat(app.get("/api/events/stream?ticket=made-up", null).statusCode()).isEqualTo(401);
        String ticket = ticket(app.viewer);
        try (Stream_ stream = open(ticket)) {
            assertThat(stream.next(Duration.ofSeconds(5))).isEqualTo("ready");
            HttpResponse<String> reused = app.get("/api/events/stream?ticket=" + ticket, null);
            assertThat(reused.statusCode()).isEqualTo(401);
            assertThat(reused.body()).contains("works once");
        }
    }

    @Test
    void a_stream_is_closed_within_a_second_of_its_token_being_revoked() throws Exception {
        TokenStore.IssuedToken token = app.server.tokens().create(Role.VIEWER, "revoked while watching", Optional.empty());
        try (Stream_ stream = open(ticket(token.token()))) {
            assertThat(stream.next(Duration.ofSeconds(5))).isEqualTo("ready");
            long start = System.nanoTime();
            assertThat(app.delete("/api/tokens/" + token.id(), app.admin).statusCode()).isEqualTo(204);
            assertThat(closedWithin(stream, Duration.ofSeconds(1))).isTrue();
            System.out.printf("live update: stream closed %d ms after revocation%n", (System.nanoTime() - start) / 1_000_000);
        }
    }

    @Test
    void a_stream_is_closed_within_a_second_of_its_token_expiring() throws Exception {
        TokenStore.IssuedToken token = app.server.tokens().create(Role.VIEWER, "expires while watching",
                Optional.of(Duration.ofSeconds(2)));
        try (Stream_ stream = open(ticket(token.token()))) {
            assertThat(stream.next(Duration.ofSeconds(1))).isEqualTo("ready");
            long untilExpiry = Duration.between(java.time.OffsetDateTime.now(), token.expiresAt()).toMillis();
            assertThat(stream.drain(Duration.ofMillis(Math.max(0, untilExpiry - 100)))).doesNotContain(CLOSED);
            assertThat(closedWithin(stream, Duration.ofMillis(1100))).isTrue();
        }
    }

    @Test
    void a_stream_of_another_token_stays_open_when_one_is_revoked() throws Exception {
        TokenStore.IssuedToken doomed = app.server.tokens().create(Role.VIEWER, "doomed", Optional.empty());
        try (Stream_ kept = open(ticket(app.viewer)); Stream_ gone = open(ticket(doomed.token()))) {
            assertThat(kept.next(Duration.ofSeconds(5))).isEqualTo("ready");
            assertThat(gone.next(Duration.ofSeconds(5))).isEqualTo("ready");
            app.server.tokens().revoke(doomed.id());
            assertThat(closedWithin(gone, Duration.ofSeconds(1))).isTrue();
            insertOrder();
            assertThat(kept.next(Duration.ofSeconds(2))).isEqualTo("changed");
        }
    }
}
