package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.web.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The orders and events API over real HTTP: the happy paths, and a corpus of bad requests that change nothing. */
class OrdersAndEventsApiTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static final String ORDER = "{\"customer_id\": 1, \"items\": [{\"product_id\": 101, \"quantity\": 2}]}";
    private static final String PAGE_VIEW = "{\"type\": \"page_view\", \"session_id\": \"s1\", \"page_url\": \"/\"}";

    @BeforeAll
    static void shop() {
        // Fixture orders 1-6 (web/fixture.sql); our products, stock and a coupon.
        app.sql("""
                insert into products (product_id, sku, name, list_price) values
                    (101, 'LAMP', 'Lamp', 30.00), (102, 'BOOK', 'Book', 8.00);
                insert into inventory (product_id, warehouse, quantity) values (101, 'north', 3), (102, 'north', 100);
                insert into coupons (code, discount_type, discount_value) values ('TEN', 'percentage', 10);
                insert into orders (order_id, customer_id, order_number, status, subtotal, total_amount)
                    values (50, 1, 'T-50', 'processing', 300, 300);
                insert into order_items (order_id, product_id, quantity, unit_price, line_total) values (50, 101, 10, 30, 300);
                """);
    }

    private static HttpResponse<String> post(String path, String token, String contentType, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.url(path)))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return app.send(request, token, headers);
    }

    @Test
    void an_order_is_placed_priced_by_the_server_and_a_retry_returns_it() {
        String body = "{\"customer_id\": 2, \"items\": [{\"product_id\": 102, \"quantity\": 3}], \"coupon_code\": \"TEN\","
                + " \"session_id\": \"web-1\"}";
        HttpResponse<String> placed = post("/api/orders", app.admin, "application/json", body, "Idempotency-Key", "k-1");
        HttpResponse<String> retried = post("/api/orders", app.admin, "application/json", body, "Idempotency-Key", "k-1");

        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        JsonNode order = json(placed);
        // 24.00 - 2.40 = 21.60; + 4.99 shipping = 26.59; VAT 5.318 -> 5.32; total 31.91
        assertThat(order.get("subtotal").decimalValue()).isEqualByComparingTo("24.00");
        assertThat(order.get("discount_amount").decimalValue()).isEqualByComparingTo("2.40");
        assertThat(order.get("shipping_cost").decimalValue()).isEqualByComparingTo("4.99");
        assertThat(order.get("tax_amount").decimalValue()).isEqualByComparingTo("5.32");
        assertThat(order.get("total_amount").decimalValue()).isEqualByComparingTo("31.91");
        assertThat(order.at("/items/0/unit_price").decimalValue()).isEqualByComparingTo("8.00");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(json(retried).get("order_id").asInt()).isEqualTo(order.get("order_id").asInt());
        assertThat(json(retried).get("replayed").asBoolean()).isTrue();
    }

    @Test
    void an_order_moves_through_its_lifecycle_and_a_repeat_says_nothing_changed() {
        int id = json(post("/api/orders", app.admin, "application/json", ORDER)).get("order_id").asInt();
        for (String status : List.of("processing", "shipped", "shipped")) {
            HttpResponse<String> response = post("/api/orders/" + id + "/status", app.admin, "application/json",
                    "{\"status\": \"" + status + "\"}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        HttpResponse<String> repeat = post("/api/orders/" + id + "/status", app.admin, "application/json",
                "{\"status\": \"shipped\"}");
        assertThat(json(repeat).get("changed").asBoolean()).isFalse();
        assertThat(json(repeat).get("message").asText()).isEqualTo("order " + id + " is already shipped: nothing changed");
    }

    @Test
    void part_of_an_order_is_refunded_by_amount_then_no_more_than_is_left() {
        // order 50: 10 lamps at 30.00, 300.00 of net sales
        HttpResponse<String> first = post("/api/orders/50/refunds", app.admin, "application/json", "{\"amount\": 30.00}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(json(first).get("refunded").decimalValue()).isEqualByComparingTo("30.00");
        assertThat(json(first).get("left_to_refund").decimalValue()).isEqualByComparingTo("270.00");
        HttpResponse<String> tooMuch = post("/api/orders/50/refunds", app.admin, "application/json",
                "{\"amount\": 270.01}");
        assertThat(tooMuch.statusCode()).as(tooMuch.body()).isEqualTo(422);
        assertThat(json(tooMuch).get("error").asText()).isEqualTo("order 50 has 270.00 left to refund: 270.01 is more");
        try (var c = app.database.connection(); var s = c.createStatement();
                var rows = s.executeQuery("select sum(net_sales) from order_refunds where order_id = 50")) {
            rows.next();
            assertThat(rows.getBigDecimal(1)).isEqualByComparingTo("30.00");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void events_are_stored_from_a_json_array_and_from_ndjson() {
        HttpResponse<String> array = post("/api/events", app.admin, "application/json", "[" + PAGE_VIEW + ", "
                + "{\"type\": \"cart_event\", \"session_id\": \"s1\", \"product_id\": 101, \"action\": \"add\", \"quantity\": 1}]");
        HttpResponse<String> ndjson = post("/api/events", app.admin, "application/x-ndjson", PAGE_VIEW + "\n" + PAGE_VIEW + "\n");

        assertThat(array.statusCode()).as(array.body()).isEqualTo(201);
        assertThat(json(array).get("page_views").asInt()).isEqualTo(1);
        assertThat(json(array).get("cart_events").asInt()).isEqualTo(1);
        assertThat(json(ndjson).get("stored").asInt()).isEqualTo(2);
    }

    @Test
    void a_begin_checkout_event_is_the_funnel_s_checkout_started_whether_or_not_an_order_follows() {
        // On 10 January 2026 (no other events that day): "bc-abandon" views the lamp, adds it and
        // begins checkout (no quantity needed), then leaves; "bc-cart" adds it and views the cart only.
        String events = String.join("\n",
                "{\"type\": \"page_view\", \"session_id\": \"bc-abandon\", \"page_url\": \"/p/LAMP\", \"product_id\": 101,"
                        + " \"viewed_at\": \"2026-01-10T10:00:00Z\"}",
                "{\"type\": \"cart_event\", \"session_id\": \"bc-abandon\", \"product_id\": 101, \"action\": \"add\","
                        + " \"quantity\": 1, \"event_at\": \"2026-01-10T10:01:00Z\"}",
                "{\"type\": \"cart_event\", \"session_id\": \"bc-abandon\", \"product_id\": 101,"
                        + " \"action\": \"begin_checkout\", \"event_at\": \"2026-01-10T10:02:00Z\"}",
                "{\"type\": \"page_view\", \"session_id\": \"bc-cart\", \"page_url\": \"/p/LAMP\", \"product_id\": 101,"
                        + " \"viewed_at\": \"2026-01-10T11:00:00Z\"}",
                "{\"type\": \"cart_event\", \"session_id\": \"bc-cart\", \"product_id\": 101, \"action\": \"add\","
                        + " \"quantity\": 1, \"event_at\": \"2026-01-10T11:01:00Z\"}",
                "{\"type\": \"cart_event\", \"session_id\": \"bc-cart\", \"product_id\": 101, \"action\": \"view_cart\","
                        + " \"event_at\": \"2026-01-10T11:02:00Z\"}");
        HttpResponse<String> stored = post("/api/events", app.admin, "application/x-ndjson", events);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        assertThat(json(stored).get("cart_events").asInt()).isEqualTo(4);

        // 2 sessions, both viewed a product and added; only bc-abandon started checkout; no order
        JsonNode rows = json(app.get("/api/reports/conversion_funnel?days=1&as_of=2026-01-10T12:00Z", app.viewer))
                .get("rows");
        List<String> stages = new ArrayList<>();
        rows.forEach(row -> stages.add(row.get("stage").asText() + " " + row.get("sessions").asInt()));
        assertThat(stages).containsExactly("sessions 2", "product view 2", "add to cart 2", "checkout started 1", "order 0");
    }

    @Test
    void an_unknown_cart_action_is_refused_naming_begin_checkout_among_the_accepted() {
        HttpResponse<String> refused = post("/api/events", app.admin, "application/json", "[{\"type\": \"cart_event\","
                + " \"session_id\": \"s1\", \"product_id\": 101, \"action\": \"checkout\"}]");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("action", "add, remove, view_cart, begin_checkout");
    }

    /** One malformed request: what is sent, and the status, field and words of the answer. */
    record Bad(String name, String path, String token, String contentType, String body, int status, String field,
            String words, String... headers) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> malformed_requests() {
        String admin = app.admin;
        String json = "application/json";
        String longText = "x".repeat(101);
        String hundredAndOneLines = "[" + String.join(",", java.util.Collections.nCopies(101,
                "{\"product_id\": 101, \"quantity\": 1}")) + "]";
        List<Bad> corpus = new ArrayList<>(List.of(
                new Bad("bad JSON", "/api/orders", admin, json, "{\"customer_id\": ", 400, "body", "not valid JSON"),
                new Bad("empty body", "/api/orders", admin, json, "", 400, "body", "empty"),
                new Bad("array body", "/api/orders", admin, json, "[]", 400, "body", "must be a JSON object"),
                new Bad("trailing garbage", "/api/orders", admin, json, ORDER + " x", 400, "body", "not valid JSON"),
                new Bad("duplicate key", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"customer_id\": 2, \"items\": []}", 400, "body", "Duplicate field"),
                new Bad("customer_id as string", "/api/orders", admin, json,
                        "{\"customer_id\": \"1\", \"items\": [{\"product_id\": 101, \"quantity\": 1}]}", 400, "customer_id",
                        "must be a whole number"),
                new Bad("customer_id missing", "/api/orders", admin, json,
                        "{\"items\": [{\"product_id\": 101, \"quantity\": 1}]}", 400, "customer_id", "is required"),
                new Bad("customer_id zero", "/api/orders", admin, json,
                        "{\"customer_id\": 0, \"items\": [{\"product_id\": 101, \"quantity\": 1}]}", 400, "customer_id",
                        "between 1 and"),
                new Bad("customer_id fractional", "/api/orders", admin, json,
                        "{\"customer_id\": 1.5, \"items\": [{\"product_id\": 101, \"quantity\": 1}]}", 400, "customer_id",
                        "whole number"),
                new Bad("customer_id beyond int", "/api/orders", admin, json,
                        "{\"customer_id\": 99999999999999999999, \"items\": [{\"product_id\": 101, \"quantity\": 1}]}", 400,
                        "customer_id", "between 1 and"),
                new Bad("unknown customer", "/api/orders", admin, json,
                        "{\"customer_id\": 999999, \"items\": [{\"product_id\": 101, \"quantity\": 1}]}", 422, "customer_id",
                        "customer 999999 does not exist"),
                new Bad("items missing", "/api/orders", admin, json, "{\"customer_id\": 1}", 400, "items", "items is required"),
                new Bad("items not an array", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"items\": {\"product_id\": 101}}", 400, "items", "must be an array"),
                new Bad("items empty", "/api/orders", admin, json, "{\"customer_id\": 1, \"items\": []}", 400, "items",
                        "between 1 and 100 lines"),
                new Bad("too many lines", "/api/orders", admin, json, "{\"customer_id\": 1, \"items\": " + hundredAndOneLines
                        + "}", 400, "items", "got 101"),
                new Bad("item not an object", "/api/orders", admin, json, "{\"customer_id\": 1, \"items\": [5]}", 400,
                        "items[0]", "must be an object"),
                new Bad("zero quantity", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"items\": [{\"product_id\": 101, \"quantity\": 0}]}", 400, "items[0].quantity",
                        "between 1 and 1000"),
                new Bad("negative quantity", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"items\": [{\"product_id\": 101, \"quantity\": -3}]}", 400, "items[0].quantity",
                        "got -3"),
                new Bad("huge quantity", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"items\": [{\"product_id\": 101, \"quantity\": 1000000}]}", 400,
                        "items[0].quantity", "between 1 and 1000"),
                new Bad("quantity as string", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"items\": [{\"product_id\": 101, \"quantity\": \"2\"}]}", 400,
                        "items[0].quantity", "whole number"),
                new Bad("product_id null", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"items\": [{\"product_id\": null, \"quantity\": 1}]}", 400,
                        "items[0].product_id", "is required"),
                new Bad("unknown product", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"items\": [{\"product_id\": 101, \"quantity\": 1}, {\"product_id\": 4242,"
                                + " \"quantity\": 1}]}", 422, "items[1].product_id", "product 4242 does not exist"),
                new Bad("client-side price", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"items\": [{\"product_id\": 101, \"quantity\": 1, \"unit_price\": 0.01}]}", 400,
                        "items[0].unit_price", "unknown field"),
                new Bad("client-side total", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"total_amount\": 0, \"items\": [{\"product_id\": 101, \"quantity\": 1}]}", 400,
                        "total_amount", "unknown field"),
                new Bad("SQL in the coupon code", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"coupon_code\": \"'; drop table orders; --\", \"items\": [{\"product_id\": 101,"
                                + " \"quantity\": 1}]}", 422, "coupon_code", "does not exist"),
                new Bad("coupon code as number", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"coupon_code\": 10, \"items\": [{\"product_id\": 101, \"quantity\": 1}]}", 400,
                        "coupon_code", "must be a string"),
                new Bad("session_id too long", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"session_id\": \"" + longText + "\", \"items\": [{\"product_id\": 101,"
                                + " \"quantity\": 1}]}", 400, "session_id", "1 to 100"),
                new Bad("unknown payment method", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"payment_method\": \"bitcoin\", \"items\": [{\"product_id\": 101,"
                                + " \"quantity\": 1}]}", 400, "payment_method", "accepted: apple_pay"),
                new Bad("idempotency key reused for another order", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"items\": [{\"product_id\": 102, \"quantity\": 9}]}", 422, "Idempotency-Key",
                        "already used for a different request", "Idempotency-Key", "corpus-key"),
                new Bad("idempotency key too long", "/api/orders", admin, json, ORDER, 400, "Idempotency-Key",
                        "1 to 255", "Idempotency-Key", "k".repeat(300)),
                new Bad("oversized body", "/api/orders", admin, json,
                        "{\"customer_id\": 1, \"notes\": \"" + "n".repeat(70_000) + "\"}", 413, null, "at most 65536"),
                new Bad("text/plain body", "/api/orders", admin, "text/plain", ORDER, 415, "Content-Type", "application/json"),
                new Bad("no token", "/api/orders", null, json, ORDER, 401, "authorization", "Bearer"),
                new Bad("viewer token", "/api/orders", app.viewer, json, ORDER, 403, null, "needs the admin role"),
                new Bad("unknown status", "/api/orders/1/status", admin, json, "{\"status\": \"dispatched\"}", 400, "status",
                        "accepted: pending, processing"),
                new Bad("status as number", "/api/orders/1/status", admin, json, "{\"status\": 3}", 400, "status",
                        "must be a string"),
                new Bad("status missing", "/api/orders/1/status", admin, json, "{}", 400, "status", "status is required"),
                new Bad("extra field on status", "/api/orders/1/status", admin, json,
                        "{\"status\": \"refunded\", \"force\": true}", 400, "force", "unknown field"),
                new Bad("order id not a number", "/api/orders/abc/status", admin, json, "{\"status\": \"shipped\"}", 400,
                        "order_id", "'abc' is not a positive whole number"),
                new Bad("SQL in the order id", "/api/orders/1;delete%20from%20orders/status", admin, json,
                        "{\"status\": \"shipped\"}", 400, "order_id", "not a positive whole number"),
                new Bad("unknown order", "/api/orders/999999/status", admin, json, "{\"status\": \"shipped\"}", 404,
                        "order_id", "order 999999 does not exist"),
                new Bad("delivered back to pending", "/api/orders/1/status", admin, json, "{\"status\": \"pending\"}", 409,
                        "status", "order 1 is delivered, it cannot become pending"),
                new Bad("shipping without enough stock", "/api/orders/50/status", admin, json, "{\"status\": \"shipped\"}",
                        422, "status", "not enough stock"),
                new Bad("refund more than the order", "/api/orders/1/refunds", admin, json, "{\"amount\": 100000}", 422,
                        "amount", "left to refund: 100000 is more"),
                new Bad("refund of an amount and lines", "/api/orders/1/refunds", admin, json,
                        "{\"amount\": 1, \"lines\": [{\"item_id\": 1, \"quantity\": 1}]}", 400, "amount",
                        "exactly one of amount and lines"),
                new Bad("refund amount as text", "/api/orders/1/refunds", admin, json, "{\"amount\": \"ten\"}", 400,
                        "amount", "must be a number"),
                new Bad("refund in fractions of a penny", "/api/orders/1/refunds", admin, json, "{\"amount\": 0.001}", 400,
                        "amount", "positive, in pence"),
                new Bad("refund of a line the order does not have", "/api/orders/1/refunds", admin, json,
                        "{\"lines\": [{\"item_id\": 999999, \"quantity\": 1}]}", 422, "lines", "order 1 has no line"),
                new Bad("refund of an unknown order", "/api/orders/999999/refunds", admin, json, "{\"amount\": 1}", 404,
                        "order_id", "order 999999 does not exist"),
                new Bad("events not JSON", "/api/events", admin, json, "[{", 400, "body", "not valid JSON"),
                new Bad("event without type", "/api/events", admin, json, "[{\"session_id\": \"s\"}]", 400, "type",
                        "type is required"),
                new Bad("event with unknown product", "/api/events", admin, json,
                        "[" + PAGE_VIEW + ", {\"type\": \"page_view\", \"session_id\": \"s\", \"page_url\": \"/p\","
                                + " \"product_id\": 777}]", 400, "product_id", "product 777 does not exist"),
                new Bad("NDJSON with a broken line", "/api/events", admin, "application/x-ndjson",
                        PAGE_VIEW + "\n{\"type\": \"page_view\",\n", 400, null, "not valid JSON"),
                new Bad("events as text/plain", "/api/events", admin, "text/plain", "[" + PAGE_VIEW + "]", 415,
                        "Content-Type", "application/x-ndjson"),
                new Bad("events with a negative time on page", "/api/events", admin, json,
                        "[{\"type\": \"page_view\", \"session_id\": \"s\", \"page_url\": \"/\", \"time_on_page\": -1}]", 400,
                        "time_on_page", "between 0 and 86400"),
                new Bad("events viewer token", "/api/events", app.viewer, json, "[" + PAGE_VIEW + "]", 403, null,
                        "needs the admin role"),
                new Bad("order nested 1,500 deep", "/api/orders", admin, json, "[".repeat(1500) + "]".repeat(1500), 400,
                        "body", "nested deeper than 1000 levels"),
                new Bad("events nested 1,500 deep", "/api/events", admin, json, "[".repeat(1500) + "]".repeat(1500), 400,
                        "body", "nested deeper than 1000 levels"),
                new Bad("an event nested 1,500 deep", "/api/events", admin, "application/x-ndjson",
                        "{\"type\": \"page_view\", \"x\": " + "[".repeat(1500) + "]".repeat(1500) + "}", 400, null,
                        "nested deeper than 1000 levels"),
                new Bad("event in year 0", "/api/events", admin, json, "[{\"type\": \"page_view\", \"session_id\": \"s\","
                        + " \"page_url\": \"/\", \"viewed_at\": \"0000-01-01T00:00:00Z\"}]", 400, "viewed_at",
                        "out of range: accepted from 2000-01-01 to 2100-01-01"),
                new Bad("event with an unpaired surrogate", "/api/events", admin, "application/x-ndjson",
                        "{\"type\": \"page_view\", \"session_id\": \"s\\ud800\", \"page_url\": \"/\"}", 400, "session_id",
                        "unpaired surrogate")));
        return corpus.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed_requests")
    void a_malformed_request_gets_a_4xx_naming_the_problem_and_changes_nothing(Bad bad) {
        // The key the corpus reuses belongs to an order placed before the checksums are taken.
        post("/api/orders", app.admin, "application/json", ORDER, "Idempotency-Key", "corpus-key");
        Map<String, String> before = checksums();

        HttpResponse<String> response = post(bad.path(), bad.token(), bad.contentType(), bad.body(), bad.headers());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(bad.status());
        JsonNode body = json(response);
        assertThat(body.has("error") && body.has("field")).as(response.body()).isTrue();
        assertThat(body.get("field").isNull() ? null : body.get("field").asText()).as(response.body()).isEqualTo(bad.field());
        assertThat(body.get("error").asText()).contains(bad.words());
        assertThat(checksums()).isEqualTo(before);
    }

    @Test
    void a_bad_event_batch_lists_every_bad_event_with_its_index_and_field() {
        HttpResponse<String> response = post("/api/events", app.admin, "application/json", "[" + PAGE_VIEW + ","
                + "{\"type\": \"cart_event\", \"session_id\": \"s\", \"product_id\": 101, \"action\": \"add\"},"
                + PAGE_VIEW + ", {\"type\": \"page_view\", \"session_id\": 5, \"page_url\": \"/\"}]");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode errors = json(response).get("errors");
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0).get("index").asInt()).isEqualTo(1);
        assertThat(errors.get(0).get("field").asText()).isEqualTo("quantity");
        assertThat(errors.get(1).get("index").asInt()).isEqualTo(3);
        assertThat(errors.get(1).get("field").asText()).isEqualTo("session_id");
    }

    /**
     * md5 of every row of every table but the token table (signing in may touch it) and the
     * rollups: they are derived from the others, and the server folds their pending rows at any
     * moment (the rollup tests check that they follow the tables exactly).
     */
    private static Map<String, String> checksums() {
        Map<String, String> sums = new LinkedHashMap<>();
        try (var c = app.database.connection(); var s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (var rows = s.executeQuery("select table_name from information_schema.tables where table_schema = 'public'"
                    + " and table_type = 'BASE TABLE' and table_name not in ('api.tokens', 'flyway_schema_history')"
                    + " and table_name not like 'rollup\\_%'"
                    + " order by 1")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            for (String table : tables) {
                try (var rows = s.executeQuery("select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from "
                        + table + " t")) {
                    rows.next();
                    sums.put(table, rows.getString(1));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return sums;
    }
}
