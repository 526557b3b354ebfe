package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a request costs beyond its report's SQL: its token is checked from memory, a repeat
 * question about unchanged data is answered 304 without the SQL, and answers are compressed.
 */
class ApiCostTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    /** One report at a time per token. */
    @RegisterExtension
    static final TestServer limited = TestServer.start(new WebServer.Limits(32L * 1024 * 1024, 1, 4,
            WebServer.Limits.DEFAULT.reportTimeout()));

    private static final String DAILY = "/api/reports/daily_revenue?as_of=2026-06-30T12:00";

    @Test
    void a_token_is_looked_up_in_the_database_at_most_once_per_validity_period() {
        String token = app.server.tokens().create(Role.VIEWER, "counted", Optional.empty()).token();
        long before = app.server.tokens().lookups();
        long start = System.nanoTime();
        for (int i = 0; i < 30; i++) {
            assertThat(app.get("/api/me", token).statusCode()).isEqualTo(200);
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        long lookups = app.server.tokens().lookups() - before;
        // one look-up, and one more each time the cached word on it grew stale while the loop ran
        assertThat(lookups).isBetween(1L, 1 + elapsedMillis / TokenCache.VALIDITY.toMillis());
        assertThat(lookups).isLessThan(30);
    }

    @Test
    void a_token_revoked_by_another_process_stops_working_within_a_second() throws Exception {
        TokenStore.IssuedToken token = app.server.tokens().create(Role.VIEWER, "revoked elsewhere", Optional.empty());
        assertThat(app.get("/api/me", token.token()).statusCode()).isEqualTo(200); // now cached
        // as 'shopflow token revoke' does: its own store, straight into the database
        assertThat(new TokenStore(app.database.dataSource(), Clock.systemUTC()).revoke(token.id())).isTrue();
        long revokedAt = System.nanoTime();
        int status = 200;
        while (status == 200 && System.nanoTime() - revokedAt < Duration.ofSeconds(3).toNanos()) {
            status = app.get("/api/me", token.token()).statusCode();
        }
        long tookMillis = (System.nanoTime() - revokedAt) / 1_000_000;
        assertThat(status).isEqualTo(401);
        assertThat(tookMillis).isLessThan(1000);
    }

    @Test
    void a_token_revoked_through_this_server_stops_working_at_once() {
        TokenStore.IssuedToken token = app.server.tokens().create(Role.VIEWER, "revoked here", Optional.empty());
        assertThat(app.get("/api/me", token.token()).statusCode()).isEqualTo(200);
        assertThat(app.delete("/api/tokens/" + token.id(), app.admin).statusCode()).isEqualTo(204);
        assertThat(app.get("/api/me", token.token()).statusCode()).isEqualTo(401);
    }

    @Test
    void a_repeat_request_with_the_etag_answers_304_until_the_data_changes() throws Exception {
        // Asked again at once, unless a write came between the two (the server's own jobs write too:
        // the alert evaluation at start and every minute): each write is a new snapshot, a new tag.
        HttpResponse<String> first = null;
        HttpResponse<String> again = null;
        HttpResponse<String> listed = null;
        for (int attempt = 0; attempt < 5 && (listed == null || listed.statusCode() != 304); attempt++) {
            first = app.get(DAILY, app.viewer);
            String tag = first.headers().firstValue("ETag").orElseThrow();
            again = app.get(DAILY, app.viewer, "If-None-Match", tag);
            // a list naming it, and the strong form, match too (If-None-Match compares weakly)
            listed = app.get(DAILY, app.viewer, "If-None-Match", "\"other\", " + tag.substring(2));
        }
        assertThat(first.statusCode()).isEqualTo(200);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).startsWith("W/\"");
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("private, no-cache");
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("ETag")).hasValue(etag);
        assertThat(listed.statusCode()).isEqualTo(304);

        // another question, another tag: parameters, as_of, format, and a role that sees personal data
        assertThat(app.get(DAILY + "&days=7", app.viewer, "If-None-Match", etag).statusCode()).isEqualTo(200);
        assertThat(app.get(DAILY.replace("12:00", "12:01"), app.viewer, "If-None-Match", etag).statusCode())
                .isEqualTo(200);
        assertThat(app.get(DAILY + "&format=csv", app.analyst, "If-None-Match", etag).statusCode()).isEqualTo(200);
        assertThat(app.get(DAILY, app.analyst, "If-None-Match", etag).statusCode()).isEqualTo(200);

        // a write to a table the reports read (not orders: any of them): the very next request gets a new answer
        app.sql("update products set name = name || ' (renamed)' where product_id = (select min(product_id) from products)");
        HttpResponse<String> changed = app.get(DAILY, app.viewer, "If-None-Match", etag);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.headers().firstValue("ETag")).isPresent().isNotEqualTo(Optional.of(etag));
        assertThat(changed.body()).isEqualTo(first.body()); // the same rows: the rename moved no figure
    }

    @Test
    void clients_asking_the_same_question_share_one_answer_until_the_data_changes() throws Exception {
        // "as of now": an answer computed anew states the moment it was computed, to the microsecond,
        // so two equal bodies are one computation. Asked within one clock minute (one tag), retried
        // if a minute turned in between.
        String now = "/api/reports/revenue_summary";
        String colleague = app.server.tokens().create(Role.VIEWER, "a second screen", Optional.empty()).token();
        HttpResponse<String> mine = null;
        HttpResponse<String> theirs = null;
        for (int attempt = 0; attempt < 3 && (theirs == null || !sameTag(mine, theirs)); attempt++) {
            mine = app.get(now, app.viewer);
            theirs = app.get(now, colleague);
        }
        assertThat(theirs.statusCode()).isEqualTo(200);
        assertThat(theirs.body()).isEqualTo(mine.body());

        // Cache-Control: no-cache asks for the answer computed anew: a later moment
        HttpResponse<String> anew = app.get(now, colleague, "Cache-Control", "no-cache");
        assertThat(anew.statusCode()).isEqualTo(200);
        assertThat(asOf(anew)).isAfter(asOf(mine));

        // a write to a table the reports read: the very next answer is computed for the new data
        String before = mine.headers().firstValue("ETag").orElseThrow();
        app.sql("update products set name = name || ' (shared)' where product_id = (select min(product_id) from products)");
        HttpResponse<String> after = app.get(now, app.viewer);
        assertThat(after.headers().firstValue("ETag")).isPresent().isNotEqualTo(Optional.of(before));
        assertThat(asOf(after)).isAfter(asOf(mine));
    }

    @Test
    void an_answer_asked_right_after_a_write_shows_the_write() throws Exception {
        // as a script would: read, write, read again at once (no wait for the change notification)
        String top = "/api/reports/top_products?as_of=2026-06-30T12:00&limit=1";
        for (int round = 1; round <= 20; round++) {
            HttpResponse<String> shown = app.get(top, app.viewer);
            assertThat(shown.statusCode()).isEqualTo(200);
            assertThat(app.get(top, app.viewer).body()).isEqualTo(shown.body()); // kept, and served
            String name = "Renamed product " + round;
            app.sql("update products set name = '" + name + "' where product_id = "
                    + firstRow(shown).get("product_id").asLong());
            HttpResponse<String> next = app.get(top, app.viewer);
            assertThat(firstRow(next).get("product_name").asText()).as("round " + round).isEqualTo(name);
            assertThat(app.get(top, app.viewer, "If-None-Match", shown.headers().firstValue("ETag").orElseThrow())
                    .statusCode()).as("round " + round).isEqualTo(200);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode firstRow(HttpResponse<String> answer) throws Exception {
        return shopflow.reports.ReportFormat.JSON_MAPPER.readTree(answer.body()).get("rows").get(0);
    }

    private static boolean sameTag(HttpResponse<String> one, HttpResponse<String> other) {
        return one.headers().firstValue("ETag").equals(other.headers().firstValue("ETag"));
    }

    private static java.time.OffsetDateTime asOf(HttpResponse<String> answer) throws Exception {
        return java.time.OffsetDateTime.parse(
                shopflow.reports.ReportFormat.JSON_MAPPER.readTree(answer.body()).get("as_of").asText());
    }

    @Test
    void a_304_is_answered_without_running_the_report() throws Exception {
        String token = limited.server.tokens().create(Role.VIEWER, "one report at a time", Optional.empty()).token();
        String colleague = limited.server.tokens().create(Role.VIEWER, "another viewer", Optional.empty()).token();
        assertThat(limited.get(DAILY, token).statusCode()).isEqualTo(200);
        // the token's one report slot taken by a slow report: any report it runs now is refused (429)
        CompletableFuture<HttpResponse<String>> slow = slowReport(token);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int status = 200;
        while (status != 429 && System.nanoTime() < deadline) {
            if (slow.isDone() && slow.get().statusCode() == 429) {
                slow = slowReport(token); // it asked while a probe below held the slot: ask again
            }
            Thread.sleep(50);
            status = limited.get(DAILY + "&days=2", token).statusCode();
        }
        assertThat(status).as("the slow report holds the slot").isEqualTo(429);
        // ...but a question whose answer the client holds is answered without running it. The tag is
        // read again (as another viewer) just before: the server's own jobs (the fold, the alerts'
        // evaluation, the daily refit) change the data version now and then, which a loaded machine
        // can put between the first answer and this question.
        int revalidated = 0;
        for (int attempt = 0; attempt < 3 && revalidated != 304; attempt++) {
            String etag = limited.get(DAILY, colleague).headers().firstValue("ETag").orElseThrow();
            revalidated = limited.get(DAILY, token, "If-None-Match", etag).statusCode();
        }
        assertThat(revalidated).isEqualTo(304);
        assertThat(slow.get().statusCode()).isEqualTo(200);
    }

    private CompletableFuture<HttpResponse<String>> slowReport(String token) {
        return CompletableFuture.supplyAsync(
                () -> limited.get("/api/reports/" + TestServer.SLOW_REPORT + "?seconds=5", token));
    }

    @Test
    void answers_are_gzip_compressed_for_a_client_that_accepts_it() throws Exception {
        String plain = app.get(DAILY, app.viewer).body();
        assertThat(plain.length()).isGreaterThan(1500); // over the size worth compressing
        HttpResponse<byte[]> compressed = app.http().send(HttpRequest.newBuilder(URI.create(app.url(DAILY)))
                .header("Authorization", "Bearer " + app.viewer).header("Accept-Encoding", "gzip").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(compressed.statusCode()).isEqualTo(200);
        assertThat(compressed.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(compressed.body().length).isLessThan(plain.length() / 3);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(plain);
        }
    }
}
