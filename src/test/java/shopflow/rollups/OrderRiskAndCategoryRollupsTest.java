package shopflow.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;

/**
 * The risk and category rollups (rollups.order_risk_*, rollups.category_days_*) after hand-made
 * writes, expected rows worked out by hand.
 */
class OrderRiskAndCategoryRollupsTest {

    private static Database database;

    @BeforeAll
    static void createShop() throws SQLException {
        database = TestDatabases.fresh();
        try (Connection c = database.connection()) {
            Writes.shop(c, 3, 3);
            // Shoes > Boots: product 1 is a shoe, products 2 and 3 are boots
            Writes.execute(c, "insert into categories (category_id, name, slug, parent_id) values (2, 'Boots', 'boots', 1)");
            Writes.execute(c, "update products set category_id = 2 where product_id in (2, 3)");
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @BeforeEach
    void noOrders() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.execute(c, "truncate orders cascade");
        }
    }

    private static OffsetDateTime at(String local) {
        return OffsetDateTime.parse(local + "+01:00"); // June: British Summer Time
    }

    /** One order's risk row as "earlier_orders earlier_revenue prior_hour_orders new_account counted", pending rows summed in. */
    private static String risk(Connection c, int orderId) throws SQLException {
        return (String) Writes.value(c, "select sum(earlier_orders) || ' ' || sum(earlier_revenue) || ' '"
                + " || sum(prior_hour_orders) || ' ' || sum(new_account) || ' ' || sum(counted)"
                + " from rollups.order_risk where order_id = " + orderId);
    }

    @Test
    void an_order_back_dated_or_cancelled_changes_the_risk_of_the_customers_later_orders() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.order(c, 1, at("2026-06-30T10:00"), "pending", new BigDecimal("10.00"));
            int second = Writes.order(c, 1, at("2026-06-30T10:20"), "pending", new BigDecimal("20.00"));
            Writes.order(c, 1, at("2026-06-30T10:40"), "cancelled", new BigDecimal("30.00"));
            int last = Writes.order(c, 1, at("2026-06-30T10:50"), "pending", new BigDecimal("100.00"));
            assertThat(risk(c, last)).isEqualTo("2 30.00 2 0 1");

            Writes.order(c, 1, at("2026-06-30T09:55"), "pending", new BigDecimal("5.00")); // placed before them all
            assertThat(risk(c, last)).isEqualTo("3 35.00 3 0 1");
            Writes.execute(c, "select fold_rollups()");
            assertThat(risk(c, last)).isEqualTo("3 35.00 3 0 1");

            Writes.status(c, second, "cancelled");
            assertThat(risk(c, last)).isEqualTo("2 15.00 2 0 1");
            assertThat(risk(c, second)).isEqualTo("2 15.00 2 0 0"); // counts no more
            Writes.execute(c, "update customers set signup_date = timestamptz '2026-06-30T09:55:00+01:00' where customer_id = 1");
            assertThat(risk(c, last)).isEqualTo("2 15.00 2 1 1"); // 55 minutes after signup
        }
    }

    @Test
    void fraud_review_explains_a_burst_with_a_high_multiple() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.order(c, 2, at("2026-06-30T10:00"), "pending", new BigDecimal("10.00"));
            Writes.order(c, 2, at("2026-06-30T10:20"), "pending", new BigDecimal("20.00"));
            Writes.order(c, 2, at("2026-06-30T10:30"), "pending", new BigDecimal("30.00"));
            Writes.order(c, 2, at("2026-06-30T10:50"), "pending", new BigDecimal("100.00"));
        }
        ReportResult review = new ReportRunner(database.dataSource())
                .run(ReportCatalog.load().get("fraud_review"), at("2026-06-30T11:00"), Map.of());
        // the 10:50 order: 3 earlier orders in the hour; 100 against their average of 20 is 5.0 times:
        // not more than 5. The three before it are the burst's earlier orders (in_burst).
        assertThat(review.rows()).hasSize(4);
        assertThat(review.value(0, "reasons")).isEqualTo("burst: 3 orders in the hour before");
        assertThat(review.value(0, "risk_score")).isEqualTo(30);
        for (int row = 1; row < 4; row++) {
            assertThat((String) review.value(row, "reasons")).startsWith("in_burst: placed in the hour before burst order ");
            assertThat(review.value(row, "risk_score")).isEqualTo(30);
        }
        // a reviewer's page: the first two of the same list, in its order (ties of score: the latest first)
        ReportResult page = new ReportRunner(database.dataSource())
                .run(ReportCatalog.load().get("fraud_review"), at("2026-06-30T11:00"), Map.of("limit", "2"));
        assertThat(page.rows()).containsExactlyElementsOf(review.rows().subList(0, 2));
    }

    @Test
    void an_order_counts_once_in_each_category_it_reaches() throws SQLException {
        try (Connection c = database.connection()) {
            int boots = Writes.order(c, 1, at("2026-06-30T10:00"), "pending", new BigDecimal("10.00"));
            Writes.line(c, boots, 2, 1);
            Writes.line(c, boots, 3, 2);
            int mixed = Writes.order(c, 2, at("2026-06-30T11:00"), "pending", new BigDecimal("10.00"));
            Writes.execute(c, "insert into order_items (order_id, product_id, quantity, unit_price, line_total)"
                    + " select " + mixed + ", product_id, 1, list_price, list_price from products where product_id in (1, 2)");
            assertThat(categoryOrders(c)).isEqualTo("1 2, 2 2");

            Writes.status(c, mixed, "cancelled"); // orders placed: a cancellation changes no count
            assertThat(categoryOrders(c)).isEqualTo("1 2, 2 2");
            Writes.execute(c, "update products set category_id = 1 where product_id in (2, 3)"); // boots become plain shoes
            assertThat(categoryOrders(c)).isEqualTo("1 2, 2 0");
            Writes.execute(c, "update categories set parent_id = null where category_id = 2"); // no effect on counts now
            Writes.execute(c, "update products set category_id = 2 where product_id = 3");
            assertThat(categoryOrders(c)).isEqualTo("1 2, 2 1"); // Boots is its own tree now
        }
    }

    @Test
    void orders_placed_after_a_category_is_added_or_moved_count_under_its_new_ancestors() throws SQLException {
        try (Connection c = database.connection()) {
            // a tree of its own, so the other tests' moves of categories 1 and 2 do not matter
            Writes.execute(c, "insert into categories (category_id, name, slug, parent_id)"
                    + " values (10, 'Summer', 'summer', null), (11, 'Sandals', 'sandals', 10)");
            Writes.execute(c, "insert into products (product_id, sku, name, category_id, cost_price, list_price)"
                    + " values (10, 'SKU-10', 'Flip-flop', 11, 2, 6)");
            int first = Writes.order(c, 1, at("2026-06-30T10:00"), "pending", new BigDecimal("6.00"));
            Writes.line(c, first, 10, 1);
            assertThat(categoryOrders(c)).isEqualTo("10 1, 11 1");

            Writes.execute(c, "insert into categories (category_id, name, slug, parent_id) values (12, 'Outlet', 'outlet', null)");
            Writes.execute(c, "update categories set parent_id = 12 where category_id = 11");
            assertThat(categoryOrders(c)).isEqualTo("11 1, 12 1"); // recounted over the new tree
            int second = Writes.order(c, 2, at("2026-06-30T11:00"), "pending", new BigDecimal("6.00"));
            Writes.line(c, second, 10, 1);
            assertThat(categoryOrders(c)).isEqualTo("11 2, 12 2");
        }
    }

    /** "category orders" per category over all days, pending rows summed in. */
    private static String categoryOrders(Connection c) throws SQLException {
        return (String) Writes.value(c, "select string_agg(category_id || ' ' || orders, ', ' order by category_id)"
                + " from (select category_id, sum(orders) as orders from rollups.category_days group by category_id) as r");
    }
}
