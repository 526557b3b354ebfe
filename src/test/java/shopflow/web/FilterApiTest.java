package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportFormat;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;
import shopflow.rollups.RollupVerifier;

/**
 * The report filters over HTTP (docs/filters.md): every filter and pairs of them equal the reference
 * SQL with the same filters, figures worked out by hand on web/fixture.sql made richer here (sessions
 * with referrers and devices, shipping addresses in two regions, a coupon, a return), and bad
 * filters answered 400 naming them.
 */
class FilterApiTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static final String AS_OF = "2026-06-30T12:00";

    /**
     * The fixture's orders, as of 30 June 12:00: 1 (customer 1's second order, today, 100.00), 2
     * (customer 2's second, 25 June, 50.50), 3 (customer 3's first, 2 June, cancelled on 3 June),
     * 4 (customer 1's first, 15 May, 200.00), 5 (customer 2's first, 10 January, 30.00). Here:
     * orders 1 and 4 came from Google on a phone and ship to Greater London, order 2 from a newsletter
     * on a desktop to Devon (with a 5.00 coupon, and a 25.00 teapot added to it), order 3 without a session
 * to Devon; order 5 has neither. The mug is in Kitchen > Mugs, the teapot in Kitchen > Teapots.
     */
    @BeforeAll
    static void richerShop() {
        app.sql("""
                insert into addresses (address_id, customer_id, type, city, state, country) values
                    (901, 1, 'shipping', 'London', 'Greater London', 'GB'),
                    (902, 2, 'shipping', 'Exeter', 'Devon', 'GB'),
                    (903, 3, 'shipping', 'Plymouth', 'Devon', 'GB');
                insert into page_views (session_id, page_url, viewed_at, referrer, device_type) values
                    ('s-1', '/', '2026-06-30 08:50 Europe/London', 'https://www.google.com/', 'mobile'),
                    ('s-1', '/checkout', '2026-06-30 08:58 Europe/London', null, 'mobile'),
                    ('s-2', '/', '2026-06-25 09:40 Europe/London', 'https://mail.shopflow.example/newsletter', 'desktop'),
                    ('s-4', '/', '2026-05-15 09:30 Europe/London', 'https://www.google.com/', 'mobile');
                update orders set session_id = 's-1', shipping_address_id = 901 where order_id = 1;
                update orders set session_id = 's-2', shipping_address_id = 902, discount_amount = 5.00 where order_id = 2;
                update orders set shipping_address_id = 903 where order_id = 3;
                update orders set session_id = 's-4', shipping_address_id = 901 where order_id = 4;
                -- the mug in Kitchen > Mugs, and a teapot in Kitchen > Teapots on order 2
                insert into categories (category_id, name, parent_id, slug) values
                    (801, 'Kitchen', null, 'kitchen'), (802, 'Mugs', 801, 'mugs'), (803, 'Teapots', 801, 'teapots'),
                    (804, 'Garden', null, 'garden');
                update products set category_id = 802 where product_id = 201;
                insert into products (product_id, sku, name, list_price, category_id) values (203, 'POT', 'Teapot', 25.00, 803);
                insert into order_items (order_id, product_id, quantity, unit_price, line_total) values (2, 203, 1, 25.00, 25.00);
                select fold_rollups();
                """);
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return ReportFormat.JSON_MAPPER.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    private static JsonNode report(String name, Map<String, String> filters) {
        String query = filters.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = app.get("/api/reports/" + name + "?as_of=" + AS_OF
                + (query.isEmpty() ? "" : "&" + query), app.viewer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response).get("rows");
    }

    private static JsonNode period(JsonNode rows, String period) {
        for (JsonNode row : rows) {
            if (row.get("period").asText().equals(period)) {
                return row;
            }
        }
        throw new AssertionError("no period " + period);
    }

    @Test
    void each_filter_narrows_the_kpis_to_the_orders_it_names() {
        // today: order 1 only, a returning customer's, from Google on a phone, to Greater London, no coupon
        assertThat(period(report("revenue_summary", Map.of()), "today").get("orders").asInt()).isEqualTo(1);
        assertThat(period(report("revenue_summary", Map.of("customer", "returning")), "today").get("gross_sales")
                .decimalValue()).isEqualByComparingTo("100.00");
        assertThat(period(report("revenue_summary", Map.of("customer", "new")), "today").get("orders").asInt()).isZero();
        assertThat(period(report("revenue_summary", Map.of("channel", "search", "device", "mobile")), "today")
                .get("orders").asInt()).isEqualTo(1);
        assertThat(period(report("revenue_summary", Map.of("channel", "email")), "today").get("orders").asInt()).isZero();
        // the year: orders 1, 2, 3, 4, 5; Devon has 2 (a 50.50 mug and a 25.00 teapot, less its 5.00 coupon) and
        // 3 (20.00, cancelled on 2 June)
        JsonNode devon = period(report("revenue_summary", Map.of("region", "Devon")), "year_to_date");
        assertThat(devon.get("orders").asInt()).isEqualTo(2);
        assertThat(devon.get("gross_sales").decimalValue()).isEqualByComparingTo("95.50");
        assertThat(devon.get("discounts").decimalValue()).isEqualByComparingTo("5.00");
        assertThat(devon.get("returns").decimalValue()).isEqualByComparingTo("20.00");
        assertThat(devon.get("net_sales").decimalValue()).isEqualByComparingTo("70.50");
        // with a coupon: order 2 alone; without a session (channel unknown): orders 3 and 5
        assertThat(period(report("revenue_summary", Map.of("coupon", "yes")), "year_to_date").get("net_sales")
                .decimalValue()).isEqualByComparingTo("70.50");
        assertThat(period(report("revenue_summary", Map.of("channel", "unknown")), "year_to_date").get("orders").asInt())
                .isEqualTo(2);
        // new customers: 3, 4 and 5 (each customer's first order, whatever became of it)
        assertThat(period(report("revenue_summary", Map.of("customer", "new")), "year_to_date").get("gross_sales")
                .decimalValue()).isEqualByComparingTo("250.00");
        // order 5 has no shipping address
        assertThat(period(report("revenue_summary", Map.of("country", "unknown")), "year_to_date").get("orders").asInt())
                .isEqualTo(1);
        // a region with a device and a customer kind, which no cut of the rollup keeps together: read raw
        assertThat(period(report("revenue_summary", Map.of("region", "Greater London", "device", "mobile",
                "customer", "new")), "year_to_date").get("gross_sales").decimalValue()).isEqualByComparingTo("200.00");
        // the daily chart: 25 June is order 2's, a newsletter's
        JsonNode days = report("daily_revenue", Map.of("days", "7", "channel", "email"));
        assertThat(days.size()).isEqualTo(7);
        for (JsonNode day : days) {
            assertThat(day.get("orders").asInt()).as(day.get("day").asText())
                    .isEqualTo(day.get("day").asText().equals("2026-06-25") ? 1 : 0);
        }
    }

    @Test
    void every_filter_and_pair_equals_the_reference_sql_with_the_same_filters() {
        Map<String, List<String>> values = new LinkedHashMap<>();
        values.put("channel", List.of("search", "email", "unknown", "direct"));
        values.put("device", List.of("mobile", "desktop", "unknown"));
        values.put("country", List.of("GB", "unknown"));
        values.put("region", List.of("Devon", "Greater London", "Atlantis"));
        values.put("customer", List.of("new", "returning"));
        values.put("coupon", List.of("yes", "no"));
        List<Map<String, String>> cases = new ArrayList<>();
        values.forEach((filter, options) -> options.forEach(value -> cases.add(Map.of(filter, value))));
        List<String> names = List.copyOf(values.keySet());
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                cases.add(Map.of(names.get(i), values.get(names.get(i)).get(0), names.get(j),
                        values.get(names.get(j)).get(0)));
            }
        }
        ReportRunner runner = new ReportRunner(app.database.dataSource());
        ReportCatalog references = ReportCatalog.references();
        OffsetDateTime asOf = OffsetDateTime.parse("2026-06-30T12:00+01:00");
        for (String name : List.of("revenue_summary", "daily_revenue")) {
            for (Map<String, String> filters : cases) {
                Map<String, String> parameters = new LinkedHashMap<>(filters);
                if (name.equals("daily_revenue")) {
                    parameters.put("days", "60");
                }
                JsonNode api = report(name, parameters);
                ReportResult reference = runner.run(references.get(name), asOf, parameters);
                assertThat(api.size()).as(name + " " + parameters).isEqualTo(reference.rows().size());
                for (int r = 0; r < api.size(); r++) {
                    for (int c = 0; c < reference.columns().size(); c++) {
                        String column = reference.columns().get(c);
                        Object expected = reference.rows().get(r).get(c);
                        JsonNode value = api.get(r).get(column);
                        String which = name + " " + parameters + " row " + r + " " + column;
                        if (expected instanceof Number number) {
                            assertThat(value.decimalValue()).as(which)
                                    .isEqualByComparingTo(new java.math.BigDecimal(number.toString()));
                        } else if (expected == null) {
                            assertThat(value.isNull()).as(which).isTrue();
                        } else if (expected instanceof Boolean flag) {
                            assertThat(value.asBoolean()).as(which).isEqualTo(flag);
                        }
                    }
                }
                // and the rollups and the reference agree as verify compares them
                assertThat(new RollupVerifier(app.database.dataSource()).compare(name, asOf, parameters)).as(which(name,
                        parameters)).isEmpty();
            }
        }
    }

    private static String which(String name, Map<String, String> parameters) {
        return name + " " + parameters;
    }

    @Test
    void a_filtered_day_stays_exact_after_a_write_until_and_after_the_fold() {
        JsonNode before = period(report("revenue_summary", Map.of("region", "Devon")), "month_to_date");
        // order 2 moves to Greater London: June's Devon loses it at once (its day is read raw until folded)
        app.sql("update orders set shipping_address_id = 901 where order_id = 2");
        JsonNode moved = period(report("revenue_summary", Map.of("region", "Devon")), "month_to_date");
        assertThat(moved.get("orders").asInt()).isEqualTo(before.get("orders").asInt() - 1);
        app.sql("select fold_rollups()");
        assertThat(period(report("revenue_summary", Map.of("region", "Devon")), "month_to_date").get("orders").asInt())
                .isEqualTo(moved.get("orders").asInt());
        app.sql("update orders set shipping_address_id = 902 where order_id = 2; select fold_rollups()");
        assertThat(period(report("revenue_summary", Map.of("region", "Devon")), "month_to_date").get("orders").asInt())
                .isEqualTo(before.get("orders").asInt());
    }

    @Test
    void a_category_filter_keeps_the_category_and_everything_below_it() {
        // Kitchen: the mugs of orders 1, 2 (25 June) and the teapot of order 2; Mugs alone: the mugs
        JsonNode kitchen = report("top_products", Map.of("category", "kitchen", "days", "7"));
        assertThat(kitchen.size()).isEqualTo(2);
        assertThat(kitchen.get(0).get("product_id").asInt()).isEqualTo(201);
        assertThat(kitchen.get(1).get("product_id").asInt()).isEqualTo(203);
        JsonNode mugs = report("top_products", Map.of("category", "802", "days", "7"));
        assertThat(mugs.size()).isEqualTo(1);
        assertThat(report("top_products", Map.of("category", "garden")).size()).isZero();
        JsonNode tree = report("category_sales", Map.of("category", "kitchen"));
        assertThat(tree.size()).isEqualTo(3);
        assertThat(tree.get(0).get("category").asText()).isEqualTo("Kitchen");
        assertThat(tree.get(0).get("orders").asInt()).isEqualTo(3); // orders 1, 2 and 3 in the last 30 days
        assertThat(tree.get(2).get("category").asText()).isEqualTo("Teapots");
        assertThat(tree.get(2).get("gross_sales").decimalValue()).isEqualByComparingTo("25.00");
        ReportRunner runner = new ReportRunner(app.database.dataSource());
        OffsetDateTime asOf = OffsetDateTime.parse("2026-06-30T12:00+01:00");
        for (String name : List.of("top_products", "category_sales")) {
            for (String category : List.of("kitchen", "mugs", "803", "garden")) {
                for (String days : List.of("7", "60")) {
                    Map<String, String> parameters = Map.of("category", category, "days", days);
                    assertThat(new RollupVerifier(app.database.dataSource()).compare(name, asOf, parameters))
                            .as(which(name, parameters)).isEmpty();
                    assertThat(report(name, parameters).size()).as(which(name, parameters))
                            .isEqualTo(runner.run(ReportCatalog.references().get(name), asOf, parameters).rows().size());
                }
            }
        }
        assertError(app.get("/api/reports/top_products?category=kitchenware", app.viewer), "category",
                "'kitchenware' is not a category");
        assertError(app.get("/api/reports/category_sales?category=999", app.viewer), "category",
                "'999' is not a category");
    }

    @Test
    void bad_filters_are_refused_naming_them() {
        assertError(app.get("/api/reports/revenue_summary?device=phone", app.viewer), "device",
                "must be one of desktop, mobile, tablet, unknown");
        assertError(app.get("/api/reports/daily_revenue?customer=old", app.viewer), "customer", "new, returning");
        assertError(app.get("/api/reports/revenue_summary?colour=red", app.viewer), "colour", "has no parameter 'colour'");
        // a filter a report does not take (yet) is an unknown parameter, named
        assertError(app.get("/api/reports/rfm_segments?device=mobile", app.viewer), "device",
                "has no parameter 'device'");
    }

    private static void assertError(HttpResponse<String> response, String field, String words) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("field").asText()).isEqualTo(field);
        assertThat(body.get("error").asText()).contains(words);
    }
}
