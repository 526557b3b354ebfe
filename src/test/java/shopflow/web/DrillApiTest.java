package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.web.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drill-down lists against the report figure they come from: a day of daily_revenue to its
 * orders, paged by cursor, on web/fixture.sql plus a busy day of seven orders added here.
 */
class DrillApiTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static final String AS_OF = "2026-06-30T12:00";
    /** Seven orders, two placed at the same moment (a keyset tie), one of them with a discount. */
    private static final String BUSY_DAY = "2026-06-20";

    @BeforeAll
    static void aBusyDay() {
        app.sql("""
                insert into orders (order_id, customer_id, order_number, status, subtotal, discount_amount,
                                    shipping_cost, tax_amount, total_amount, created_at)
                select 100 + n, 1 + n % 3, 'ORD-BUSY-' || n, 'delivered', 10.00 * n, case when n = 4 then 2.50 else 0 end,
                       3.95, 2.00 * n, 10.00 * n - case when n = 4 then 2.50 else 0 end + 3.95 + 2.00 * n,
                       '2026-06-20 08:00 Europe/London'::timestamptz + make_interval(hours => least(n, 6))
                from generate_series(1, 7) as n;
                insert into order_items (order_id, product_id, quantity, unit_price, line_total)
                select 100 + n, 201, n, 10.00, 10.00 * n from generate_series(1, 7) as n;
                insert into order_status_changes (order_id, from_status, to_status, changed_at)
                select order_id, null, 'delivered', created_at from orders where order_id between 101 and 107;
                -- a second product in the first four, so that order 104's coupon is shared over two lines
                insert into products (product_id, sku, name, list_price) values (202, 'SPOON', 'Spoon', 5.00);
                insert into order_items (order_id, product_id, quantity, unit_price, line_total)
                select 100 + n, 202, 1, 5.00, 5.00 from generate_series(1, 4) as n;
                -- a burst: customer 3's four orders within 40 minutes on 28 June, the last flagged by fraud_review
                insert into orders (order_id, customer_id, order_number, status, subtotal, total_amount, created_at)
                select 300 + n, 3, 'ORD-BURST-' || n, 'delivered', 12.00 * n, 12.00 * n,
                       '2026-06-28 10:00 Europe/London'::timestamptz + make_interval(mins => 10 * n)
                from generate_series(1, 4) as n;
                insert into order_items (order_id, product_id, quantity, unit_price, line_total)
                select 300 + n, 201, 1, 12.00 * n, 12.00 * n from generate_series(1, 4) as n;
                insert into order_status_changes (order_id, from_status, to_status, changed_at)
                select order_id, null, 'delivered', created_at from orders where order_id between 301 and 304;
                """);
    }

    /** Every row of the day's list, page by page (asserting each page's size), and the first page's total. */
    private static List<JsonNode> allPages(String day, int limit, JsonNode[] total) {
        return allPages("day_orders", "day=" + day, limit, total);
    }

    private static List<JsonNode> allPages(String drill, String query, int limit, JsonNode[] total) {
        return allPagesAs(app.viewer, drill, query, limit, total);
    }

    private static List<JsonNode> allPagesAs(String token, String drill, String query, int limit, JsonNode[] total) {
        List<JsonNode> rows = new ArrayList<>();
        String path = "/api/drill/" + drill + "?" + query + "&as_of=" + AS_OF + "&limit=" + limit;
        JsonNode page = json(app.get(path, token));
        total[0] = page.get("total");
        while (true) {
            assertThat(page.get("rows").size()).isLessThanOrEqualTo(limit);
            page.get("rows").forEach(rows::add);
            if (page.get("next_cursor").isNull()) {
                return rows;
            }
            assertThat(page.get("rows").size()).isEqualTo(limit);
            HttpResponse<String> next = app.get("/api/drill/" + drill + "?limit=" + limit + "&cursor="
                    + URLEncoder.encode(page.get("next_cursor").asText(), StandardCharsets.UTF_8), token);
            assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
            page = json(next);
            assertThat(page.get("total").isNull()).isTrue();
        }
    }

    @Test
    void every_day_of_the_daily_chart_drills_to_orders_that_add_up_to_its_figures() {
        JsonNode daily = json(app.get("/api/reports/daily_revenue?days=30&as_of=" + AS_OF, app.viewer));
        int daysWithOrders = 0;
        for (JsonNode day : daily.get("rows")) {
            JsonNode[] total = new JsonNode[1];
            List<JsonNode> rows = allPages(day.get("day").asText(), 2, total);
            Set<Long> ids = new HashSet<>();
            BigDecimal gross = BigDecimal.ZERO;
            BigDecimal discounts = BigDecimal.ZERO;
            for (JsonNode row : rows) {
                assertThat(ids.add(row.get("order_id").asLong())).as("each order once").isTrue();
                gross = gross.add(row.get("gross_sales").decimalValue());
                discounts = discounts.add(row.get("discounts").decimalValue());
            }
            String which = "day " + day.get("day").asText();
            assertThat(rows).as(which).hasSize(day.get("orders").asInt());
            assertThat(total[0].get("orders").asInt()).as(which).isEqualTo(day.get("orders").asInt());
            assertThat(gross).as(which).isEqualByComparingTo(day.get("gross_sales").decimalValue());
            assertThat(total[0].get("gross_sales").decimalValue()).as(which)
                    .isEqualByComparingTo(day.get("gross_sales").decimalValue());
            assertThat(discounts).as(which).isEqualByComparingTo(day.get("discounts").decimalValue());
            daysWithOrders += rows.isEmpty() ? 0 : 1;
        }
        // 2 June (cancelled later: placed all the same), 20 June (7), 25 June, 28 June (4), 30 June before noon
        assertThat(daysWithOrders).isEqualTo(5);
    }

    @Test
    void every_product_of_top_products_drills_to_orders_that_add_up_to_its_figures() {
        for (String window : List.of("days=30", "days=7", "from=2026-06-20&to=2026-06-20", "from=2026-05-01&to=2026-06-29")) {
            JsonNode top = json(app.get("/api/reports/top_products?" + window + "&as_of=" + AS_OF, app.viewer));
            assertThat(top.get("rows").size()).as(window).isGreaterThan(0);
            for (JsonNode product : top.get("rows")) {
                JsonNode[] total = new JsonNode[1];
                String which = window + ", product " + product.get("product_id").asText();
                List<JsonNode> rows = allPages("product_orders", "product_id=" + product.get("product_id").asText()
                        + "&" + window, 2, total);
                Set<Long> ids = new HashSet<>();
                BigDecimal gross = BigDecimal.ZERO;
                BigDecimal discounts = BigDecimal.ZERO;
                for (JsonNode row : rows) {
                    assertThat(ids.add(row.get("order_id").asLong())).as(which + ": each order once").isTrue();
                    gross = gross.add(row.get("gross_sales").decimalValue());
                    discounts = discounts.add(row.get("discounts").decimalValue());
                }
                assertThat(rows).as(which).hasSize(product.get("orders").asInt());
                assertThat(total[0].get("orders").asInt()).as(which).isEqualTo(product.get("orders").asInt());
                assertThat(gross).as(which).isEqualByComparingTo(product.get("gross_sales").decimalValue());
                assertThat(total[0].get("gross_sales").decimalValue()).as(which)
                        .isEqualByComparingTo(product.get("gross_sales").decimalValue());
                assertThat(discounts).as(which).isEqualByComparingTo(product.get("discounts").decimalValue());
                assertThat(total[0].get("discounts").decimalValue()).as(which)
                        .isEqualByComparingTo(product.get("discounts").decimalValue());
            }
        }
        // the spoon: orders 101 to 104, 2.50 of order 104's coupon on its 45.00 of lines, 5.00 of them spoon
        JsonNode spoon = json(app.get("/api/drill/product_orders?product_id=202&days=30&as_of=" + AS_OF, app.viewer));
        assertThat(spoon.at("/total/orders").asInt()).isEqualTo(4);
        assertThat(spoon.at("/rows/3/order_id").asLong()).isEqualTo(104);
        assertThat(spoon.at("/rows/3/discounts").decimalValue()).isEqualByComparingTo("0.28"); // 2.50 x 5 / 45
    }

    @Test
    void every_rfm_segment_drills_to_its_customers_for_analysts_only() {
        int segmentsWithCustomers = 0;
        for (String scheme : List.of("standard", "brief")) {
            JsonNode segments = json(app.get("/api/reports/rfm_segments?scheme=" + scheme + "&as_of=" + AS_OF,
                    app.viewer));
            for (JsonNode segment : segments.get("rows")) {
                String name = URLEncoder.encode(segment.get("segment").asText(), StandardCharsets.UTF_8);
                String which = scheme + ", " + segment.get("segment").asText();
                List<JsonNode> rows = new ArrayList<>();
                String path = "/api/drill/segment_customers?scheme=" + scheme + "&segment=" + name + "&as_of=" + AS_OF
                        + "&limit=1";
                JsonNode page = json(app.get(path, app.analyst));
                JsonNode total = page.get("total");
                while (true) {
                    page.get("rows").forEach(rows::add);
                    if (page.get("next_cursor").isNull()) {
                        break;
                    }
                    page = json(app.get("/api/drill/segment_customers?limit=1&cursor="
                            + URLEncoder.encode(page.get("next_cursor").asText(), StandardCharsets.UTF_8), app.analyst));
                }
                assertThat(rows).as(which).hasSize(segment.get("customers").asInt());
                assertThat(total.get("customers").asInt()).as(which).isEqualTo(segment.get("customers").asInt());
                assertThat(rows.stream().map(r -> r.get("customer_id").asLong()).distinct().count())
                        .isEqualTo(rows.size());
                // highest net sales first
                for (int i = 1; i < rows.size(); i++) {
                    assertThat(rows.get(i).get("monetary").decimalValue())
                            .isLessThanOrEqualTo(rows.get(i - 1).get("monetary").decimalValue());
                }
                rows.forEach(r -> assertThat(r.get("email").asText()).doesNotContain(PersonalData.MASK));
                segmentsWithCustomers += rows.isEmpty() ? 0 : 1;
            }
        }
        assertThat(segmentsWithCustomers).isGreaterThan(1);
        assertError(app.get("/api/drill/segment_customers?segment=Champions", app.viewer), 403, "", "analyst");
    }

    @Test
    void a_fraud_row_drills_to_the_customer_history_its_signals_were_read_from() {
        JsonNode fraud = json(app.get("/api/reports/fraud_review?as_of=" + AS_OF, app.analyst));
        assertThat(fraud.get("rows").size()).isGreaterThan(0);
        for (JsonNode flagged : fraud.get("rows")) {
            JsonNode[] total = new JsonNode[1];
            List<JsonNode> history = allPagesAs(app.analyst, "customer_orders", "customer_id="
                    + flagged.get("customer_id").asText(), 2, total);
            OffsetDateTime at = OffsetDateTime.parse(flagged.get("created_at").asText());
            long inPriorHour = history.stream().filter(o -> o.get("counted").asBoolean())
                    .map(o -> OffsetDateTime.parse(o.get("created_at").asText()))
                    .filter(t -> t.isBefore(at) && !t.isBefore(at.minusHours(1))).count();
            assertThat(inPriorHour).isEqualTo(flagged.get("orders_in_prior_hour").asLong());
            List<BigDecimal> earlier = history.stream().filter(o -> o.get("counted").asBoolean())
                    .filter(o -> OffsetDateTime.parse(o.get("created_at").asText()).isBefore(at))
                    .map(o -> o.get("total_sales").decimalValue()).toList();
            BigDecimal average = earlier.stream().reduce(BigDecimal.ZERO, BigDecimal::add)
                    .divide(BigDecimal.valueOf(earlier.size()), 10, RoundingMode.HALF_UP);
            assertThat(flagged.get("total_sales").decimalValue().divide(average, 1, RoundingMode.HALF_UP))
                    .isEqualByComparingTo(flagged.get("multiple_of_avg").decimalValue());
            assertThat(history.stream().anyMatch(o -> o.get("order_id").asLong() == flagged.get("order_id").asLong()))
                    .isTrue();
            assertThat(total[0].get("orders").asInt()).isEqualTo(history.size());
            assertThat(total[0].get("counted_orders").asLong())
                    .isEqualTo(history.stream().filter(o -> o.get("counted").asBoolean()).count());
        }
        // customer 3: the cancelled order of 2 June (not counted), busy-day orders 102 and 105, the burst of four
        // (order 6, at 13:00, comes after as_of)
        JsonNode three = json(app.get("/api/drill/customer_orders?customer_id=3&as_of=" + AS_OF, app.analyst));
        assertThat(three.at("/total/orders").asInt()).isEqualTo(7);
        assertThat(three.at("/total/counted_orders").asInt()).isEqualTo(6);
        // 12 x (1 + 2 + 3 + 4) + (20 + 3.95 + 4) + (50 + 3.95 + 10)
        assertThat(three.at("/total/total_sales").decimalValue()).isEqualByComparingTo("211.90");
        assertThat(app.get("/api/drill/customer_orders?customer_id=3", app.viewer).statusCode()).isEqualTo(403);
    }

    @Test
    void the_busy_day_pages_in_order_with_its_tie_and_the_status_as_of() {
        JsonNode[] total = new JsonNode[1];
        List<JsonNode> rows = allPages(BUSY_DAY, 3, total);
        assertThat(rows.stream().map(r -> r.get("order_id").asLong()).toList())
                .containsExactly(101L, 102L, 103L, 104L, 105L, 106L, 107L); // 106 and 107 both at 14:00
        assertThat(total[0].get("orders").asInt()).isEqualTo(7);
        // 10 x (1 + ... + 7) of mugs, 4 x 5 of spoons
        assertThat(total[0].get("gross_sales").decimalValue()).isEqualByComparingTo("300.00");
        assertThat(total[0].get("discounts").decimalValue()).isEqualByComparingTo("2.50");
        assertThat(rows.get(3).get("net_sales").decimalValue()).isEqualByComparingTo("42.50");
        // order 3 was cancelled at 11:00 on 2 June: at 10:30 it was pending
        JsonNode early = json(app.get("/api/drill/day_orders?day=2026-06-02&as_of=2026-06-02T10:30", app.viewer));
        assertThat(early.at("/rows/0/status").asText()).isEqualTo("pending");
        JsonNode late = json(app.get("/api/drill/day_orders?day=2026-06-02&as_of=" + AS_OF, app.viewer));
        assertThat(late.at("/rows/0/status").asText()).isEqualTo("cancelled");
    }

    @Test
    void paging_as_of_now_gives_every_order_once_while_orders_arrive() throws Exception {
        // five orders placed at one moment a little before now (a tie for the keyset), customer 2
        app.sql("""
                insert into orders (order_id, customer_id, order_number, status, subtotal, total_amount, created_at)
                select 500 + n, 2, 'ORD-NOW-' || n, 'pending', 8.00, 8.00, date_trunc('second', now()) - interval '2 seconds'
                from generate_series(1, 5) as n;
                insert into order_items (order_id, product_id, quantity, unit_price, line_total)
                select 500 + n, 201, 1, 8.00, 8.00 from generate_series(1, 5) as n;
                """);
        String day;
        try (var c = app.database.connection(); var st = c.createStatement();
                var r = st.executeQuery("select (created_at at time zone 'Europe/London')::date from orders where order_id = 501")) {
            r.next();
            day = r.getString(1);
        }
        JsonNode page = json(app.get("/api/drill/day_orders?day=" + day + "&limit=2", app.viewer));
        int total = page.at("/total/orders").asInt();
        List<Long> ids = new ArrayList<>();
        int arrivals = 0;
        while (true) {
            page.get("rows").forEach(r -> ids.add(r.get("order_id").asLong()));
            if (page.get("next_cursor").isNull()) {
                break;
            }
            // an order placed between two pages (now: after the list's as_of)
            app.sql("insert into orders (order_id, customer_id, order_number, status, subtotal, total_amount, created_at)"
                    + " values (" + (600 + arrivals) + ", 2, 'ORD-ARRIVED-" + arrivals + "', 'pending', 9.00, 9.00, now())");
            arrivals++;
            page = json(app.get("/api/drill/day_orders?limit=2&cursor="
                    + URLEncoder.encode(page.get("next_cursor").asText(), StandardCharsets.UTF_8), app.viewer));
        }
        assertThat(arrivals).isEqualTo(2);
        assertThat(ids).containsExactly(501L, 502L, 503L, 504L, 505L);
        assertThat(total).isEqualTo(5);
        // a new first page (a new as_of) sees them
        assertThat(json(app.get("/api/drill/day_orders?day=" + day + "&limit=2", app.viewer)).at("/total/orders").asInt())
                .isEqualTo(5 + arrivals);
    }

    @Test
    void analysts_export_the_whole_list_as_csv_and_viewers_may_not() {
        HttpResponse<String> csv = app.get("/api/drill/day_orders?day=" + BUSY_DAY + "&as_of=" + AS_OF
                + "&format=csv&limit=2", app.analyst);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).startsWith("order_id,order_number,created_at,status");
        assertThat(lines).hasSize(1 + 7);
        assertThat(app.get("/api/drill/day_orders?day=" + BUSY_DAY + "&format=csv", app.viewer).statusCode())
                .isEqualTo(403);
    }

    @Test
    void a_tampered_foreign_or_made_up_cursor_is_a_400_naming_it() {
        JsonNode first = json(app.get("/api/drill/day_orders?day=" + BUSY_DAY + "&as_of=" + AS_OF + "&limit=2",
                app.viewer));
        String cursor = first.get("next_cursor").asText();
        String body = cursor.substring(0, cursor.indexOf('.'));
        String tampered = body.substring(0, body.length() - 2) + (body.endsWith("A") ? "BB" : "AA")
                + cursor.substring(cursor.indexOf('.'));
        for (String bad : List.of(tampered, "not-a-cursor", cursor + "x", "e30.e30")) {
            HttpResponse<String> refused = app.get("/api/drill/day_orders?cursor="
                    + URLEncoder.encode(bad, StandardCharsets.UTF_8), app.viewer);
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(refused).get("field").asText()).isEqualTo("cursor");
            assertThat(json(refused).get("error").asText()).contains("first page");
        }
        HttpResponse<String> foreign = app.get("/api/drill/day_orders?day=2026-06-25&cursor="
                + URLEncoder.encode(cursor, StandardCharsets.UTF_8), app.viewer);
        assertThat(foreign.statusCode()).isEqualTo(400);
        assertThat(json(foreign).get("error").asText()).contains("another list");
    }

    @Test
    void bad_requests_name_what_is_wrong() {
        assertError(app.get("/api/drill/day_orders?as_of=" + AS_OF, app.viewer), 400, "day", "needs day");
        assertError(app.get("/api/drill/product_orders?days=7", app.viewer), 400, "product_id", "needs product_id");
        assertError(app.get("/api/drill/product_orders?product_id=201&from=2026-06-20&to=2026-06-10", app.viewer),
                400, "from", "");
        assertError(app.get("/api/drill/day_orders?day=2026-13-01", app.viewer), 400, "day", "");
        assertError(app.get("/api/drill/day_orders?day=" + BUSY_DAY + "&after_order_id=5", app.viewer), 400,
                "after_order_id", "unknown parameter");
        assertError(app.get("/api/drill/day_orders?day=" + BUSY_DAY + "&limit=0", app.viewer), 400, "limit", "");
        assertError(app.get("/api/drill/day_order", app.viewer), 404, "drill", "day_orders");
        assertError(app.get("/api/drill/day_orders_total?day=" + BUSY_DAY, app.viewer), 404, "drill", "day_orders");
        assertThat(app.get("/api/drill/day_orders?day=" + BUSY_DAY, null).statusCode()).isEqualTo(401);
    }

    private static void assertError(HttpResponse<String> response, int status, String field, String words) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("field").isNull() ? "" : body.get("field").asText()).isEqualTo(field);
        assertThat(body.get("error").asText()).contains(words);
    }
}
