package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.reports.ReportFixture.rows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProductReportsTest {

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    @Test
    void top_products_rank_by_revenue_with_ties_sharing_a_rank_and_margin_on_the_price_paid() {
        // Ultrabook sold once at 10% off (900.00) ties with two phones (500 + 400 at 20% off):
        // both rank 2, margin (900 - 600) / 900 = 33.3 % where list price would say 40.0 %.
        // USB Cable and Old Gadget never sold: not listed. Cancelled order 6 (Ultrabook + Phone),
        // refunded order 8 and order 16 (after as_of) do not count.
        ReportResult result = shop.run("top_products");
        assertThat(rows(result, "revenue_rank", "sku", "category", "units_sold", "orders", "revenue", "margin_pct",
                "rank_in_category")).containsExactly(
                "1 | LAP-2 | Laptops | 2 | 2 | 3000.00 | 40.0 | 1",
                "2 | LAP-1 | Laptops | 1 | 1 | 900.00 | 33.3 | 2",
                "2 | PHN-1 | Phones | 2 | 2 | 900.00 | 33.3 | 1",
                "4 | BK-2 | Books | 5 | 4 | 125.00 | 60.0 | 1",
                "5 | BK-1 | Fiction | 12 | 9 | 120.00 | 60.0 | 1");
    }

    @Test
    void top_products_shows_only_the_top_n() {
        assertThat(rows(shop.run("top_products", Map.of("limit", "2")), "sku")).containsExactly("LAP-2", "LAP-1");
    }

    @Test
    void category_sales_roll_up_through_every_level_counting_each_order_once_per_level() {
        // Books = its own Cookbook + Fiction's Novel: 10 distinct orders, not 4 + 9.
        // Electronics = Laptops (via Computers) + Phones. Garden has no products: zeros.
        ReportResult result = shop.run("category_sales");
        assertThat(rows(result, "path", "level", "orders", "units_sold", "revenue", "margin_pct")).containsExactly(
                "Books | 1 | 10 | 17 | 245.00 | 60.0",
                "Books > Fiction | 2 | 9 | 12 | 120.00 | 60.0",
                "Electronics | 1 | 5 | 5 | 4800.00 | 37.5",
                "Electronics > Computers | 2 | 3 | 3 | 3900.00 | 38.5",
                "Electronics > Computers > Laptops | 3 | 3 | 3 | 3900.00 | 38.5",
                "Electronics > Phones | 2 | 2 | 2 | 900.00 | 33.3",
                "Garden | 1 | 0 | 0 | 0 | null");
    }

    @Test
    void market_basket_gives_support_confidence_both_ways_and_lift() {
        // 13 counted orders; Novel in 9, Cookbook in 4, both in 3 (orders 1, 9, 10):
        // support 3/13, confidence 3/9 and 3/4, lift 3 x 13 / (9 x 4) = 1.08.
        // Cancelled order 6 (Ultrabook + Phone) and refunded order 8 (Phone + Cookbook) make no pair.
        ReportResult result = shop.run("market_basket", Map.of("min_count", "1"));
        assertThat(rows(result, "product_1", "product_2", "orders_together", "support_pct", "confidence_1_to_2_pct",
                "confidence_2_to_1_pct", "lift")).containsExactly(
                "Novel | Cookbook | 3 | 23.08 | 33.3 | 75.0 | 1.08",
                "Ultrabook | Novel | 1 | 7.69 | 100.0 | 11.1 | 1.44",
                "Phone | Novel | 1 | 7.69 | 50.0 | 11.1 | 0.72");
    }

    @Test
    void market_basket_keeps_pairs_above_the_minimum_count_and_support() {
        assertThat(shop.run("market_basket").rows()).isEmpty(); // default: at least 10 orders together
        assertThat(rows(shop.run("market_basket", Map.of("min_count", "2")), "product_1", "product_2"))
                .containsExactly("Novel | Cookbook");
        assertThat(rows(shop.run("market_basket", Map.of("min_count", "1", "min_support", "10")), "product_1"))
                .containsExactly("Novel");
        assertThat(shop.run("market_basket", Map.of("min_count", "1", "limit", "2")).rows()).hasSize(2);
    }
}
