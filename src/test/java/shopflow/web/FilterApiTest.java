package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.web.TestServer.json;

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
     * For the funnel: session s-1 also views the mug and adds it to its cart before its checkout
     * view and order 1 (every stage), and two sessions without orders: f-1 from Google on a phone
     * (20 June: views the mug, adds it, views /checkout) and f-2 from Facebook on a tablet (21 June,
     * the home page alone).
     */
    @BeforeAll
    static void richerShop() {
        app.sql(RICHER_SHOP);
    }

    /** The fixture's orders with sessions, referrers, devices, addresses and a coupon (above); also FilteredDrillTest's. */
    static final String RICHER_SHOP = """
                insert into addresses (address_id, customer_id, type, city, state, country) values
                    (901, 1, 'shipping', 'London', 'Greater London', 'GB'),
                    (902, 2, 'shipping', 'Exeter', 'Devon', 'GB'),
                    (903, 3, 'shipping', 'Plymouth', 'Devon', 'GB');
                insert into page_views (session_id, page_url, viewed_at, referrer, device_type) values
                    ('s-1', '/', '2026-06-30 08:50 Europe/London', 'https://www.google.com/', 'mobile'),
                    ('s-1', '/checkout', '2026-06-30 08:58 Europe/London', null, 'mobile'),
                    ('s-2', '/', '2026-06-25 09:40 Europe/London', 'https://mail.shopflow.example/newsletter', 'desktop'),
                    ('s-4', '/', '2026-05-15 09:30 Europe/London', 'https://www.google.com/', 'mobile');
                insert into page_views (session_id, page_url, product_id, viewed_at, referrer, device_type) values
                    ('s-1', '/products/mug', 201, '2026-06-30 08:52 Europe/London', null, 'mobile'),
                    ('f-1', '/', null, '2026-06-20 10:00 Europe/London', 'https://www.google.co.uk/search', 'mobile'),
                    ('f-1', '/products/mug', 201, '2026-06-20 10:02 Europe/London', null, 'mobile'),
                    ('f-1', '/checkout', null, '2026-06-20 10:07 Europe/London', null, 'mobile'),
                    ('f-2', '/', null, '2026-06-21 10:00 Europe/London', 'https://www.facebook.com/', 'tablet');
                insert into cart_events (session_id, product_id, action, quantity, event_at) values
                    ('s-1', 201, 'add', 1, '2026-06-30 08:55 Europe/London'),
                    ('f-1', 201, 'add', 1, '2026-06-20 10:05 Europe/London');
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
                """;

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

    /** Every filter with a few values, on its own, and every pair of filters (each with its first value). */
    private static List<Map<String, String>> filterCases() {
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
        return cases;
    }

    @Test
    void every_filter_and_pair_equals_the_reference_sql_with_the_same_filters() {
        List<Map<String, String>> cases = filterCases();
        ReportRunner runner = new ReportRunner(app.database.dataSource());
        ReportCatalog reports = ReportCatalog.load();
        ReportCatalog references = ReportCatalog.references();
        OffsetDateTime asOf = OffsetDateTime.parse("2026-06-30T12:00+01:00");
        for (String name : List.of("revenue_summary", "daily_revenue", "kpi_tiles", "kpi_days")) {
            for (Map<String, String> filters : cases) {
                Map<String, String> parameters = new LinkedHashMap<>(filters);
                if (name.equals("daily_revenue") || name.equals("kpi_days")) {
                    parameters.put("days", "60");
                }
                if (name.equals("kpi_tiles")) {
                    parameters.put("period", "year_to_date");
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
                // and the rollups and the reference agree as verify compares them (the reference's answer above)
                assertThat(RollupVerifier.firstDifference(name, asOf, parameters,
                        runner.run(reports.get(name), asOf, parameters), reference)).as(which(name, parameters)).isEmpty();
            }
        }
    }

    /** kpi_tiles' rows by measure. */
    private static Map<String, JsonNode> measures(JsonNode rows) {
        Map<String, JsonNode> byMeasure = new LinkedHashMap<>();
        rows.forEach(row -> byMeasure.put(row.get("measure").asText(), row));
        return byMeasure;
    }

    private static JsonNode day(JsonNode rows, String day) {
        for (JsonNode row : rows) {
            if (row.get("day").asText().equals(day)) {
                return row;
            }
        }
        throw new AssertionError("no day " + day);
    }

    /**
     * The measure tiles and their days with filters, by hand, as of 30 June 12:00: the month to date
     * against 1 to 30 May 12:00. Devon: orders 2 (75.50 gross less its 5.00 coupon, customer 2's second)
     * and 3 (20.00, customer 3's first, placed and cancelled on 2 June: 20.00 returned); in May none.
     * Mobile: order 1 (100.00, customer 1's second); June's mobile sessions s-1 (every stage, order 1)
     * and f-1 (no order), May's s-4 (ordered without viewing a product: not converted).
     */
    @Test
    void the_kpi_tiles_and_their_days_take_the_order_filters() {
        Map<String, JsonNode> devon = measures(report("kpi_tiles", Map.of("region", "Devon")));
        assertThat(devon.get("orders").get("value").decimalValue()).isEqualByComparingTo("2");
        assertThat(devon.get("orders").get("compare_value").decimalValue()).isEqualByComparingTo("0");
        assertThat(devon.get("net_sales").get("value").decimalValue()).isEqualByComparingTo("70.50");
        assertThat(devon.get("average_order_value").get("value").decimalValue()).isEqualByComparingTo("35.25");
        // 20.00 returned of 90.50 sold
        assertThat(devon.get("returns_rate").get("value").decimalValue()).isEqualByComparingTo("22.1");
        assertThat(devon.get("new_customer_share").get("value").decimalValue()).isEqualByComparingTo("50.0");
        assertThat(devon.get("repeat_customer_share").get("value").decimalValue()).isEqualByComparingTo("50.0");
        // sessions have no region: no conversion rate, and the row says why
        JsonNode conversion = devon.get("conversion_rate");
        assertThat(conversion.get("value").isNull()).isTrue();
        assertThat(conversion.get("denominator").isNull()).isTrue();
        assertThat(conversion.get("note").asText())
                .isEqualTo("no conversion rate by region: a session has only a channel and a device");
        assertThat(devon.get("orders").get("note").isNull()).isTrue();

        Map<String, JsonNode> mobile = measures(report("kpi_tiles", Map.of("device", "mobile")));
        assertThat(mobile.get("orders").get("value").decimalValue()).isEqualByComparingTo("1");
        assertThat(mobile.get("net_sales").get("value").decimalValue()).isEqualByComparingTo("100.00");
        assertThat(mobile.get("new_customer_share").get("value").decimalValue()).isEqualByComparingTo("0.0");
        assertThat(mobile.get("repeat_customer_share").get("value").decimalValue()).isEqualByComparingTo("100.0");
        // s-1 of s-1 and f-1; May: none of s-4
        conversion = mobile.get("conversion_rate");
        assertThat(conversion.get("numerator").decimalValue()).isEqualByComparingTo("1");
        assertThat(conversion.get("denominator").decimalValue()).isEqualByComparingTo("2");
        assertThat(conversion.get("value").decimalValue()).isEqualByComparingTo("50.00");
        assertThat(conversion.get("compare_numerator").decimalValue()).isEqualByComparingTo("0");
        assertThat(conversion.get("compare_denominator").decimalValue()).isEqualByComparingTo("1");
        assertThat(conversion.get("change").decimalValue()).isEqualByComparingTo("50.00");
        assertThat(conversion.get("note").isNull()).isTrue();

        // Greater London on a phone, which no cut of the rollup keeps with the customer kind: orders 1 and
        // 4 this year, 4 customer 1's first (its first-time orders counted one by one)
        Map<String, JsonNode> londonMobile = measures(report("kpi_tiles", Map.of("region", "Greater London",
                "device", "mobile", "period", "year_to_date")));
        assertThat(londonMobile.get("orders").get("value").decimalValue()).isEqualByComparingTo("2");
        assertThat(londonMobile.get("new_customer_share").get("value").decimalValue()).isEqualByComparingTo("50.0");

        // the days: 30 June order 1 and s-1 on a phone; 25 June order 2 on a desktop
        JsonNode mobileDays = report("kpi_days", Map.of("device", "mobile", "days", "7"));
        assertThat(mobileDays.size()).isEqualTo(7);
        JsonNode today = day(mobileDays, "2026-06-30");
        assertThat(today.get("orders").asInt()).isEqualTo(1);
        assertThat(today.get("sessions").asInt()).isEqualTo(1);
        assertThat(today.get("conversion_rate").decimalValue()).isEqualByComparingTo("100.00");
        assertThat(day(mobileDays, "2026-06-25").get("orders").asInt()).isZero();
        assertThat(day(mobileDays, "2026-06-25").get("conversion_rate").isNull()).isTrue();
        // Devon: 2 June order 3, placed and returned that day; 25 June order 2; no sessions by region
        JsonNode devonDays = report("kpi_days", Map.of("region", "Devon", "days", "30"));
        JsonNode second = day(devonDays, "2026-06-02");
        assertThat(second.get("orders").asInt()).isEqualTo(1);
        assertThat(second.get("net_sales").decimalValue()).isEqualByComparingTo("0.00");
        assertThat(second.get("returns_rate").decimalValue()).isEqualByComparingTo("100.0");
        assertThat(second.get("new_customer_share").decimalValue()).isEqualByComparingTo("100.0");
        assertThat(second.get("sessions").isNull()).isTrue();
        assertThat(second.get("conversion_rate").isNull()).isTrue();
        assertThat(day(devonDays, "2026-06-25").get("net_sales").decimalValue()).isEqualByComparingTo("70.50");
        assertThat(day(devonDays, "2026-06-25").get("repeat_customer_share").decimalValue()).isEqualByComparingTo("100.0");
    }

    /**
     * kpi_tiles (every period) and kpi_days with every filter and pair equal their reference SQL with the
     * same filters at moments inside hours with sessions and orders (s-1's order at 09:00, f-1's first
     * view at 10:00 on 20 June), at the fixture's as_of and after its last order.
     */
    @Test
    void the_kpi_tiles_and_days_equal_the_reference_with_every_filter_and_pair_at_several_moments() {
        RollupVerifier verifier = new RollupVerifier(app.database.dataSource());
        for (String moment : List.of("2026-06-30T12:00+01:00", "2026-06-30T09:30+01:00", "2026-06-20T10:03+01:00",
                "2026-07-01T00:30+01:00")) {
            OffsetDateTime asOf = OffsetDateTime.parse(moment);
            for (Map<String, String> filters : filterCases()) {
                for (String period : List.of("today", "last_7_days", "month_to_date", "year_to_date")) {
                    Map<String, String> parameters = new LinkedHashMap<>(filters);
                    parameters.put("period", period);
                    assertThat(verifier.compare("kpi_tiles", asOf, parameters)).as(moment + " kpi_tiles " + parameters)
                            .isEmpty();
                }
                Map<String, String> parameters = new LinkedHashMap<>(filters);
                parameters.put("days", "45");
                assertThat(verifier.compare("kpi_days", asOf, parameters)).as(moment + " kpi_days " + parameters).isEmpty();
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

    private static List<Integer> funnel(Map<String, String> filters) {
        List<Integer> sessions = new ArrayList<>();
        report("conversion_funnel", filters).forEach(stage -> sessions.add(stage.get("sessions").asInt()));
        return sessions;
    }

    @Test
    void the_funnel_takes_the_channel_and_device_of_its_sessions() {
        // the last 30 days' sessions: s-1 (search, phone: every stage), s-2 (email, desktop: the home
        // page), f-1 (search, phone: up to checkout), f-2 (social, tablet: the home page)
        assertThat(funnel(Map.of())).containsExactly(4, 2, 2, 2, 1);
        assertThat(funnel(Map.of("device", "mobile"))).containsExactly(2, 2, 2, 2, 1);
        assertThat(funnel(Map.of("channel", "search"))).containsExactly(2, 2, 2, 2, 1);
        assertThat(funnel(Map.of("channel", "email"))).containsExactly(1, 0, 0, 0, 0);
        assertThat(funnel(Map.of("channel", "social", "device", "tablet"))).containsExactly(1, 0, 0, 0, 0);
        assertThat(funnel(Map.of("channel", "search", "device", "desktop"))).containsExactly(0, 0, 0, 0, 0);
        assertThat(funnel(Map.of("device", "unknown"))).containsExactly(0, 0, 0, 0, 0);
        // the rows are the funnel's, percentages too: 2 of 2 sessions, then 1 of 2 ordered
        JsonNode mobile = report("conversion_funnel", Map.of("device", "mobile"));
        assertThat(mobile.get(4).get("pct_of_previous").decimalValue()).isEqualByComparingTo("50.0");
        assertThat(mobile.get(4).get("stage").asText()).isEqualTo("order");
        // as of 8:56 on 30 June s-1 has viewed the mug and added it (the hour of as_of, read session by session)
        HttpResponse<String> early = app.get("/api/reports/conversion_funnel?as_of=2026-06-30T08:56&device=mobile",
                app.viewer);
        List<Integer> sessions = new ArrayList<>();
        json(early).get("rows").forEach(stage -> sessions.add(stage.get("sessions").asInt()));
        assertThat(sessions).containsExactly(2, 2, 2, 1, 0);
        funnelEqualsReference();
    }

    /** Every funnel filter and pair, at moments in and after the sessions' hours, equal to the reference SQL. */
    private static void funnelEqualsReference() {
        List<Map<String, String>> cases = new ArrayList<>();
        for (String channel : List.of("", "search", "email", "social", "direct", "referral")) {
            for (String device : List.of("", "mobile", "desktop", "tablet", "unknown")) {
                Map<String, String> filters = new LinkedHashMap<>();
                if (!channel.isEmpty()) {
                    filters.put("channel", channel);
                }
                if (!device.isEmpty()) {
                    filters.put("device", device);
                }
                cases.add(filters);
            }
        }
        RollupVerifier verifier = new RollupVerifier(app.database.dataSource());
        for (String moment : List.of("2026-06-30T12:00+01:00", "2026-06-30T08:56+01:00", "2026-06-20T10:06+01:00",
                "2026-07-20T10:06+01:00")) {
            for (Map<String, String> filters : cases) {
                for (String days : List.of("1", "30")) {
                    Map<String, String> parameters = new LinkedHashMap<>(filters);
                    parameters.put("days", days);
                    assertThat(verifier.compare("conversion_funnel", OffsetDateTime.parse(moment), parameters))
                            .as(which("conversion_funnel", parameters) + " as of " + moment).isEmpty();
                }
            }
        }
    }

    @Test
    void a_filtered_funnel_stays_exact_when_a_session_gets_an_earlier_first_view_until_and_after_the_fold() {
        app.sql("select fold_rollups()");
        List<Integer> tablets = funnel(Map.of("device", "tablet"));
        List<Integer> phones = funnel(Map.of("device", "mobile"));
        // f-2 turns out to have landed on a phone a minute earlier, directly: no longer a tablet's
        app.sql("insert into page_views (session_id, page_url, viewed_at, referrer, device_type)"
                + " values ('f-2', '/sale', '2026-06-21 09:59 Europe/London', null, 'mobile')");
        assertThat(funnel(Map.of("device", "tablet")).get(0)).isEqualTo(tablets.get(0) - 1);
        assertThat(funnel(Map.of("device", "mobile")).get(0)).isEqualTo(phones.get(0) + 1);
        assertThat(funnel(Map.of("channel", "direct", "device", "mobile"))).containsExactly(1, 0, 0, 0, 0);
        funnelEqualsReference();
        app.sql("select fold_rollups()");
        assertThat(funnel(Map.of("device", "tablet")).get(0)).isEqualTo(tablets.get(0) - 1);
        assertThat(funnel(Map.of("channel", "direct", "device", "mobile"))).containsExactly(1, 0, 0, 0, 0);
        funnelEqualsReference();
        // and back: the view removed, f-2 is a tablet's from Facebook again
        app.sql("delete from page_views where session_id = 'f-2' and page_url = '/sale'; select fold_rollups()");
        assertThat(funnel(Map.of("device", "tablet"))).isEqualTo(tablets);
        assertThat(funnel(Map.of("device", "mobile"))).isEqualTo(phones);
        funnelEqualsReference();
    }

    private static List<String> stockRows(Map<String, String> filters) {
        List<String> rows = new ArrayList<>();
        report("low_stock", filters).forEach(row -> rows.add(row.get("sku").asText() + " " + row.get("warehouse").asText()
                + " " + row.get("status").asText()));
        return rows;
    }

    @Test
    void low_stock_takes_a_category_and_everything_below_it() {
        // no shipments, so no velocity: REORDER NOW at or under the reorder level (the mug and the
        // teapot in London), else OK (the teapot in Leeds)
        app.sql("insert into inventory (product_id, warehouse, quantity, reorder_level) values"
                + " (201, 'London', 2, 5), (203, 'London', 0, 1), (203, 'Leeds', 9, 1)");
        assertThat(stockRows(Map.of("category", "kitchen"))).containsExactly("MUG London REORDER NOW",
                "POT London REORDER NOW");
        assertThat(stockRows(Map.of("category", "mugs"))).containsExactly("MUG London REORDER NOW");
        assertThat(stockRows(Map.of("category", "803", "show", "all"))).containsExactlyInAnyOrder(
                "POT London REORDER NOW", "POT Leeds OK");
        assertThat(stockRows(Map.of("category", "garden"))).isEmpty();
        assertThat(stockRows(Map.of("category", "kitchen", "limit", "1"))).containsExactly("MUG London REORDER NOW");
        RollupVerifier verifier = new RollupVerifier(app.database.dataSource());
        for (String category : List.of("kitchen", "mugs", "803", "garden")) {
            for (String show : List.of("low", "all")) {
                for (String limit : List.of("1", "50")) {
                    Map<String, String> parameters = Map.of("category", category, "show", show, "limit", limit);
                    assertThat(verifier.compare("low_stock", OffsetDateTime.parse("2026-06-30T12:00+01:00"), parameters))
                            .as(which("low_stock", parameters)).isEmpty();
                }
            }
        }
        assertError(app.get("/api/reports/low_stock?category=kitchenware", app.viewer), "category",
                "'kitchenware' is not a category");
        assertError(app.get("/api/reports/low_stock?device=mobile", app.viewer), "device", "has no parameter 'device'");
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
        // the funnel counts sessions: an order's filters are not its, and every session has a page view
        assertError(app.get("/api/reports/conversion_funnel?country=GB", app.viewer), "country",
                "has no parameter 'country'");
        assertError(app.get("/api/reports/conversion_funnel?channel=unknown", app.viewer), "channel",
                "must be one of direct, search, social, email, referral");
    }

    /** Every row of a drill's list, page by page (limit 2, so most lists take several pages), and its total. */
    private static List<JsonNode> drill(String name, Map<String, String> parameters, JsonNode[] total) {
        String query = parameters.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> first = app.get("/api/drill/" + name + "?as_of=" + AS_OF + "&limit=2&" + query, app.viewer);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode page = json(first);
        total[0] = page.get("total");
        List<JsonNode> rows = new ArrayList<>();
        while (true) {
            page.get("rows").forEach(rows::add);
            if (page.get("next_cursor").isNull()) {
                return rows;
            }
            HttpResponse<String> next = app.get("/api/drill/" + name + "?limit=2&cursor="
                    + URLEncoder.encode(page.get("next_cursor").asText(), StandardCharsets.UTF_8), app.viewer);
            assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
            page = json(next);
        }
    }

    private static java.math.BigDecimal sum(List<JsonNode> rows, String column) {
        return rows.stream().map(row -> row.get(column).decimalValue()).reduce(java.math.BigDecimal.ZERO,
                java.math.BigDecimal::add);
    }

    /** One filter of each dimension, a pair in one cut, a pair across cuts, and three that no cut keeps (raw). */
    private static final List<Map<String, String>> DRILL_FILTERS = List.of(
            Map.of("channel", "search"), Map.of("device", "desktop"), Map.of("country", "unknown"),
            Map.of("region", "Devon"), Map.of("customer", "new"), Map.of("coupon", "yes"),
            Map.of("channel", "unknown", "customer", "new"), Map.of("region", "Greater London", "device", "mobile"),
            Map.of("region", "Greater London", "device", "mobile", "customer", "new"));

    @Test
    void every_filtered_kpi_tile_drills_to_orders_and_returns_that_add_up_to_it() {
        int listed = 0;
        for (Map<String, String> filters : DRILL_FILTERS) {
            JsonNode summary = report("revenue_summary", filters);
            for (JsonNode tile : summary) {
                String period = tile.get("period").asText();
                Map<String, String> parameters = new LinkedHashMap<>(filters);
                parameters.put("period", period);
                JsonNode[] total = new JsonNode[1];
                List<JsonNode> rows = drill("period_orders", parameters, total);
                String which = which("period_orders", parameters);
                long orders = rows.stream().filter(row -> row.get("kind").asText().equals("order")).count();
                assertThat(orders).as(which).isEqualTo(tile.get("orders").asLong());
                for (String measure : List.of("gross_sales", "discounts", "returns", "net_sales")) {
                    assertThat(sum(rows, measure)).as(which + " " + measure)
                            .isEqualByComparingTo(tile.get(measure).decimalValue());
                    assertThat(total[0].get(measure).decimalValue()).as(which + " total " + measure)
                            .isEqualByComparingTo(tile.get(measure).decimalValue());
                }
                assertThat(total[0].get("orders").asLong()).as(which).isEqualTo(tile.get("orders").asLong());
                long returns = rows.stream().filter(row -> row.get("kind").asText().equals("return")).count();
                assertThat(total[0].get("returns_made").asLong()).as(which + ": the list's return rows")
                        .isEqualTo(returns);
                listed += rows.size();
            }
        }
        assertThat(listed).as("not vacuous").isGreaterThan(20);
        // Devon's year: orders 2 and 3, and order 3's cancellation on 3 June
        Map<String, String> devon = Map.of("region", "Devon", "period", "year_to_date");
        JsonNode[] devonTotal = new JsonNode[1];
        List<JsonNode> rows = drill("period_orders", devon, devonTotal);
        assertThat(rows).extracting(row -> row.get("kind").asText() + " " + row.get("order_id").asInt())
                .containsExactly("order 2", "return 3", "order 3");
        assertThat(devonTotal[0].get("returns_made").asLong()).isEqualTo(1);
        // Greater London's year: orders 1 and 4, no return (0, not null)
        JsonNode[] london = new JsonNode[1];
        assertThat(drill("period_orders", Map.of("region", "Greater London", "period", "year_to_date"), london))
                .hasSize(2);
        assertThat(london[0].get("returns_made").isNull()).isFalse();
        assertThat(london[0].get("returns_made").asLong()).isZero();
    }

    @Test
    void every_filtered_day_of_the_daily_chart_drills_to_orders_that_add_up_to_it() {
        int listed = 0;
        for (Map<String, String> filters : DRILL_FILTERS) {
            Map<String, String> chart = new LinkedHashMap<>(filters);
            chart.put("days", "60");
            for (JsonNode day : report("daily_revenue", chart)) {
                Map<String, String> parameters = new LinkedHashMap<>(filters);
                parameters.put("day", day.get("day").asText());
                JsonNode[] total = new JsonNode[1];
                List<JsonNode> rows = drill("day_orders", parameters, total);
                String which = which("day_orders", parameters);
                assertThat(rows).as(which).hasSize(day.get("orders").asInt());
                assertThat(total[0].get("orders").asInt()).as(which).isEqualTo(day.get("orders").asInt());
                for (String measure : List.of("gross_sales", "discounts")) {
                    assertThat(sum(rows, measure)).as(which + " " + measure)
                            .isEqualByComparingTo(day.get(measure).decimalValue());
                    assertThat(total[0].get(measure).decimalValue()).as(which + " total " + measure)
                            .isEqualByComparingTo(day.get(measure).decimalValue());
                }
                listed += rows.size();
            }
        }
        assertThat(listed).as("not vacuous").isGreaterThan(5);
    }

    @Test
    void a_category_filtered_panel_drills_to_products_and_orders_that_add_up_to_its_rows() {
        for (String category : List.of("kitchen", "mugs", "803")) {
            Map<String, String> window = Map.of("category", category, "days", "60");
            for (JsonNode row : report("category_sales", window)) {
                Map<String, String> parameters = new LinkedHashMap<>(window);
                parameters.put("category_id", row.get("category_id").asText());
                JsonNode[] total = new JsonNode[1];
                List<JsonNode> products = drill("category_products", parameters, total);
                for (String measure : List.of("gross_sales", "discounts", "returns", "net_sales")) {
                    assertThat(sum(products, measure)).as(which("category_products", parameters) + " " + measure)
                            .isEqualByComparingTo(row.get(measure).decimalValue());
                    assertThat(total[0].get(measure).decimalValue()).as(which("category_products", parameters))
                            .isEqualByComparingTo(row.get(measure).decimalValue());
                }
            }
            JsonNode top = report("top_products", window);
            assertThat(top.size()).as(category).isGreaterThan(0);
            for (JsonNode product : top) {
                Map<String, String> parameters = new LinkedHashMap<>(window);
                parameters.put("product_id", product.get("product_id").asText());
                JsonNode[] total = new JsonNode[1];
                List<JsonNode> orders = drill("product_orders", parameters, total);
                String which = which("product_orders", parameters);
                assertThat(orders).as(which).hasSize(product.get("orders").asInt());
                assertThat(total[0].get("orders").asInt()).as(which).isEqualTo(product.get("orders").asInt());
                assertThat(sum(orders, "gross_sales")).as(which).isEqualByComparingTo(product.get("gross_sales").decimalValue());
            }
        }
        // a product outside the category has no orders under its filter, a category outside it no products
        assertThat(drill("product_orders", Map.of("category", "teapots", "days", "60", "product_id", "201"),
                new JsonNode[1])).isEmpty();
        JsonNode[] total = new JsonNode[1];
        assertThat(drill("category_products", Map.of("category", "teapots", "days", "60", "category_id", "802"), total))
                .isEmpty();
        assertThat(total[0].get("net_sales").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void market_basket_takes_the_filters_and_its_partners_drill_lists_each_filtered_row() {
        // The 30 days' orders counted at as_of: 1 (a mug; Google on a phone, Greater London) and 2 (a mug and
        // the teapot; a newsletter on a desktop, Devon, a coupon); 3 is cancelled. All of them: 2 orders, the
        // mug in both, the teapot in 1: support 1/2, confidences 1/2 and 1/1, lift 1 x 2 / (2 x 1) = 1.00.
        Map<String, String> pairs = Map.of("min_pair_orders", "1");
        assertThat(basketRow(pairs)).isEqualTo("Mug | Teapot | 1 | 50 | 50 | 100 | 1");
        // order 2 alone (a desktop, a coupon, Devon, a returning customer's): support 1/1, lift 1 x 1 / (1 x 1)
        for (Map<String, String> filters : List.of(Map.of("device", "desktop"), Map.of("coupon", "yes"),
                Map.of("region", "Devon"), Map.of("channel", "email", "customer", "returning"))) {
            Map<String, String> parameters = new LinkedHashMap<>(pairs);
            parameters.putAll(filters);
            assertThat(basketRow(parameters)).as(parameters.toString())
                    .isEqualTo("Mug | Teapot | 1 | 100 | 100 | 100 | 1");
        }
        // order 1 alone (a phone), or a category holding the mug only: no pair; Kitchen holds both: as all orders
        assertThat(report("market_basket", Map.of("min_pair_orders", "1", "device", "mobile")).size()).isZero();
        assertThat(report("market_basket", Map.of("min_pair_orders", "1", "category", "mugs")).size()).isZero();
        assertThat(basketRow(Map.of("min_pair_orders", "1", "category", "kitchen")))
                .isEqualTo("Mug | Teapot | 1 | 50 | 50 | 100 | 1");
        // every filter and pairs of them (and with the category) equal the reference, and each row's
        // products list each other in the partners drill with the same filters
        List<Map<String, String>> cases = new ArrayList<>(DRILL_FILTERS);
        cases.addAll(List.of(Map.of("device", "mobile"), Map.of("channel", "email"), Map.of("customer", "returning"),
                Map.of("category", "kitchen"), Map.of("category", "803"), Map.of("category", "kitchen", "coupon", "yes"),
                Map.of("category", "kitchen", "device", "mobile")));
        OffsetDateTime asOf = OffsetDateTime.parse("2026-06-30T12:00+01:00");
        int rows = 0;
        for (Map<String, String> filters : cases) {
            for (String days : List.of("7", "60")) {
                Map<String, String> parameters = new LinkedHashMap<>(filters);
                parameters.put("min_pair_orders", "1");
                parameters.put("days", days);
                assertThat(new RollupVerifier(app.database.dataSource()).compare("market_basket", asOf, parameters))
                        .as(which("market_basket", parameters)).isEmpty();
                for (JsonNode pair : report("market_basket", parameters)) {
                    rows++;
                    for (int side = 1; side <= 2; side++) {
                        Map<String, String> drill = new LinkedHashMap<>(parameters);
                        drill.put("product_id", pair.get("product_" + side + "_id").asText());
                        JsonNode[] total = new JsonNode[1];
                        List<JsonNode> partners = drill("product_partners", drill, total);
                        String partner = pair.get("product_" + (3 - side) + "_id").asText();
                        JsonNode row = partners.stream().filter(p -> p.get("partner_id").asText().equals(partner))
                                .findFirst().orElseThrow(() -> new AssertionError(partner + " not in " + drill));
                        assertThat(row.get("orders_together").asInt()).as(drill.toString())
                                .isEqualTo(pair.get("orders_together").asInt());
                        assertThat(row.get("confidence_pct").decimalValue()).as(drill.toString()).isEqualByComparingTo(
                                pair.get(side == 1 ? "confidence_1_to_2_pct" : "confidence_2_to_1_pct").decimalValue());
                        assertThat(total[0].get("partners").asInt()).as(drill.toString()).isEqualTo(partners.size());
                    }
                }
            }
        }
        assertThat(rows).isGreaterThan(10); // not vacuous
        // the mug's partners: the teapot in order 2, under a filter naming it; none on a phone or outside a category
        JsonNode[] total = new JsonNode[1];
        assertThat(drill("product_partners", Map.of("product_id", "201", "device", "desktop"), total)).hasSize(1);
        assertThat(total[0].get("orders").asInt()).isEqualTo(1);
        assertThat(drill("product_partners", Map.of("product_id", "201", "device", "mobile"), total)).isEmpty();
        assertThat(total[0].get("orders").asInt()).isEqualTo(1); // order 1
        assertThat(drill("product_partners", Map.of("product_id", "201", "category", "teapots"), total)).isEmpty();
        assertThat(total[0].get("orders").asInt()).isZero();
        assertThat(drill("product_partners", Map.of("product_id", "201", "category", "mugs"), total)).isEmpty();
        assertThat(total[0].get("orders").asInt()).isEqualTo(2);
        // bad filters: a category that does not exist, a device not in the list
        assertError(app.get("/api/reports/market_basket?category=kitchenware", app.viewer), "category",
                "'kitchenware' is not a category");
        assertError(app.get("/api/reports/market_basket?device=phone", app.viewer), "device",
                "must be one of desktop, mobile, tablet, unknown");
        assertError(app.get("/api/drill/product_partners?product_id=201&category=999", app.viewer), "category",
                "'999' is not a category");
    }

    private static String basketRow(Map<String, String> parameters) {
        JsonNode rows = report("market_basket", parameters);
        assertThat(rows.size()).as(parameters.toString()).isEqualTo(1);
        JsonNode row = rows.get(0);
        return String.join(" | ", List.of("product_1", "product_2", "orders_together", "support_pct",
                "confidence_1_to_2_pct", "confidence_2_to_1_pct", "lift").stream()
                .map(c -> row.get(c).isNumber() ? row.get(c).decimalValue().stripTrailingZeros().toPlainString()
                        : row.get(c).asText())
                .toList()); // numbers by value: 50.00 reads 50
    }

    @Test
    void bad_drill_filters_and_cursors_are_refused_naming_them() {
        assertError(app.get("/api/drill/period_orders?period=today&device=phone", app.viewer), "device",
                "must be one of desktop, mobile, tablet, unknown");
        assertError(app.get("/api/drill/day_orders?day=2026-06-25&colour=red", app.viewer), "colour",
                "unknown parameter 'colour'");
        assertError(app.get("/api/drill/category_products?category_id=801&category=kitchenware", app.viewer), "category",
                "'kitchenware' is not a category");
        assertError(app.get("/api/drill/product_orders?product_id=201&category=999", app.viewer), "category",
                "'999' is not a category");
        assertError(app.get("/api/drill/product_orders?product_id=201&from=2026-06-20&to=2026-06-10", app.viewer),
                "from", "is after");
        assertError(app.get("/api/reports/top_products?from=2026-06-20&to=2026-06-10&category=kitchen", app.viewer),
                "from", "is after");
        // a cursor of a filtered list: tampered, or given with other filters
        JsonNode page = json(app.get("/api/drill/period_orders?period=year_to_date&region=Devon&limit=1&as_of=" + AS_OF,
                app.viewer));
        String cursor = page.get("next_cursor").asText();
        // the second-to-last character, always a whole 6 bits of the encoded bytes, made another one
        char kept = cursor.charAt(cursor.length() - 2);
        String tampered = cursor.substring(0, cursor.length() - 2) + (kept == 'A' ? 'B' : 'A')
                + cursor.charAt(cursor.length() - 1);
        assertError(app.get("/api/drill/period_orders?cursor=" + URLEncoder.encode(tampered, StandardCharsets.UTF_8),
                app.viewer), "cursor", "cursor");
        assertError(app.get("/api/drill/period_orders?period=year_to_date&region=Greater%20London&cursor="
                + URLEncoder.encode(cursor, StandardCharsets.UTF_8), app.viewer), "cursor", "another list");
    }

    private static void assertError(HttpResponse<String> response, String field, String words) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("field").asText()).isEqualTo(field);
        assertThat(body.get("error").asText()).contains(words);
    }
}
