package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.web.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP API over real HTTP on a real database; expected numbers worked out by hand from web/fixture.sql. */
class WebApiTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    /** 2026-06-30 12:00 in London (BST). */
    private static final String AS_OF = "as_of=2026-06-30T12:00";

    private static void assertError(HttpResponse<String> response, int status, String field, String... words) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = json(response);
        assertThat(body.has("error") && body.has("field")).as(response.body()).isTrue();
        assertThat(body.get("field").isNull() ? null : body.get("field").asText()).isEqualTo(field);
        assertThat(body.get("error").asText()).contains(words);
    }

    @Test
    void health_answers_without_a_token_with_the_schema_version() throws Exception {
        HttpResponse<String> response = app.get("/api/health", null);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("status").asText()).isEqualTo("ok");
        assertThat(body.at("/database/reachable").asBoolean()).isTrue();
        assertThat(body.at("/database/schema_version").asText()).isEqualTo(latestMigration());
    }

    @Test
    void the_shop_of_the_fixture_is_no_imported_history_and_opens_on_now() {
        HttpResponse<String> response = app.get("/api/shop", app.viewer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("imported").asBoolean()).isFalse();
        assertThat(body.get("newest_order_at").isNull()).isFalse();
        assertThat(body.get("opens_as_of").isNull()).isTrue();
        assertThat(body.get("missing").size()).isZero();
        assertError(app.get("/api/shop", null), 401, "authorization", "Authorization: Bearer");
    }

    @Test
    void the_catalog_lists_reports_with_parameters_and_column_units() {
        JsonNode body = json(app.get("/api/reports", app.viewer));
        JsonNode daily = find(body.get("reports"), "daily_revenue");
        assertThat(daily.get("audience").asText()).isEqualTo("aggregate");
        assertThat(daily.get("readable").asBoolean()).isTrue();
        JsonNode days = daily.at("/parameters/0");
        assertThat(days.get("name").asText()).isEqualTo("days");
        assertThat(days.get("type").asText()).isEqualTo("integer");
        assertThat(days.get("default").asText()).isEqualTo("30");
        assertThat(days.get("min").asInt()).isEqualTo(1);
        assertThat(days.get("max").asInt()).isEqualTo(3660);
        JsonNode summary = find(body.get("reports"), "revenue_summary");
        assertThat(summary.at("/columns/0/name").asText()).isEqualTo("period");
        assertThat(summary.at("/columns/7/name").asText()).isEqualTo("net_sales");
        assertThat(summary.at("/columns/7/unit").asText()).isEqualTo("GBP");
        assertThat(find(body.get("reports"), TestServer.CUSTOMER_REPORT).get("readable").asBoolean()).isFalse();
        assertThat(body.get("role").asText()).isEqualTo("viewer");
    }

    /** The highest version among the versioned migration files, as Flyway writes it (V2_1__x.sql would be 2.1). */
    private static String latestMigration() throws Exception {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of(
                WebApiTest.class.getResource("/db/migration").toURI()))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.matches("V[0-9_]+__.*\\.sql"))
                    .map(f -> f.substring(1, f.indexOf("__")).replace('_', '.'))
                    .max(java.util.Comparator.comparing((String v) -> java.util.Arrays.stream(v.split("\\."))
                            .mapToInt(Integer::parseInt).toArray(), java.util.Arrays::compare))
                    .orElseThrow();
        }
    }

    private static JsonNode find(JsonNode reports, String name) {
        return StreamSupport.stream(reports.spliterator(), false)
                .filter(report -> report.get("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no report " + name + " in " + reports));
    }

    @Test
    void revenue_summary_gives_the_hand_computed_totals_as_of_a_moment() {
        HttpResponse<String> response = app.get("/api/reports/revenue_summary?" + AS_OF, app.viewer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("report").asText()).isEqualTo("revenue_summary");
        assertThat(body.get("as_of").asText()).isEqualTo("2026-06-30T12:00:00+01:00");
        // Net sales (each order one line at its subtotal, no VAT, shipping or discounts): order 1 today (100.00);
        // order 2 six days before (50.50); order 3 placed 2 June and cancelled an hour later (20.00 sold, 20.00
        // returned); order 4 in May (200.00); 5 in January (30.00); 6 after as_of.
        JsonNode rows = body.get("rows");
        assertThat(rows.findValuesAsText("period")).containsExactly("today", "last_7_days", "month_to_date", "year_to_date");
        assertThat(rows.findValuesAsText("net_sales")).containsExactly("100.0", "150.5", "150.5", "380.5"); // JSON numbers
        assertThat(rows.findValuesAsText("orders")).containsExactly("1", "2", "3", "5");
        assertThat(rows.findValuesAsText("returns")).containsExactly("0.0", "0.0", "20.0", "20.0");
        // June to the 30th against 1-30 May 12:00 (order 4): (150.50 - 200.00) / 200.00 = -24.8 %
        JsonNode month = rows.get(2);
        assertThat(month.get("compare_net_sales").decimalValue()).isEqualByComparingTo("200.00");
        assertThat(month.get("net_sales_growth_pct").decimalValue()).isEqualByComparingTo("-24.8");
        assertThat(month.get("compare_starts_at").asText()).isEqualTo("2026-05-01T00:00:00+01:00");
        assertThat(month.get("compare_ends_at").asText()).isEqualTo("2026-05-30T12:00:00+01:00");
        assertThat(rows.get(0).get("net_sales_growth_pct").isNull()).isTrue(); // nothing on Tuesday 23 June
    }

    @Test
    void daily_revenue_takes_its_days_parameter_from_the_query_string() {
        JsonNode body = json(app.get("/api/reports/daily_revenue?days=7&" + AS_OF, app.viewer));
        JsonNode rows = body.get("rows");
        assertThat(rows).hasSize(7);
        assertThat(rows.get(0).get("day").asText()).isEqualTo("2026-06-24");
        assertThat(rows.get(1).get("net_sales").decimalValue()).isEqualByComparingTo("50.50");
        assertThat(rows.get(1).get("complete").asBoolean()).isTrue();
        assertThat(rows.get(6).get("day").asText()).isEqualTo("2026-06-30");
        assertThat(rows.get(6).get("orders").asInt()).isEqualTo(1);
        assertThat(rows.get(6).get("net_sales").decimalValue()).isEqualByComparingTo("100.00");
        assertThat(rows.get(6).get("complete").asBoolean()).isFalse(); // as_of's day, not over
        assertThat(body.at("/parameters/days").asInt()).isEqualTo(7);
    }

    @Test
    void analysts_get_csv_by_accept_header_or_format_parameter() {
        HttpResponse<String> byHeader = app.get("/api/reports/revenue_summary?" + AS_OF, app.analyst, "Accept", "text/csv");
        assertThat(byHeader.statusCode()).isEqualTo(200);
        assertThat(byHeader.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(byHeader.body().lines().toList()).hasSize(5).first().isEqualTo("period,starts_at,ends_at,orders,gross_sales,"
                + "discounts,returns,net_sales,shipping,taxes,total_sales,average_order_value,compare_starts_at,"
                + "compare_ends_at,compare_orders,compare_net_sales,net_sales_growth_pct");
        assertThat(byHeader.body().lines().toList().get(3)).isEqualTo("month_to_date,\"2026-06-01T00:00+01:00\","
                + "\"2026-06-30T12:00+01:00\",3,170.50,0.00,20.00,150.50,0.00,0.00,150.50,50.17,\"2026-05-01T00:00+01:00\","
                + "\"2026-05-30T12:00+01:00\",1,200.00,-24.8");
        HttpResponse<String> byParam = app.get("/api/reports/revenue_summary?format=csv&" + AS_OF, app.admin);
        assertThat(byParam.body()).isEqualTo(byHeader.body());
    }

    @Test
    void viewers_may_not_export_csv() {
        assertError(app.get("/api/reports/revenue_summary?format=csv", app.viewer), 403, null, "CSV", "analyst");
        assertError(app.get("/api/reports/revenue_summary", app.viewer, "Accept", "text/csv"), 403, null, "analyst");
    }

    @Test
    void customer_level_reports_are_for_analysts_and_admins() {
        assertError(app.get("/api/reports/" + TestServer.CUSTOMER_REPORT, app.viewer), 403, null, "analyst role",
                "viewer");
        for (String token : List.of(app.analyst, app.admin)) {
            JsonNode body = json(app.get("/api/reports/" + TestServer.CUSTOMER_REPORT, token));
            assertThat(body.at("/rows/0/email").asText()).isEqualTo("alice@example.com");
        }
    }

    @Test
    void viewers_see_personal_columns_masked_and_analysts_in_clear() {
        JsonNode masked = json(app.get("/api/reports/" + TestServer.PERSONAL_REPORT, app.viewer)).get("rows");
        assertThat(masked.findValuesAsText("email"))
                .containsExactly("a***@example.com", "b***@example.org", "c***@example.net");
        assertThat(masked.findValuesAsText("customer_id")).containsExactly("1", "2", "3");
        JsonNode clear = json(app.get("/api/reports/" + TestServer.PERSONAL_REPORT, app.analyst)).get("rows");
        assertThat(clear.findValuesAsText("email"))
                .containsExactly("alice@example.com", "bob@example.org", "carol@example.net");
    }

    @Test
    void a_missing_or_malformed_or_unknown_token_gets_401() {
        assertError(app.get("/api/reports", null), 401, "authorization", "Authorization: Bearer");
        assertError(app.get("/api/reports", null, "Authorization", "Basic dXNlcjpwYXNz"), 401, "authorization", "Bearer");
        assertError(app.get("/api/reports", "not-a-token"), 401, "authorization", "not a ShopFlow token");
        assertError(app.get("/api/reports", "sf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 401, "authorization",
                "unknown token");
    }

    @Test
    void an_expired_token_gets_401_naming_when_it_expired() {
        // Created a week ago, valid for a day.
        TokenStore lastWeek = new TokenStore(app.database.dataSource(), Clock.offset(Clock.systemUTC(), Duration.ofDays(-7)));
        TokenStore.IssuedToken token = lastWeek.create(Role.ADMIN, "old", Optional.of(Duration.ofDays(1)));
        assertError(app.get("/api/reports", token.token()), 401, "authorization", "token " + token.id() + " expired at");
    }

    @Test
    void admins_create_and_revoke_tokens_and_a_revoked_token_stops_working() {
        HttpResponse<String> created = app.post("/api/tokens", app.admin,
                "{\"role\": \"analyst\", \"label\": \"campaign export\", \"expires\": \"2h\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode token = json(created);
        assertThat(token.get("token").asText()).startsWith("sf_").hasSize(3 + 43);
        assertThat(token.get("role").asText()).isEqualTo("analyst");
        String secret = token.get("token").asText();
        assertThat(app.get("/api/reports/" + TestServer.CUSTOMER_REPORT, secret).statusCode()).isEqualTo(200);

        JsonNode listed = json(app.get("/api/tokens", app.admin));
        assertThat(listed.toString()).contains("campaign export").doesNotContain(secret);

        HttpResponse<String> revoked = app.delete("/api/tokens/" + token.get("id").asLong(), app.admin);
        assertThat(revoked.statusCode()).isEqualTo(204);
        assertError(app.get("/api/reports", secret), 401, "authorization", "revoked at");
        assertError(app.delete("/api/tokens/" + token.get("id").asLong(), app.admin), 404, "id", "no active token");
    }

    @Test
    void only_admins_manage_tokens() {
        assertError(app.post("/api/tokens", app.analyst, "{\"role\": \"admin\"}"), 403, null, "admin role");
        assertError(app.get("/api/tokens", app.viewer), 403, null, "admin role");
        assertError(app.delete("/api/tokens/1", app.viewer), 403, null, "admin role");
    }

    @Test
    void a_bad_token_request_names_the_field_and_creates_nothing() {
        int before = app.server.tokens().list().size();
        assertError(app.post("/api/tokens", app.admin, "{\"role\": \"owner\"}"), 400, "role", "viewer, analyst, admin");
        assertError(app.post("/api/tokens", app.admin, "{\"role\": \"viewer\", \"expires\": \"soon\"}"), 400,
                "expires", "30d");
        assertError(app.post("/api/tokens", app.admin, "{\"role\": \"viewer\", \"colour\": 1}"), 400, "colour",
                "unknown field");
        assertError(app.post("/api/tokens", app.admin, "{not json"), 400, "body", "JSON");
        assertThat(app.server.tokens().list()).hasSize(before);
    }

    @Test
    void an_unknown_report_gets_404_with_the_closest_name() {
        assertError(app.get("/api/reports/daily_revenu", app.viewer), 404, "report", "unknown report 'daily_revenu'",
                "did you mean 'daily_revenue'", "GET /api/reports");
    }

    @Test
    void an_unknown_route_gets_a_json_404() {
        assertError(app.get("/api/nothing-here", app.viewer), 404, null, "no such page", "/api/nothing-here");
    }

    @Test
    void bad_parameters_get_400_naming_the_field() {
        assertError(app.get("/api/reports/daily_revenue?days=abc", app.viewer), 400, "days", "whole number");
        assertError(app.get("/api/reports/daily_revenue?days=0", app.viewer), 400, "days", "from 1 to 3660");
        assertError(app.get("/api/reports/daily_revenue?weeks=2", app.viewer), 400, "weeks", "it takes days");
        assertError(app.get("/api/reports/daily_revenue?days=1&days=2", app.viewer), 400, "days", "once");
        assertError(app.get("/api/reports/daily_revenue?as_of=yesterday", app.viewer), 400, "as_of", "2026-06-30");
        assertError(app.get("/api/reports/daily_revenue?format=xml", app.viewer), 400, "format", "json or csv");
    }

    @Test
    void an_oversized_request_gets_413_and_changes_nothing() {
        int before = app.server.tokens().list().size();
        String huge = "{\"role\": \"viewer\", \"label\": \"" + "x".repeat(200_000) + "\"}";
        HttpResponse<String> response = app.post("/api/tokens", app.admin, huge);
        assertError(response, 413, null, "at most 65536");
        assertThat(app.server.tokens().list()).hasSize(before);
    }

    @Test
    void a_failing_report_gets_a_generic_500_and_the_detail_goes_to_the_log() {
        HttpResponse<String> response = app.get("/api/reports/" + TestServer.BROKEN_REPORT, app.viewer);
        assertError(response, 500, null, "internal error", "incident");
        assertThat(response.body()).doesNotContain("no_such_table");
        assertThat(String.join("\n", app.server.recentLog())).contains("no_such_table");
    }

    @Test
    void the_log_names_token_ids_and_never_tokens() {
        app.get("/api/reports/revenue_summary?" + AS_OF, app.analyst);
        app.get("/api/reports", "sf_wrongwrongwrong");
        String log = String.join("\n", app.server.recentLog());
        assertThat(log).contains("GET /api/reports/revenue_summary 200").contains("token=");
        for (String token : List.of(app.viewer, app.analyst, app.admin, "sf_wrongwrongwrong")) {
            assertThat(log).doesNotContain(token);
        }
        assertThat(log).doesNotContain("as_of=");
    }

    @Test
    void the_dashboard_and_echarts_are_served_by_the_app() {
        HttpResponse<String> page = app.get("/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("ShopFlow");
        HttpResponse<String> echarts = app.send(HttpRequest.newBuilder(
                URI.create(app.url("/webjars/echarts/5.3.1/dist/echarts.min.js"))).GET(), null);
        assertThat(echarts.statusCode()).isEqualTo(200);
        assertThat(echarts.body()).contains("echarts");
    }
}
