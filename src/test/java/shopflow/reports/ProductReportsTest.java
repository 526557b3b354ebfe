package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shopflow.reports.ReportFixture.rows;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import shopflow.rollups.Drift;
import shopflow.rollups.RollupVerifier;

/**
 * The product reports on the hand-made shop (fixtures/shop.sql) plus order 17, a 10.00 coupon over
 * three lines (fixtures/coupon_order.sql, whose comment works out each line's share), as of
 * 2026-06-30 12:00 BST. The default window is the 30 shop days to then: 1 June 00:00 BST to as_of.
 *
 * In that window: orders 5 (Gaming Laptop, coupon 150.00), 6 (Ultrabook + Phone, cancelled an hour
 * after it was placed on 20 June: a sale and a return the same day), 9 (3 Novels + Cookbook),
 * 11-14 (a Novel each), 15 (Gaming Laptop) and 17 were placed; 6 and 8 (placed 10 May: Phone +
 * Cookbook) were returned. 16 comes after as_of. The shop's net sales: placed 1350 + 1500 + 55 + 40
 * + 1500 + 54 = 4499.00, less returns 1500 + 525 = 2474.00, which the products and the top-level
 * categories add up to below.
 */
class ProductReportsTest {

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    @BeforeAll
    static void addTheCouponOrder() {
        ReportFixture.execute(shop.database(), ReportFixture.resource("/fixtures/coupon_order.sql"));
    }

    @Test
    void top_products_give_the_sales_model_per_product_with_a_coupon_shared_over_three_lines() {
        // Gaming Laptop: orders 5 and 15, 3000.00 less the coupon 150.00; margin (2850 - 2 x 900) / 2850.
        // Novel: 3 + 4 x 1 + 2 units, 90.00 gross, its share of order 17's coupon 3.13; (86.87 - 9 x 4) / 86.87.
        // USB Cable: 24.00 less its share 3.75; (20.25 - 3 x 2) / 20.25.
        // Cookbook: 25.00 + 25.00 gross, discounts 5.00 (20 % off) + 3.12, returned with order 8 (25.00,
        // 1 unit) on 5 June though placed in May: net 16.88, units 2 - 1; (16.88 - 10) / 16.88.
        // Ultrabook: sold and returned with order 6: net 0, no margin. Phone: sold once (order 6),
        // returned twice (6, and 8 of May): units -1, net -500.00.
        ReportResult result = shop.run("top_products");
        assertThat(rows(result, "net_sales_rank", "sku", "category", "units", "orders", "gross_sales", "discounts",
                "returns", "net_sales", "margin_pct", "rank_in_category")).containsExactly(
                "1 | LAP-2 | Laptops | 2 | 2 | 3000.00 | 150.00 | 0.00 | 2850.00 | 36.8 | 1",
                "2 | BK-1 | Fiction | 9 | 6 | 90.00 | 3.13 | 0.00 | 86.87 | 58.6 | 1",
                "3 | CBL-1 | Computers | 3 | 1 | 24.00 | 3.75 | 0.00 | 20.25 | 70.4 | 1",
                "4 | BK-2 | Books | 1 | 2 | 50.00 | 8.12 | 25.00 | 16.88 | 40.8 | 1",
                "5 | LAP-1 | Laptops | 0 | 1 | 1000.00 | 0.00 | 1000.00 | 0.00 | null | 2",
                "6 | PHN-1 | Phones | -1 | 1 | 500.00 | 0.00 | 1000.00 | -500.00 | 40.0 | 1");
        assertThat(rows(result, "window_start", "window_end")).first()
                .isEqualTo("2026-06-01T00:00+01:00 | 2026-06-30T12:00+01:00");
        assertThat(rows(shop.run("top_products", Map.of("limit", "2")), "sku")).containsExactly("LAP-2", "BK-1");
        assertThat(reference("top_products", ReportFixture.AS_OF, Map.of())).isEmpty();
    }

    @Test
    void a_refund_after_as_of_leaves_the_sale_and_one_inside_the_window_is_a_return() {
        // Order 8 (Phone + Cookbook, placed 10 May) is refunded on 5 June at 10:00 BST.
        OffsetDateTime before = OffsetDateTime.parse("2026-06-05T09:00+01:00");
        assertThat(rows(shop.run("top_products", before, Map.of()), "sku", "gross_sales", "returns", "net_sales"))
                .containsExactly("LAP-2 | 1500.00 | 0.00 | 1350.00", "PHN-1 | 500.00 | 0.00 | 500.00",
                        "BK-2 | 25.00 | 0.00 | 25.00");
        OffsetDateTime after = OffsetDateTime.parse("2026-06-05T11:00+01:00");
        assertThat(rows(shop.run("top_products", after, Map.of()), "sku", "gross_sales", "returns", "net_sales"))
                .containsExactly("LAP-2 | 1500.00 | 0.00 | 1350.00", "PHN-1 | 500.00 | 500.00 | 0.00",
                        "BK-2 | 25.00 | 25.00 | 0.00");
        // From 1 June only: order 8 was placed before the window, its refund is in it
        assertThat(rows(shop.run("top_products", after, Map.of("from", "2026-06-01")), "sku", "gross_sales", "returns",
                "net_sales")).containsExactly("LAP-2 | 1500.00 | 0.00 | 1350.00", "BK-2 | 0.00 | 25.00 | -25.00",
                        "PHN-1 | 0.00 | 500.00 | -500.00");
        for (OffsetDateTime asOf : List.of(before, after)) {
            assertThat(reference("top_products", asOf, Map.of())).isEmpty();
            assertThat(reference("top_products", asOf, Map.of("from", "2026-06-01"))).isEmpty();
        }
    }

    @Test
    void a_window_from_to_takes_whole_shop_days_and_stops_at_as_of() {
        // 29 June: orders 11-14 (a Novel each) and 15 (Gaming Laptop); nothing returned
        ReportResult day = shop.run("top_products", Map.of("from", "2026-06-29", "to", "2026-06-29"));
        assertThat(rows(day, "sku", "units", "orders", "net_sales")).containsExactly("LAP-2 | 1 | 1 | 1500.00",
                "BK-1 | 4 | 4 | 40.00");
        assertThat(rows(day, "window_start", "window_end")).first()
                .isEqualTo("2026-06-29T00:00+01:00 | 2026-06-30T00:00+01:00");
        // to after as_of: cut at as_of (order 16, at 13:00 on the 30th, is not in it)
        ReportResult cut = shop.run("top_products", Map.of("from", "2026-06-30", "to", "2026-07-31"));
        assertThat(rows(cut, "sku", "units", "net_sales")).containsExactly("BK-1 | 3 | 30.00", "BK-2 | 1 | 25.00");
        // days before `to`: the 7 days to 20 June hold order 6, sold and cancelled that day, and order 17
        assertThat(rows(shop.run("top_products", Map.of("to", "2026-06-20", "days", "7")), "sku", "net_sales"))
                .containsExactly("CBL-1 | 20.25", "BK-2 | 16.88", "BK-1 | 16.87", "LAP-1 | 0.00", "PHN-1 | 0.00");
        for (Map<String, String> window : List.of(Map.of("from", "2026-06-29", "to", "2026-06-29"),
                Map.of("from", "2026-06-30", "to", "2026-07-31"), Map.of("to", "2026-06-20", "days", "7"))) {
            assertThat(reference("top_products", ReportFixture.AS_OF, window)).isEmpty();
            assertThat(reference("category_sales", ReportFixture.AS_OF, window)).isEmpty();
            assertThat(reference("market_basket", ReportFixture.AS_OF, window)).isEmpty();
        }
    }

    @Test
    void category_sales_roll_the_sales_model_up_the_tree_counting_each_order_once_per_category() {
        // Laptops: orders 5, 6, 15; Computers adds USB Cable (order 17): 4 orders, cost 2 x 900 + 3 x 2.
        // Electronics adds Phone (order 6 again: still 4 orders): units 5 - 1, returns 2000.00.
        // Books: Cookbook (orders 9, 17) and Fiction's Novel (9, 11-14, 17): 6 orders, cost 9 x 4 + 1 x 10.
        // The top level adds up to the shop's net sales: 2370.25 + 103.75 = 2474.00.
        ReportResult result = shop.run("category_sales");
        assertThat(rows(result, "path", "level", "orders", "units", "gross_sales", "discounts", "returns", "net_sales",
                "margin_pct")).containsExactly(
                "Books | 1 | 6 | 10 | 140.00 | 11.25 | 25.00 | 103.75 | 55.7",
                "Books > Fiction | 2 | 6 | 9 | 90.00 | 3.13 | 0.00 | 86.87 | 58.6",
                "Electronics | 1 | 4 | 4 | 4524.00 | 153.75 | 2000.00 | 2370.25 | 36.5",
                "Electronics > Computers | 2 | 4 | 5 | 4024.00 | 153.75 | 1000.00 | 2870.25 | 37.1",
                "Electronics > Computers > Laptops | 3 | 3 | 2 | 4000.00 | 150.00 | 1000.00 | 2850.00 | 36.8",
                "Electronics > Phones | 2 | 1 | -1 | 500.00 | 0.00 | 1000.00 | -500.00 | 40.0",
                "Garden | 1 | 0 | 0 | 0 | 0 | 0 | 0 | null");
        assertThat(reference("category_sales", ReportFixture.AS_OF, Map.of())).isEmpty();
    }

    @Test
    void market_basket_gives_support_confidence_both_ways_and_lift_ranked_by_lift() {
        // Orders of the window counted at as_of: 5, 9, 11-14, 15, 17 (6 is cancelled): 8.
        // Novel in 6 of them, Cookbook in 2 (9, 17), USB Cable in 1 (17).
        // Cookbook + USB Cable: support 1/8, confidence 1/2 and 1/1, lift 1 x 8 / (2 x 1) = 4.00.
        // Novel + Cookbook: 2/8, 2/6 and 2/2, lift 2 x 8 / (6 x 2) = 1.33; Novel + USB Cable: lift 8 / 6 = 1.33.
        ReportResult result = shop.run("market_basket", Map.of("min_pair_orders", "1"));
        assertThat(rows(result, "product_1", "product_2", "orders_together", "support_pct", "confidence_1_to_2_pct",
                "confidence_2_to_1_pct", "lift")).containsExactly(
                "Cookbook | USB Cable | 1 | 12.50 | 50.0 | 100.0 | 4.00",
                "Novel | Cookbook | 2 | 25.00 | 33.3 | 100.0 | 1.33",
                "Novel | USB Cable | 1 | 12.50 | 16.7 | 100.0 | 1.33");
        assertThat(shop.run("market_basket").rows()).isEmpty(); // default: at least 20 orders together
        assertThat(rows(shop.run("market_basket", Map.of("min_pair_orders", "2")), "product_1", "product_2"))
                .containsExactly("Novel | Cookbook");
        assertThat(shop.run("market_basket", Map.of("min_pair_orders", "1", "limit", "2")).rows()).hasSize(2);
        assertThat(reference("market_basket", ReportFixture.AS_OF, Map.of("min_pair_orders", "1"))).isEmpty();
    }

    @Test
    void market_basket_with_a_category_counts_the_pairs_among_the_orders_holding_its_products() {
        // Books (Novel in Fiction below it, Cookbook in Books): the window's orders holding one are 9, 11-14
        // and 17: 6. Novel in all 6, Cookbook in 2 (9, 17), together in 2: support 2/6, confidence 2/6 and
        // 2/2, lift 2 x 6 / (6 x 2) = 1.00 (1.33 among all 8 orders: every Books order has a Novel).
        // Novel + USB Cable is not a Books pair.
        ReportResult books = shop.run("market_basket", Map.of("min_pair_orders", "1", "category", "books"));
        assertThat(rows(books, "product_1", "product_2", "orders_together", "support_pct", "confidence_1_to_2_pct",
                "confidence_2_to_1_pct", "lift")).containsExactly("Novel | Cookbook | 2 | 33.33 | 33.3 | 100.0 | 1.00");
        // by id too; Electronics: orders 5, 15 (a Gaming Laptop each) and 17 (its USB Cable) pair nothing
        assertThat(rows(shop.run("market_basket", Map.of("min_pair_orders", "1", "category", "5")), "lift"))
                .containsExactly("1.00");
        assertThat(shop.run("market_basket", Map.of("min_pair_orders", "1", "category", "electronics")).rows()).isEmpty();
        // with an order filter too: Books among the orders with a coupon (5 and 17): 17 alone, lift 1.00
        assertThat(rows(shop.run("market_basket", Map.of("min_pair_orders", "1", "category", "books", "coupon", "yes")),
                "product_1", "product_2", "orders_together", "support_pct", "lift"))
                .containsExactly("Novel | Cookbook | 1 | 100.00 | 1.00");
        for (Map<String, String> filters : List.of(Map.of("category", "books"), Map.of("category", "electronics"),
                Map.of("category", "books", "coupon", "yes"), Map.of("coupon", "yes"), Map.of("customer", "new"))) {
            Map<String, String> parameters = new java.util.HashMap<>(filters);
            parameters.put("min_pair_orders", "1");
            assertThat(reference("market_basket", ReportFixture.AS_OF, parameters)).as(parameters.toString()).isEmpty();
        }
        assertThatThrownBy(() -> shop.run("market_basket", Map.of("category", "kitchenware")))
                .hasMessageContaining("parameter 'category' = 'kitchenware' is not a category");
    }

    @Test
    void market_basket_counts_an_order_with_its_status_at_as_of() {
        // At 15:30 on 20 June order 6 (Ultrabook + Phone) is not cancelled yet. The 30 days to then
        // (from 22 May) hold orders 5, 6 and 17: 3 orders, each pair in 1, each product in 1:
        // support 1/3, confidences 1/1, lift 1 x 3 / (1 x 1) = 3.00; ties by product ids.
        OffsetDateTime beforeCancelling = OffsetDateTime.parse("2026-06-20T15:30+01:00");
        ReportResult result = shop.run("market_basket", beforeCancelling, Map.of("min_pair_orders", "1"));
        assertThat(rows(result, "product_1", "product_2", "orders_together", "support_pct", "confidence_1_to_2_pct",
                "confidence_2_to_1_pct", "lift")).containsExactly(
                "Ultrabook | Phone | 1 | 33.33 | 100.0 | 100.0 | 3.00",
                "Novel | Cookbook | 1 | 33.33 | 100.0 | 100.0 | 3.00",
                "Novel | USB Cable | 1 | 33.33 | 100.0 | 100.0 | 3.00",
                "Cookbook | USB Cable | 1 | 33.33 | 100.0 | 100.0 | 3.00");
        assertThat(reference("market_basket", beforeCancelling, Map.of("min_pair_orders", "1"))).isEmpty();
        // an hour later it is: its pair is gone, and 2 orders are left (support 1/2, lift 2.00)
        OffsetDateTime afterCancelling = beforeCancelling.plusHours(1);
        assertThat(rows(shop.run("market_basket", afterCancelling, Map.of("min_pair_orders", "1")), "product_1",
                "product_2", "support_pct", "lift")).containsExactly("Novel | Cookbook | 50.00 | 2.00",
                "Novel | USB Cable | 50.00 | 2.00", "Cookbook | USB Cable | 50.00 | 2.00");
        assertThat(reference("market_basket", afterCancelling, Map.of("min_pair_orders", "1"))).isEmpty();
    }

    @Test
    void a_window_starting_after_its_end_or_longer_than_ten_years_is_refused_before_anything_runs() {
        assertThatThrownBy(() -> shop.run("top_products", Map.of("from", "2026-07-01", "to", "2026-06-30")))
                .hasMessage("parameter 'from' = '2026-07-01' is after the window's last day, 'to' (2026-06-30):"
                        + " accepted a date up to 2026-06-30");
        assertThatThrownBy(() -> shop.run("category_sales", Map.of("from", "2026-07-01")))
                .hasMessage("parameter 'from' = '2026-07-01' is after the window's last day, as_of's day (2026-06-30):"
                        + " accepted a date up to 2026-06-30");
        assertThatThrownBy(() -> shop.run("market_basket", Map.of("from", "2016-06-01", "to", "2026-06-30")))
                .hasMessage("parameter 'from' = '2016-06-01' makes a window of 3682 days up to 'to' (2026-06-30):"
                        + " accepted at most 3660 days, so a date from 2016-06-23");
        assertThatThrownBy(() -> shop.run("top_products", Map.of("to", "30/06/2026")))
                .hasMessage("parameter 'to' = '30/06/2026' must be a date (YYYY-MM-DD) from 2000-01-01 to 2099-12-31");
        assertThatThrownBy(() -> shop.run("top_products", Map.of("days", "3661")))
                .hasMessage("parameter 'days' = '3661' is out of range: accepted from 1 to 3660");
    }

    private static Optional<Drift> reference(String report, OffsetDateTime asOf, Map<String, String> parameters) {
        return new RollupVerifier(shop.database().dataSource()).compare(report, asOf, parameters);
    }
}
