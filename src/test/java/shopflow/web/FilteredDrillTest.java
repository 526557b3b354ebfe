package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.web.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The filtered drills read each order's kept rows with its dimensions (rollups.order_drill_rows_folded)
 * and the orders written since they were computed from the raw rows (docs/filters.md, "Drill-downs").
 * What that can get wrong, checked against the reference: the unfiltered list of the same moment,
 * kept to the orders order_in_filters() names (the reference SQL's filter), page by page; an order
 * whose dimension changes between two pages; orders arriving while a client pages.
 */
class FilteredDrillTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static final String AS_OF = "2026-06-30T12:00";

    @BeforeAll
    static void richerShop() {
        app.sql(FilterApiTest.RICHER_SHOP);
    }

    /** Each dimension, rare values (a tablet: no order has one), a pair and a triple. */
    private static final List<Map<String, String>> FILTERS = List.of(
            Map.of("device", "mobile"), Map.of("device", "desktop"), Map.of("device", "tablet"),
            Map.of("channel", "search"), Map.of("channel", "unknown"), Map.of("country", "unknown"),
            Map.of("region", "Devon"), Map.of("region", "Greater London"), Map.of("customer", "new"),
            Map.of("customer", "returning"), Map.of("coupon", "yes"), Map.of("channel", "email", "coupon", "yes"),
            Map.of("region", "Greater London", "device", "mobile", "customer", "new"));

    /** The lists checked: the year's and the month's tiles, and three days of the chart. */
    private static final List<Map<String, String>> LISTS = List.of(
            Map.of("drill", "period_orders", "period", "year_to_date"),
            Map.of("drill", "period_orders", "period", "month_to_date"),
            Map.of("drill", "day_orders", "day", "2026-06-30"), Map.of("drill", "day_orders", "day", "2026-06-25"),
            Map.of("drill", "day_orders", "day", "2026-05-15"));

    @Test
    void every_filtered_list_is_the_reference_list_page_by_page() {
        int listed = 0;
        for (Map<String, String> list : LISTS) {
            for (Map<String, String> filters : FILTERS) {
                List<String> rows = walk(list, filters, AS_OF, 1, () -> { });
                assertThat(rows).as(list + " " + filters).isEqualTo(reference(list, filters, AS_OF));
                assertTotalIsTheList(list, filters);
                listed += rows.size();
            }
        }
        assertThat(listed).as("not vacuous").isGreaterThan(40);
    }

    @Test
    void a_page_reads_the_kept_rows_and_the_marked_orders_from_the_raw_rows() {
        Map<String, String> year = Map.of("drill", "period_orders", "period", "year_to_date");
        Map<String, String> desktop = Map.of("device", "desktop");
        List<String> right = reference(year, desktop, AS_OF);
        assertThat(right).as("order 2 is on a desktop").hasSize(1);
        try {
            // a kept row made wrong without a mark: the page reads it (this test can tell the rows are read)
            app.sql("update rollups.order_drill_rows_folded set device = 'tablet' where order_id = 2");
            assertThat(walk(year, desktop, AS_OF, 1, () -> { })).isEmpty();
            // marked, the order is read from the raw rows, wrong kept row or not (and the fold computes it again)
            app.sql("insert into rollups.order_drill_marks (order_id) values (2)");
            assertThat(walk(year, desktop, AS_OF, 1, () -> { })).isEqualTo(right);
            app.sql("select fold_rollups()");
            assertThat(walk(year, desktop, AS_OF, 1, () -> { })).isEqualTo(right);
        } finally {
            app.sql("insert into rollups.order_drill_marks (order_id) values (2); select fold_rollups()");
        }
    }

    @Test
    void an_order_whose_dimension_changes_shows_under_its_new_value_on_the_next_page() {
        Map<String, String> year = Map.of("drill", "period_orders", "period", "year_to_date");
        Map<String, String> mobile = Map.of("device", "mobile");
        Map<String, String> tablet = Map.of("device", "tablet");
        assertThat(ids(reference(year, mobile, AS_OF))).containsExactly(1, 4);
        try {
            // after the first page (order 1), order 4's session gets an earlier first view, on a tablet
            List<String> rows = walk(year, mobile, AS_OF, 1, once(() -> app.sql("""
                    insert into page_views (session_id, page_url, viewed_at, referrer, device_type) values
                        ('s-4', '/', '2026-05-15 09:00 Europe/London', 'https://www.google.com/', 'tablet')""")));
            assertThat(ids(rows)).as("order 4 is on a tablet by the second page").containsExactly(1);
            assertThat(walk(year, tablet, AS_OF, 1, () -> { })).isEqualTo(reference(year, tablet, AS_OF));
            assertThat(ids(reference(year, tablet, AS_OF))).containsExactly(4);
            assertTotalIsTheList(year, tablet);
            app.sql("select fold_rollups()");
            assertThat(walk(year, tablet, AS_OF, 1, () -> { })).isEqualTo(reference(year, tablet, AS_OF));
            assertThat(walk(year, mobile, AS_OF, 1, () -> { })).isEqualTo(reference(year, mobile, AS_OF));

            // an address corrected: orders 1 and 4 move from Greater London to Devon, on the next page too
            Map<String, String> devon = Map.of("region", "Devon");
            List<String> inDevon = walk(year, devon, AS_OF, 1, once(() -> app.sql(
                    "update addresses set state = 'Devon' where address_id = 901")));
            // the first page was order 2 (25 June); orders 1 (30 June) was before it in the list, order 4 after
            assertThat(ids(inDevon)).containsExactly(2, 3, 3, 4);
            assertThat(walk(year, devon, AS_OF, 1, () -> { })).isEqualTo(reference(year, devon, AS_OF));
            assertThat(ids(reference(year, devon, AS_OF))).containsExactly(1, 2, 3, 3, 4);
            assertTotalIsTheList(year, devon);
            app.sql("select fold_rollups()");
            assertThat(walk(year, devon, AS_OF, 1, () -> { })).isEqualTo(reference(year, devon, AS_OF));

            // an order placed before a customer's first makes that one returning: order 4 leaves the new
            app.sql("""
                    insert into orders (order_id, customer_id, order_number, status, subtotal, total_amount, created_at)
                    values (950, 1, 'ORD-950', 'pending', 10.00, 10.00, '2026-05-01 10:00 Europe/London')""");
            Map<String, String> returning = Map.of("customer", "returning");
            for (Map<String, String> list : LISTS) {
                assertThat(walk(list, returning, AS_OF, 1, () -> { })).as(list.toString())
                        .isEqualTo(reference(list, returning, AS_OF));
                assertThat(walk(list, Map.of("customer", "new"), AS_OF, 1, () -> { })).as(list.toString())
                        .isEqualTo(reference(list, Map.of("customer", "new"), AS_OF));
            }
            assertThat(ids(reference(year, returning, AS_OF))).contains(4).doesNotContain(950);
            assertThat(ids(reference(year, Map.of("customer", "new"), AS_OF))).contains(950).doesNotContain(4);
        } finally {
            app.sql("""
                    delete from orders where order_id = 950;
                    update addresses set state = 'Greater London' where address_id = 901;
                    delete from page_views where session_id = 's-4' and device_type = 'tablet';
                    select fold_rollups()""");
        }
        assertThat(walk(year, mobile, AS_OF, 1, () -> { })).isEqualTo(reference(year, mobile, AS_OF));
        assertThat(ids(reference(year, mobile, AS_OF))).containsExactly(1, 4);
    }

    @Test
    void paging_returns_every_row_exactly_once_while_orders_arrive() {
        Map<String, String> search = Map.of("channel", "search");
        List<Integer> placed = new ArrayList<>();
        try {
            for (Map<String, String> list : List.of(LISTS.get(0), LISTS.get(2))) {
                List<String> expected = reference(list, search, AS_OF);
                // before each page, an order from Google (session s-1) placed just after the list's as_of
                List<String> rows = walk(list, search, AS_OF, 1, () -> {
                    int id = 960 + placed.size();
                    placed.add(id);
                    app.sql("insert into orders (order_id, customer_id, order_number, status, subtotal, total_amount,"
                            + " session_id, shipping_address_id, created_at) values (" + id + ", 1, 'ORD-" + id
                            + "', 'pending', 10.00, 10.00, 's-1', 901, timestamptz '2026-06-30 12:00 Europe/London'"
                            + " + interval '" + placed.size() + " seconds')");
                });
                assertThat(rows).as(list.toString()).isEqualTo(expected).doesNotHaveDuplicates();
                assertThat(rows).as("not vacuous").isNotEmpty();
            }
            // they are in the list of a later moment: left out above for their moment alone
            assertThat(ids(walk(LISTS.get(2), search, "2026-06-30T13:00", 1, () -> { }))).containsAll(placed);
        } finally {
            app.sql("delete from orders where order_id between 960 and 999; select fold_rollups()");
        }
    }

    @Test
    void two_refund_lines_of_one_order_at_one_moment_are_each_listed_once_a_row_a_page() {
        Map<String, String> year = Map.of("drill", "period_orders", "period", "year_to_date");
        Map<String, String> search = Map.of("channel", "search");
        try {
            // an order from Google (session s-1) and two lines of one refund of it: the same order, moment and
            // kind (an order of its own: a refund is never deleted while its order exists)
            app.sql("""
                    insert into orders (order_id, customer_id, order_number, status, subtotal, total_amount, session_id,
                                        shipping_address_id, created_at)
                    values (970, 1, 'ORD-970', 'delivered', 20.00, 20.00, 's-1', 901, '2026-06-20 10:00 Europe/London');
                    insert into order_items (order_id, product_id, quantity, unit_price, line_total)
                    select 970, product_id, 2, 10.00, 20.00 from order_items where order_id = 1 order by item_id limit 1;
                    insert into order_refunds (refund_id, order_id, item_id, product_id, refunded_at, quantity, net_sales, kind)
                    select refund.id, i.order_id, i.item_id, i.product_id, '2026-06-30 11:00 Europe/London', 0,
                           line.amount, 'partial'
                    from (select nextval('order_refund_ids') as id) as refund,
                         (select * from order_items where order_id = 970) as i,
                         (values (1.25), (2.50)) as line (amount)""");
            // marked (read from the raw rows), then folded (read from the kept rows), and without a filter
            for (Runnable state : List.<Runnable>of(() -> { }, () -> app.sql("select fold_rollups()"))) {
                state.run();
                for (Map<String, String> filters : List.of(search, Map.<String, String>of())) {
                    List<String> rows = walk(year, filters, AS_OF, 1, () -> { });
                    List<String> refunds = rows.stream().filter(row -> parse(row).get("order_id").asInt() == 970
                            && parse(row).get("refund_line_id").asLong() > 0).toList();
                    assertThat(refunds).as(filters.toString()).hasSize(2).doesNotHaveDuplicates();
                    assertThat(refunds.stream().map(row -> parse(row).get("returns").asDouble()))
                            .containsExactlyInAnyOrder(1.25, 2.5);
                    assertThat(rows).as("a row a page is the list in one page").doesNotHaveDuplicates()
                            .isEqualTo(walk(year, filters, AS_OF, 1000, () -> { }));
                    // the total counts each line as a return made
                    assertTotalIsTheList(year, filters);
                    if (!filters.isEmpty()) {
                        // the search orders' returns this year are these two lines alone
                        assertThat(total(year, filters).get("returns_made").asLong()).isEqualTo(2);
                    }
                }
            }
            assertThat(walk(year, search, AS_OF, 1, () -> { })).isEqualTo(reference(year, search, AS_OF));
        } finally {
            app.sql("delete from order_items where order_id = 970; delete from orders where order_id = 970;"
                    + " select fold_rollups()");
        }
    }

    /** The first page's total (the figure clicked) counts the orders, and the returns, the list holds. */
    private static void assertTotalIsTheList(Map<String, String> list, Map<String, String> filters) {
        JsonNode page = firstPage(list, filters);
        long orders = 0;
        long returns = 0;
        for (JsonNode row : page.get("rows")) {
            orders += !row.has("kind") || row.get("kind").asText().equals("order") ? 1 : 0;
            returns += row.has("kind") && row.get("kind").asText().equals("return") ? 1 : 0;
        }
        assertThat(page.get("total").get("orders").asLong()).as(list + " " + filters).isEqualTo(orders);
        if (page.get("total").has("returns_made")) {
            assertThat(page.get("total").get("returns_made").asLong()).as(list + " " + filters + " returns")
                    .isEqualTo(returns);
        }
    }

    private static JsonNode total(Map<String, String> list, Map<String, String> filters) {
        return firstPage(list, filters).get("total");
    }

    /** The list's first page of up to 1000 rows, with its total. */
    private static JsonNode firstPage(Map<String, String> list, Map<String, String> filters) {
        HttpResponse<String> first = app.get("/api/drill/" + list.get("drill") + "?as_of=" + AS_OF + "&limit=1000&"
                + query(list, filters), app.viewer);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        return json(first);
    }

    private static Runnable once(Runnable write) {
        boolean[] done = {false};
        return () -> {
            if (!done[0]) {
                done[0] = true;
                write.run();
            }
        };
    }

    private static String query(Map<String, String> list, Map<String, String> filters) {
        Map<String, String> parameters = new LinkedHashMap<>(list);
        parameters.remove("drill");
        parameters.putAll(filters);
        return parameters.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** The list's rows (as JSON text), {@code limit} a page; {@code beforeNextPage} runs before each later page. */
    private static List<String> walk(Map<String, String> list, Map<String, String> filters, String asOf, int limit,
            Runnable beforeNextPage) {
        String drill = list.get("drill");
        HttpResponse<String> first = app.get("/api/drill/" + drill + "?as_of=" + asOf + "&limit=" + limit + "&"
                + query(list, filters), app.viewer);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode page = json(first);
        List<String> rows = new ArrayList<>();
        while (true) {
            page.get("rows").forEach(row -> rows.add(row.toString()));
            if (page.get("next_cursor").isNull()) {
                return rows;
            }
            beforeNextPage.run();
            HttpResponse<String> next = app.get("/api/drill/" + drill + "?limit=" + limit + "&cursor="
                    + URLEncoder.encode(page.get("next_cursor").asText(), StandardCharsets.UTF_8), app.viewer);
            assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
            page = json(next);
        }
    }

    /** The reference: the unfiltered list of that moment, kept to the orders order_in_filters() names. */
    private static List<String> reference(Map<String, String> list, Map<String, String> filters, String asOf) {
        List<String> kept = new ArrayList<>();
        try (Connection c = app.database.connection();
                PreparedStatement named = c.prepareStatement("select order_in_filters(?, ?, ?, ?, ?, ?, ?)")) {
            for (String row : walk(list, Map.of(), asOf, 1000, () -> { })) {
                named.setInt(1, parse(row).get("order_id").asInt());
                int i = 2;
                for (String filter : List.of("channel", "device", "country", "region", "customer", "coupon")) {
                    named.setString(i++, filters.getOrDefault(filter, ""));
                }
                try (ResultSet r = named.executeQuery()) {
                    r.next();
                    if (r.getBoolean(1)) {
                        kept.add(row);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return kept;
    }

    private static List<Integer> ids(List<String> rows) {
        return rows.stream().map(row -> parse(row).get("order_id").asInt()).sorted().toList();
    }

    private static JsonNode parse(String row) {
        try {
            return shopflow.reports.ReportFormat.JSON_MAPPER.readTree(row);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
