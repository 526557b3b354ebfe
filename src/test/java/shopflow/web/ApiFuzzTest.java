package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportFormat;
import shopflow.reports.ReportParameter;

/**
 * A corpus of hostile input against every route: deep nesting, huge and tiny numbers, odd
 * encodings, extreme dates, every parameter of every report. Every answer is 2xx or 4xx, never
 * 5xx; every refusal is JSON naming what was wrong; and nothing a refused request sent changes the
 * database.
 */
class ApiFuzzTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    /** Values no parameter of any type should turn into a 500. */
    private static final List<String> ODD_VALUES = List.of("", " ", "-1", "0", "-0", "2147483648", "-2147483649",
            "9".repeat(400), "1e999999999", "1e-16384", "1e-16383", "-1e-400", "NaN", "Infinity", "-Infinity", "0x10",
            "1_000", "1,5", "\uff17", "7\u0000", "'; drop table orders; --", "\ud83d\ude00", "x".repeat(5000),
            "null", "true", "[1]", "{}", "%", "\\", "\u202e7");
    /** Moments: out of range, not moments at all, or nearly moments. */
    private static final List<String> ODD_MOMENTS = List.of("-5000-01-01", "0000-01-01", "0001-01-01T00:00Z",
            "infinity", "-infinity", "+infinity", "epoch", "now", "today", "allballs", "+300000-01-01", "294277-01-01",
            "+294277-01-01T00:00Z", "-4714-11-24", "1999-12-31T23:59:59Z", "2100-01-01", "9999-12-31T23:59:59.999999999Z",
            "2026-02-30", "2026-06-30T25:00", "2026-06-30T12:00+25:00", "2026-06-30T12:00:00.1234567891Z",
            "2026-06-30T12:00 Europe/London", "\u0032\u0030\u0032\u0036-06-30\u0000", "2026\u201006\u201030",
            "1" + "0".repeat(300), "2026-06-30".repeat(100));

    private final List<String> failures = new ArrayList<>();

    @BeforeAll
    static void stock() {
        // so that an order's only fault is the one the corpus put in it
        app.sql("""
                insert into products (product_id, sku, name, list_price) values (1, 'FUZZ', 'Fuzz', 5.00);
                insert into inventory (product_id, warehouse, quantity) values (1, 'north', 1000);
                """);
    }

    @Test
    void no_report_parameter_or_as_of_value_gives_a_5xx_and_reports_change_nothing() {
        Map<String, String> before = checksums();
        int requests = 0;
        for (Report report : ReportCatalog.load().all()) {
            String base = "/api/reports/" + report.name();
            for (String moment : ODD_MOMENTS) {
                HttpResponse<String> response = app.get(base + "?as_of=" + encode(moment), app.admin);
                requests++;
                expectRefused(report.name() + " as_of=" + abbreviate(moment), response, "as_of");
            }
            for (ReportParameter parameter : report.parameters()) {
                for (String value : ODD_VALUES) {
                    HttpResponse<String> response = app.get(base + "?" + parameter.name() + "=" + encode(value), app.admin);
                    requests++;
                    expectNo5xx(report.name() + " " + parameter.name() + "=" + abbreviate(value), response);
                }
            }
            for (String query : List.of("format=xml", "format=", "as_of=2026-06-30&as_of=2026-06-29", "%FF=1",
                    "days=%FF", "as_of=%FF%FE", "as_of=%C0%AF", "as_of=%ED%A0%80", "a=" + "%41".repeat(1000),
                    "as_of=2026-06-30%00", "\u00e9=1")) {
                HttpResponse<String> response = app.get(base + "?" + query, app.admin);
                requests++;
                expectNo5xx(report.name() + " ?" + abbreviate(query), response);
            }
        }
        System.out.printf("fuzz: %d report requests, %d unexpected answers%n", requests, failures.size());
        assertThat(failures).isEmpty();
        assertThat(checksums()).isEqualTo(before);
    }

    @Test
    void no_body_gives_a_5xx_and_refused_bodies_change_nothing() {
        List<byte[]> bodies = new ArrayList<>();
        for (String text : List.of("", " ", "null", "0", "\"x\"", "[]", "{}", "[".repeat(1500) + "]".repeat(1500),
                "{\"a\":".repeat(1500) + "1" + "}".repeat(1500), "[".repeat(999) + "]".repeat(999),
                "{\"customer_id\": 1e400, \"items\": [{\"product_id\": 1, \"quantity\": 1}]}",
                "{\"customer_id\": -1e-400, \"items\": []}",
                "{\"customer_id\": 1, \"items\": [{\"product_id\": 99999999999999999999999999, \"quantity\": 1e999}]}",
                "{\"customer_id\": 1, \"items\": [{\"product_id\": 1, \"quantity\": 1}], \"session_id\": \"\\ud800\"}",
                "{\"customer_id\": 1, \"items\": [{\"product_id\": 1, \"quantity\": 1}], \"coupon_code\": \"\\u0000\"}",
                "{\"status\": \"\\udfff\"}", "{\"status\": " + "9".repeat(5000) + "}", "{\"role\": \"admin\", \"expires\": \"9999999d\"}",
                "{\"role\": \"viewer\", \"label\": \"\\ud800\", \"expires\": \"0m\"}",
                "{\"role\": \"viewer\", \"label\": \"x\\udc00\"}",
                "{\"customer_id\": 1, \"items\": [{\"product_id\": 1, \"quantity\": 1}], \"session_id\": \"s\\udbff\"}",
                "{\"role\": [\"admin\"]}", "\ufeff{\"status\": \"shipped\"}",
                "[{\"type\": \"page_view\", \"session_id\": \"s\", \"page_url\": \"/\", \"viewed_at\": \"0000-01-01T00:00:00Z\"}]",
                "[{\"type\": \"page_view\", \"session_id\": \"s\", \"page_url\": \"/\", \"viewed_at\": \"-5000-01-01T00:00:00Z\"}]",
                "[{\"type\": \"page_view\", \"session_id\": \"s\", \"page_url\": \"/\", \"viewed_at\": \"+294277-01-01T00:00:00Z\"}]",
                "[{\"type\": \"page_view\", \"session_id\": \"s\", \"page_url\": \"/\", \"viewed_at\": \"infinity\"}]",
                "[{\"type\": \"cart_event\", \"session_id\": \"s\", \"product_id\": 1e400, \"action\": \"add\", \"quantity\": 1}]",
                "[{\"type\": \"cart_event\", \"session_id\": \"s\", \"product_id\": 1, \"action\": \"add\", \"quantity\": -1e-400}]",
                "[{\"type\": \"page_view\", \"session_id\": \"s\\ud800\", \"page_url\": \"/\"}]",
                "[{\"type\": \"page_view\", \"session_id\": \"s\", \"page_url\": \"/\\u0000\"}]",
                "{\"type\": \"page_view\", \"session_id\": \"s\", \"page_url\": \"/\", \"time_on_page\": 1e999}\n{")) {
            bodies.add(text.getBytes(StandardCharsets.UTF_8));
        }
        bodies.add(new byte[] {(byte) 0xff, (byte) 0xfe, '[', ']'});
        bodies.add(new byte[] {'{', '"', 's', 't', 'a', 't', 'u', 's', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'});
        bodies.add(("[{\"type\": \"page_view\", \"session_id\": \"s").getBytes(StandardCharsets.UTF_8));
        bodies.add(concat("{\"type\": \"page_view\", \"session_id\": \"", new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                "\", \"page_url\": \"/\"}"));
        bodies.add(concat("[{\"type\": \"page_view\", \"session_id\": \"", new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                "\", \"page_url\": \"/\"}]"));
        bodies.add(concat("{\"type\": \"page_view\", \"session_id\": \"", new byte[] {(byte) 0x80}, "\", \"page_url\": \"/\"}"));

        int requests = 0;
        for (String path : List.of("/api/orders", "/api/orders/1/status", "/api/tokens", "/api/events",
                "/api/events/ticket")) {
            for (String type : List.of("application/json", "application/x-ndjson", "text/plain; charset=utf-16")) {
                for (byte[] body : bodies) {
                    Map<String, String> before = checksums();
                    HttpResponse<String> response = app.send(HttpRequest.newBuilder(URI.create(app.url(path)))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", type), app.admin);
                    requests++;
                    String name = "POST " + path + " (" + type + ") " + abbreviate(new String(body, StandardCharsets.UTF_8));
                    if (path.equals("/api/events/ticket")) {
                        expectNo5xx(name, response); // a ticket ignores its body: 200
                    } else {
                        expectRefused(name, response, null);
                        if (!checksums().equals(before)) {
                            failures.add(name + ": changed the database");
                        }
                    }
                }
            }
        }
        System.out.printf("fuzz: %d bodies posted, %d unexpected answers%n", requests, failures.size());
        assertThat(failures).isEmpty();
    }

    @Test
    void odd_tokens_paths_and_methods_get_4xx() {
        for (String token : List.of("", "sf_", "sf_" + "A".repeat(5000), "Bearer", "sf_%FF", "sf_\u00e9")) {
            HttpResponse<String> response = app.get("/api/me", token);
            expectRefused("token " + abbreviate(token), response, null);
        }
        for (String path : List.of("/api/reports/%FF", "/api/reports/..%2F..%2Fetc%2Fpasswd", "/api/reports/" + "r".repeat(3000),
                "/api/tokens/99999999999999999999999", "/api/tokens/-1", "/api/orders/2147483648/status",
                "/api/reports/daily_revenue/extra", "/api/%00")) {
            for (String method : List.of("GET", "HEAD", "POST", "DELETE", "PUT", "PATCH", "OPTIONS")) {
                HttpResponse<String> response = null;
                // once more on a fresh connection if the pooled one was closed by the previous refusal
                for (int attempt = 1; response == null; attempt++) {
                    try {
                        response = app.send(HttpRequest.newBuilder(URI.create(app.url(path)))
                                .method(method, HttpRequest.BodyPublishers.ofString("{}"))
                                .header("Content-Type", "application/json"), app.admin);
                    } catch (RuntimeException noAnswer) {
                        if (attempt == 2) {
                            failures.add(method + " " + abbreviate(path) + ": no answer (" + noAnswer.getMessage() + ")");
                            break;
                        }
                    }
                }
                if (response == null) {
                    continue;
                }
                expectNo5xx(method + " " + abbreviate(path), response);
            }
        }
        assertThat(failures).isEmpty();
    }

    private void expectNo5xx(String name, HttpResponse<String> response) {
        if (response.statusCode() >= 500) {
            failures.add(name + ": " + response.statusCode() + " " + abbreviate(response.body()));
        }
    }

    /** A 4xx, as JSON naming the problem (and {@code field}, when given). */
    private void expectRefused(String name, HttpResponse<String> response, String field) {
        if (response.statusCode() < 400 || response.statusCode() >= 500) {
            failures.add(name + ": expected a 4xx, got " + response.statusCode() + " " + abbreviate(response.body()));
            return;
        }
        try {
            JsonNode body = ReportFormat.JSON_MAPPER.readTree(response.body());
            if (!body.hasNonNull("error") || !body.has("field")) {
                failures.add(name + ": a refusal without error and field: " + abbreviate(response.body()));
            } else if (field != null && !field.equals(body.get("field").asText())) {
                failures.add(name + ": names field " + body.get("field") + ", not " + field);
            }
        } catch (Exception notJson) {
            failures.add(name + ": a refusal that is not JSON: " + abbreviate(response.body()));
        }
    }

    private static byte[] concat(String head, byte[] middle, String tail) {
        byte[] a = head.getBytes(StandardCharsets.UTF_8);
        byte[] c = tail.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(middle, 0, out, a.length, middle.length);
        System.arraycopy(c, 0, out, a.length + middle.length, c.length);
        return out;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...(" + text.length() + " chars)";
    }

    /** md5 of every shop table and of the tokens (not the rollups: derived, and folded at any moment). */
    private static Map<String, String> checksums() {
        Map<String, String> sums = new LinkedHashMap<>();
        try (Connection c = app.database.connection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = s.executeQuery("select table_name from information_schema.tables"
                    + " where table_schema = 'public' and table_type = 'BASE TABLE'"
                    + " and table_name <> 'flyway_schema_history' and table_name not like 'rollup\\_%' order by 1")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            tables.add("api.tokens");
            for (String table : tables) {
                try (ResultSet rows = s.executeQuery("select md5(coalesce(string_agg(t::text, ',' order by t::text), ''))"
                        + " from " + table + " t")) {
                    rows.next();
                    sums.put(table, rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return sums;
    }
}
