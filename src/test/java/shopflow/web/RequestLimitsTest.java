package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What one request, one token or all of them may hold: bodies cut off at their limit whether their
 * size is declared or not, event bytes in flight, reports per token, and the reports' own pool.
 */
class RequestLimitsTest {

    /** One full batch in flight, 2 reports per token, 3 report connections, 4 s for one report. */
    @RegisterExtension
    static final TestServer app = TestServer.start(new WebServer.Limits(WebServer.MAX_EVENT_BATCH_BYTES, 2, 3,
            Duration.ofSeconds(4)));

    private static final String PAGE_VIEW = "{\"type\": \"page_view\", \"session_id\": \"limits\", \"page_url\": \"/\"}";

    private static HttpResponse<String> chunked(String path, String contentType, byte[] body) {
        // ofInputStream has no length: the client sends the body chunked, without Content-Length
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.url(path)))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .header("Content-Type", contentType);
        return app.send(request, app.admin);
    }

    private static HttpResponse<String> head(String path, String token) {
        return app.send(HttpRequest.newBuilder(URI.create(app.url(path))).method("HEAD",
                HttpRequest.BodyPublishers.noBody()), token);
    }

    @Test
    void head_is_authorised_like_get_on_every_route() {
        for (String path : List.of("/api/tokens", "/api/reports", "/api/reports/daily_revenue", "/api/me",
                "/api/catalog/sample")) {
            assertThat(head(path, null).statusCode()).as("HEAD " + path + " without a token").isEqualTo(401);
        }
        assertThat(head("/api/tokens", app.viewer).statusCode()).isEqualTo(403);
        assertThat(head("/api/tokens", app.admin).statusCode()).isEqualTo(200);
        assertThat(head("/api/reports/daily_revenue", app.viewer).statusCode()).isEqualTo(200);
        assertThat(head("/api/reports/" + TestServer.CUSTOMER_REPORT, app.viewer).statusCode()).isEqualTo(403);
        assertThat(head("/api/health", null).statusCode()).isEqualTo(200);
        assertThat(head("/api/events/stream", null).statusCode()).isEqualTo(401);
    }

    @Test
    void an_order_body_sent_chunked_is_cut_off_at_64_kb() {
        // Half a megabyte over: the server reads and drops it before answering, so the client sees the 413
        // (a body far over its limit is answered at once and the connection closed under the sender,
        // who may then see a reset instead)
        byte[] halfAMegabyte = ("{\"customer_id\": 1, \"notes\": \"" + "n".repeat(512 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = chunked("/api/orders", "application/json", halfAMegabyte);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.body()).contains("sent without Content-Length").contains("at most 65536");
        assertThat(app.server.recentLog()).noneMatch(line -> line.contains("POST /api/orders 400"));
    }

    @Test
    void an_event_batch_sent_chunked_is_cut_off_at_8_mb() {
        int halfAMegabyteOver = (int) ((WebServer.MAX_EVENT_BATCH_BYTES + 512 * 1024) / PAGE_VIEW.length());
        byte[] batch = ("[" + (PAGE_VIEW + ",").repeat(halfAMegabyteOver) + PAGE_VIEW + "]")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = chunked("/api/events", "application/json", batch);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.body()).contains("at most " + WebServer.MAX_EVENT_BATCH_BYTES);
        assertThat(app.server.eventBytesInFlight()).isZero();
    }

    @Test
    void event_batches_beyond_the_bytes_in_flight_wait_for_a_503_with_retry_after() throws Exception {
        try (Socket slow = new Socket("localhost", app.server.port())) {
            // A chunked batch holds the most a batch may be (the whole budget here) while it is read.
            OutputStream out = slow.getOutputStream();
            out.write(("POST /api/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + app.admin
                    + "\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            writeChunk(out, PAGE_VIEW + "\n");
            out.flush();
            awaitInFlight(WebServer.MAX_EVENT_BATCH_BYTES);

            HttpResponse<String> refused = app.send(HttpRequest.newBuilder(URI.create(app.url("/api/events")))
                    .POST(HttpRequest.BodyPublishers.ofString("[" + PAGE_VIEW + "]"))
                    .header("Content-Type", "application/json"), app.admin);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            assertThat(refused.body()).contains("send this batch again in 1 s");

            writeChunk(out, PAGE_VIEW + "\n");
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readStatusLine(slow.getInputStream())).isEqualTo("HTTP/1.1 201 Created");
        }
        awaitInFlight(0);
        HttpResponse<String> accepted = app.send(HttpRequest.newBuilder(URI.create(app.url("/api/events")))
                .POST(HttpRequest.BodyPublishers.ofString("[" + PAGE_VIEW + "]"))
                .header("Content-Type", "application/json"), app.admin);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
    }

    @Test
    void a_token_may_run_only_a_few_reports_at_once_and_others_are_not_held_up() throws Exception {
        String path = "/api/reports/" + TestServer.SLOW_REPORT + "?seconds=2";
        List<CompletableFuture<HttpResponse<String>>> naps = new ArrayList<>();
        // two different questions: the same one twice would share one run (AnswerCache)
        naps.add(async(path, app.viewer));
        naps.add(async(path.replace("=2", "=2.5"), app.viewer));
        awaitSleeping(2);
        HttpResponse<String> third = app.get(path.replace("=2", "=0"), app.viewer);
        assertThat(third.statusCode()).as(third.body()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).contains("1");
        assertThat(third.body()).contains("already has 2 reports running").contains("\"field\":\"report\"");
        HttpResponse<String> another = app.get(path.replace("=2", "=0"), app.analyst);
        assertThat(another.statusCode()).as(another.body()).isEqualTo(200);
        for (var nap : naps) {
            assertThat(nap.get().statusCode()).isEqualTo(200);
        }
        assertThat(app.get(path.replace("=2", "=0"), app.viewer).statusCode()).isEqualTo(200);
    }

    @Test
    void a_report_over_its_time_limit_is_stopped_with_a_503_naming_the_limit_not_a_500() {
        HttpResponse<String> nap = app.get("/api/reports/" + TestServer.SLOW_REPORT + "?seconds=8", app.viewer);
        assertThat(nap.statusCode()).as(nap.body()).isEqualTo(503);
        assertThat(nap.body()).contains("report " + TestServer.SLOW_REPORT + " took longer than 4 s and was stopped");
        // asking the same again would be stopped again: nothing says to retry
        assertThat(nap.headers().firstValue("Retry-After")).isEmpty();
        assertThat(app.get("/api/reports/" + TestServer.SLOW_REPORT + "?seconds=0", app.viewer).statusCode())
                .isEqualTo(200);
    }

    @Test
    void reports_using_every_connection_of_their_pool_starve_neither_writes_nor_health() throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(app.server.reportPool().getConnection());
            }
            long started = System.nanoTime();
            assertThat(app.get("/api/health", null).statusCode()).isEqualTo(200);
            HttpResponse<String> events = app.send(HttpRequest.newBuilder(URI.create(app.url("/api/events")))
                    .POST(HttpRequest.BodyPublishers.ofString("[" + PAGE_VIEW + "]"))
                    .header("Content-Type", "application/json"), app.admin);
            assertThat(events.statusCode()).as(events.body()).isEqualTo(201);
            assertThat(app.post("/api/tokens", app.admin, "{\"role\": \"viewer\"}").statusCode()).isEqualTo(201);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));

            // a report waits for a connection of its own pool, then says it is busy: 503, not 500
            HttpResponse<String> report = app.get("/api/reports/daily_revenue", app.viewer, "Cache-Control", "no-cache");
            assertThat(report.statusCode()).as(report.body()).isEqualTo(503);
            assertThat(report.headers().firstValue("Retry-After")).isPresent();
            assertThat(report.body()).contains("every connection for reports is busy");
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
        assertThat(app.get("/api/reports/daily_revenue", app.viewer).statusCode()).isEqualTo(200);
    }

    private static CompletableFuture<HttpResponse<String>> async(String path, String token) {
        return app.http().sendAsync(HttpRequest.newBuilder(URI.create(app.url(path)))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitSleeping(int reports) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Connection c = app.database.connection(); var s = c.createStatement();
                    var rs = s.executeQuery("select count(*) from pg_stat_activity where query like '%pg_sleep%'"
                            + " and state = 'active' and pid <> pg_backend_pid()")) {
                rs.next();
                if (rs.getInt(1) >= reports) {
                    return;
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            Thread.sleep(50);
        }
        throw new AssertionError(reports + " reports never ran at once");
    }

    private static void awaitInFlight(long bytes) throws InterruptedException {
        for (int i = 0; i < 100 && app.server.eventBytesInFlight() != bytes; i++) {
            Thread.sleep(50);
        }
        assertThat(app.server.eventBytesInFlight()).isEqualTo(bytes);
    }

    private static void writeChunk(OutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static String readStatusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
