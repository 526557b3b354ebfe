package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drills from a KPI tile (a revenue_summary period) to its orders and returns, from a category
 * to its products, from a product to its basket partners and from a low-stock row to its stock
 * movements, against the report figure each comes from, on web/fixture.sql plus the categories,
 * baskets, returns and ledger added here.
 */
class TileCategoryBasketStockDrillTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static final String AS_OF = "2026-06-30T12:00";
    /** Before the last hour's rows are all in the hour rollups: the totals read raw rows from 11:00. */
    private static final String AS_OF_IN_THE_HOUR = "2026-06-30T11:50";

    @BeforeAll
    static void basketsReturnsAndStock() {
        app.sql("""
                -- Kitchen > Tableware (mugs and plates), spoons in Kitchen itself, nothing in Garden
                insert into categories (category_id, name, parent_id) values
                    (1, 'Kitchen', null), (2, 'Tableware', 1), (3, 'Garden', null);
                update products set category_id = 2 where product_id = 201;
                insert into products (product_id, sku, name, list_price, category_id) values
                    (202, 'SPOON', 'Spoon', 5.00, 1), (203, 'PLATE', 'Plate', 8.00, 2);
                -- 401 mug and spoon; 402 two mugs, a spoon and a plate with a 3.30 coupon; 403 mug and plate;
                -- 404 two spoons placed on the 24th, refunded today at 10:15; 405 a plate placed today, cancelled at 11:40
                insert into orders (order_id, customer_id, order_number, status, subtotal, discount_amount, total_amount,
                                    created_at) values
                    (401, 1, 'ORD-BASKET-1', 'delivered',  15.00, 0,    15.00, '2026-06-29 10:00 Europe/London'),
                    (402, 2, 'ORD-BASKET-2', 'delivered',  33.00, 3.30, 29.70, '2026-06-29 11:00 Europe/London'),
                    (403, 3, 'ORD-BASKET-3', 'processing', 18.00, 0,    18.00, '2026-06-30 10:30 Europe/London'),
                    (404, 1, 'ORD-RETURN-1', 'refunded',   10.00, 0,    10.00, '2026-06-24 09:00 Europe/London'),
                    (405, 2, 'ORD-RETURN-2', 'cancelled',   8.00, 0,     8.00, '2026-06-30 11:30 Europe/London');
                insert into order_items (order_id, product_id, quantity, unit_price, line_total) values
                    (401, 201, 1, 10.00, 10.00), (401, 202, 1, 5.00, 5.00),
                    (402, 201, 2, 10.00, 20.00), (402, 202, 1, 5.00, 5.00), (402, 203, 1, 8.00, 8.00),
                    (403, 201, 1, 10.00, 10.00), (403, 203, 1, 8.00, 8.00),
                    (404, 202, 2, 5.00, 10.00),
                    (405, 203, 1, 8.00, 8.00);
                insert into order_status_changes (order_id, from_status, to_status, changed_at) values
                    (401, null, 'delivered', '2026-06-29 10:00 Europe/London'),
                    (402, null, 'delivered', '2026-06-29 11:00 Europe/London'),
                    (403, null, 'processing', '2026-06-30 10:30 Europe/London'),
                    (404, null, 'delivered', '2026-06-24 09:00 Europe/London'),
                    (404, 'delivered', 'refunded', '2026-06-30 10:15 Europe/London'),
                    (405, null, 'pending', '2026-06-30 11:30 Europe/London'),
                    (405, 'pending', 'cancelled', '2026-06-30 11:40 Europe/London');
                -- the mugs in London: 50 restocked, 3 written off, 1 + 2 shipped, 1 more shipped after as_of
                insert into inventory (product_id, warehouse, quantity, reorder_level) values (201, 'London', 43, 10);
                insert into stock_movements (product_id, warehouse, order_id, quantity, reason, moved_at) values
                    (201, 'London', null,  50, 'restock', '2026-06-05 09:00 Europe/London'),
                    (201, 'London', null,  -3, 'adjust',  '2026-06-10 09:00 Europe/London'),
                    (201, 'London', 401,   -1, 'ship',    '2026-06-29 12:00 Europe/London'),
                    (201, 'London', 402,   -2, 'ship',    '2026-06-29 13:00 Europe/London'),
                    (201, 'London', 403,   -1, 'ship',    '2026-06-30 13:30 Europe/London');
                """);
    }

    /** Every row of a list, page by page; {@code total[0]} gets the first page's total. */
    private static List<JsonNode> allPages(String drill, String query, String asOf, int limit, JsonNode[] total) {
        List<JsonNode> rows = new ArrayList<>();
        JsonNode page = app.getJson("/api/drill/" + drill + "?" + query + "&as_of=" + asOf + "&limit=" + limit,
                app.viewer);
        total[0] = page.get("total");
        while (true) {
            assertThat(page.get("rows").size()).isLessThanOrEqualTo(limit);
            page.get("rows").forEach(rows::add);
            if (page.get("next_cursor").isNull()) {
                return rows;
            }
            page = app.getJson("/api/drill/" + drill + "?limit=" + limit + "&cursor="
                    + URLEncoder.encode(page.get("next_cursor").asText(), StandardCharsets.UTF_8), app.viewer);
        }
    }

    private static BigDecimal sum(List<JsonNode> rows, String column) {
        return rows.stream().map(r -> r.get(column).decimalValue()).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Test
    void the_new_and_repeat_customer_tiles_drill_to_as_many_orders_as_their_shares_count() {
        for (String asOf : List.of(AS_OF, AS_OF_IN_THE_HOUR)) {
            for (String period : List.of("today", "last_7_days", "month_to_date", "year_to_date")) {
                JsonNode tiles = app.getJson("/api/reports/kpi_tiles?period=" + period + "&as_of=" + asOf, app.viewer);
                for (JsonNode tile : tiles.get("rows")) {
                    String measure = tile.get("measure").asText();
                    if (!measure.endsWith("_customer_share")) {
                        continue;
                    }
                    String which = asOf + ", " + period + ", " + measure;
                    String type = measure.startsWith("new") ? "first_time" : "returning";
                    JsonNode[] total = new JsonNode[1];
                    List<JsonNode> rows = allPages("period_customer_orders", "period=" + period + "&customer_type=" + type,
                            asOf, 2, total);
                    assertThat(rows).as(which).hasSize(tile.get("numerator").asInt());
                    assertThat(total[0].get("orders").asInt()).as(which).isEqualTo(tile.get("numerator").asInt());
                    assertThat(total[0].get("of_orders").asInt()).as(which).isEqualTo(tile.get("denominator").asInt());
                    assertThat(rows).as(which).allSatisfy(row -> assertThat(row.get("customer_order").asInt() == 1)
                            .isEqualTo(type.equals("first_time")));
                }
            }
        }
        // June to noon: 8 orders, of which only order 3 is its customer's first (customers 1 and 2 first
        // ordered in May and January)
        JsonNode[] total = new JsonNode[1];
        assertThat(allPages("period_customer_orders", "period=month_to_date&customer_type=first_time", AS_OF, 2, total)
                .stream().map(r -> r.get("order_id").asInt()).toList()).containsExactly(3);
        assertThat(total[0].get("of_orders").asInt()).isEqualTo(8);
        // newest first: today's 405 (11:30, customer 2's fourth), 403, 1, then 401, 402 of the 29th ...
        List<JsonNode> returning = allPages("period_customer_orders", "period=month_to_date&customer_type=returning",
                AS_OF, 3, total);
        assertThat(returning.stream().map(r -> r.get("order_id").asInt() + "#" + r.get("customer_order").asInt()).toList())
                .containsExactly("405#4", "403#2", "1#4", "402#3", "401#3", "2#2", "404#2");
        assertThat(app.get("/api/drill/period_customer_orders?period=month_to_date&customer_type=old", app.viewer)
                .statusCode()).isEqualTo(400);
    }

    @Test
    void every_kpi_tile_drills_to_orders_and_returns_that_add_up_to_its_period() {
        for (String asOf : List.of(AS_OF, AS_OF_IN_THE_HOUR)) {
            JsonNode summary = app.getJson("/api/reports/revenue_summary?as_of=" + asOf, app.viewer);
            for (JsonNode period : summary.get("rows")) {
                String which = asOf + ", " + period.get("period").asText();
                JsonNode[] total = new JsonNode[1];
                List<JsonNode> rows = allPages("period_orders", "period=" + period.get("period").asText(), asOf, 2,
                        total);
                assertThat(sum(rows, "orders").intValue()).as(which).isEqualTo(period.get("orders").asInt());
                assertThat(total[0].get("orders").asInt()).as(which).isEqualTo(period.get("orders").asInt());
                for (String measure : List.of("gross_sales", "discounts", "returns", "net_sales")) {
                    assertThat(sum(rows, measure)).as(which + " " + measure)
                            .isEqualByComparingTo(period.get(measure).decimalValue());
                    assertThat(total[0].get(measure).decimalValue()).as(which + " " + measure)
                            .isEqualByComparingTo(period.get(measure).decimalValue());
                }
                assertThat(rows.stream().filter(r -> r.get("kind").asText().equals("return")).count()).as(which)
                        .isEqualTo(total[0].get("returns_made").asLong());
            }
        }
        // today at noon, newest first: 405 cancelled at 11:40 and placed at 11:30, 403 placed, 404 refunded, order 1
        JsonNode[] total = new JsonNode[1];
        List<JsonNode> today = allPages("period_orders", "period=today", AS_OF, 2, total);
        assertThat(today.stream().map(r -> r.get("kind").asText() + " " + r.get("order_id").asText()).toList())
                .containsExactly("return 405", "order 405", "order 403", "return 404", "order 1");
        assertThat(today.get(3).get("status").asText()).isEqualTo("refunded");
        // placed 100 + 18 + 8, returned 10 + 8
        assertThat(total[0].get("gross_sales").decimalValue()).isEqualByComparingTo("126.00");
        assertThat(total[0].get("returns").decimalValue()).isEqualByComparingTo("18.00");
        assertThat(total[0].get("net_sales").decimalValue()).isEqualByComparingTo("108.00");
        // at 11:35 order 405 was still pending, and its cancellation not made yet
        JsonNode before = app.getJson("/api/drill/period_orders?period=today&as_of=2026-06-30T11:35", app.viewer);
        assertThat(before.at("/rows/0/kind").asText()).isEqualTo("order");
        assertThat(before.at("/rows/0/status").asText()).isEqualTo("pending");
    }

    @Test
    void every_category_drills_to_products_that_add_up_to_its_figures() {
        // at noon, and at 10:00: 404's refund at 10:15 and order 405 (11:30) later that day, taken off
        for (String asOf : List.of(AS_OF, "2026-06-30T10:00")) {
            for (String window : List.of("days=30", "days=7", "from=2026-06-29&to=2026-06-29", "days=1")) {
                JsonNode categories = app.getJson("/api/reports/category_sales?" + window + "&as_of=" + asOf, app.viewer);
                assertThat(categories.get("rows").size()).isEqualTo(3);
                for (JsonNode category : categories.get("rows")) {
                    String which = asOf + ", " + window + ", " + category.get("category").asText();
                    JsonNode[] total = new JsonNode[1];
                    List<JsonNode> products = allPages("category_products", window + "&category_id="
                            + category.get("category_id").asText(), asOf, 1, total);
                    assertThat(products.stream().map(p -> p.get("product_id").asLong()).distinct().count()).as(which)
                            .isEqualTo(products.size()).isEqualTo(total[0].get("products").asLong());
                    for (String measure : List.of("units", "gross_sales", "discounts", "returns", "net_sales")) {
                        assertThat(sum(products, measure)).as(which + " " + measure)
                                .isEqualByComparingTo(category.get(measure).decimalValue());
                        assertThat(total[0].get(measure).decimalValue()).as(which + " " + measure)
                                .isEqualByComparingTo(category.get(measure).decimalValue());
                    }
                    for (int i = 1; i < products.size(); i++) {
                        assertThat(products.get(i).get("net_sales").decimalValue()).as(which + ": highest first")
                                .isLessThanOrEqualTo(products.get(i - 1).get("net_sales").decimalValue());
                    }
                }
            }
        }
        // Tableware on 29 June: orders 401 and 402 of mugs (10 + 20, 2.00 of 402's 3.30 coupon on its 20 of
        // 33) and 402's plate (8, 0.80 of the coupon)
        JsonNode[] total = new JsonNode[1];
        List<JsonNode> tableware = allPages("category_products", "category_id=2&from=2026-06-29&to=2026-06-29", AS_OF,
                5, total);
        assertThat(tableware.stream().map(p -> p.get("sku").asText() + " " + p.get("net_sales").decimalValue().setScale(2)).toList())
                .containsExactly("MUG 28.00", "PLATE 7.20");
        assertThat(total[0].get("net_sales").decimalValue()).isEqualByComparingTo("35.20");
    }

    @Test
    void every_market_basket_pair_is_among_the_partners_of_both_its_products() {
        JsonNode basket = app.getJson("/api/reports/market_basket?min_pair_orders=1&as_of=" + AS_OF, app.viewer);
        assertThat(basket.get("rows").size()).isEqualTo(3); // mug-spoon, mug-plate, spoon-plate
        for (JsonNode pair : basket.get("rows")) {
            for (int side = 1; side <= 2; side++) {
                String product = pair.get("product_" + side + "_id").asText();
                String partner = pair.get("product_" + (3 - side) + "_id").asText();
                JsonNode[] total = new JsonNode[1];
                List<JsonNode> partners = allPages("product_partners", "product_id=" + product, AS_OF, 1, total);
                assertThat(total[0].get("partners").asInt()).isEqualTo(partners.size());
                JsonNode row = partners.stream().filter(p -> p.get("partner_id").asText().equals(partner)).findFirst()
                        .orElseThrow(() -> new AssertionError(partner + " not a partner of " + product));
                assertThat(row.get("orders_together").asInt()).isEqualTo(pair.get("orders_together").asInt());
                assertThat(row.get("confidence_pct").decimalValue()).isEqualByComparingTo(
                        pair.get(side == 1 ? "confidence_1_to_2_pct" : "confidence_2_to_1_pct").decimalValue());
            }
        }
        // the mug: in orders 1, 2, 401, 402, 403 of the 30 days (4 is older, 3 cancelled); spoon in 401 and 402, plate in
        // 402 and 403 (404 refunded, 405 cancelled at noon)
        JsonNode[] total = new JsonNode[1];
        List<JsonNode> mug = allPages("product_partners", "product_id=201", AS_OF, 1, total);
        assertThat(total[0].get("orders").asInt()).isEqualTo(5);
        assertThat(mug.stream().map(r -> r.get("partner").asText() + " " + r.get("orders_together").asText()
                + " " + r.get("confidence_pct").asText()).toList()).containsExactly("Spoon 2 40.0", "Plate 2 40.0");
        // no partner in three orders with the mug
        assertThat(app.getJson("/api/drill/product_partners?product_id=201&min_pair_orders=3&as_of=" + AS_OF,
                app.viewer).get("rows").size()).isZero();
    }

    @Test
    void a_low_stock_row_drills_to_the_movements_that_make_its_stock_and_shipments() {
        JsonNode lowStock = app.getJson("/api/reports/low_stock?show=all&as_of=" + AS_OF, app.viewer);
        JsonNode mug = null;
        for (JsonNode row : lowStock.get("rows")) {
            if (row.get("sku").asText().equals("MUG") && row.get("warehouse").asText().equals("London")) {
                mug = row;
            }
        }
        assertThat(mug).isNotNull();
        JsonNode[] total = new JsonNode[1];
        List<JsonNode> moves = allPages("stock_movements", "sku=MUG&warehouse=London", AS_OF, 3, total);
        assertThat(moves.get(0).get("stock_after").asInt()).isEqualTo(mug.get("stock").asInt());
        assertThat(total[0].get("stock").asInt()).isEqualTo(mug.get("stock").asInt());
        int shipped = -moves.stream().filter(m -> m.get("reason").asText().equals("ship"))
                .mapToInt(m -> m.get("quantity").asInt()).sum();
        assertThat(shipped).isEqualTo(mug.get("shipped_in_window").asInt());
        assertThat(total[0].get("shipped_in_window").asInt()).isEqualTo(mug.get("shipped_in_window").asInt());
        // 43 now, one shipped after noon: 44 at as_of; back through 2 and 1 shipped, 3 written off, 50 restocked
        assertThat(moves.stream().map(m -> m.get("reason").asText() + " " + m.get("stock_after").asText()).toList())
                .containsExactly("ship 44", "ship 46", "adjust 47", "restock 50");
        assertThat(total[0].get("movements").asInt()).isEqualTo(4);
        assertThat(app.getJson("/api/drill/stock_movements?sku=MUG&warehouse=London&days=7&as_of=" + AS_OF,
                app.viewer).at("/total/movements").asInt()).isEqualTo(2);
    }

    @Test
    void analysts_export_a_tile_as_csv_and_bad_parameters_are_named() {
        HttpResponse<String> csv = app.get("/api/drill/period_orders?period=today&format=csv&as_of=" + AS_OF,
                app.analyst);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.body().lines().toList()).hasSize(1 + 5);
        assertThat(app.get("/api/drill/period_orders?period=today&format=csv", app.viewer).statusCode()).isEqualTo(403);
        HttpResponse<String> badPeriod = app.get("/api/drill/period_orders?period=this_week", app.viewer);
        assertThat(badPeriod.statusCode()).as(badPeriod.body()).isEqualTo(400);
        assertThat(badPeriod.body()).contains("period");
        HttpResponse<String> noWarehouse = app.get("/api/drill/stock_movements?sku=MUG", app.viewer);
        assertThat(noWarehouse.statusCode()).isEqualTo(400);
        assertThat(noWarehouse.body()).contains("needs warehouse");
        assertThat(app.get("/api/drill/product_partners", app.viewer).body()).contains("needs product_id");
    }
}
