package shopflow.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import shopflow.TestDatabases;

class SchemaConstraintsTest {

    private static Database database;

    @BeforeAll
    static void seed() throws SQLException {
        database = TestDatabases.fresh();
        execute("""
                insert into customers (customer_id, email) values (1, 'ann@example.com');
                insert into categories (category_id, name, slug) values (1, 'Books', 'books');
                insert into products (product_id, sku, name, category_id, cost_price, list_price)
                    values (1, 'BK-1', 'A book', 1, 4.00, 9.99);
                insert into inventory (product_id, warehouse, quantity) values (1, 'LON', 5);
                insert into orders (order_id, customer_id, order_number, subtotal, total_amount)
                    values (1, 1, 'ORD-1', 9.99, 9.99);
                insert into coupons (coupon_id, code, discount_type, discount_value) values (1, 'TEN', 'fixed', 10);
                """);
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void migrating_again_applies_nothing() {
        assertThat(Migrations.migrate(database).migrationsExecuted).isZero();
    }

    @Test
    void a_valid_row_is_accepted() throws SQLException {
        execute("insert into order_items (order_id, product_id, quantity, unit_price, discount_pct, line_total)"
                + " values (1, 1, 2, 9.99, 10, 17.98)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            negative quantity      | insert into order_items (order_id, product_id, quantity, unit_price, line_total) values (1, 1, -1, 9.99, 0) | order_items_quantity_check
            zero quantity          | insert into order_items (order_id, product_id, quantity, unit_price, line_total) values (1, 1, 0, 9.99, 0)  | order_items_quantity_check
            discount of 120%       | insert into order_items (order_id, product_id, quantity, unit_price, discount_pct, line_total) values (1, 1, 1, 9.99, 120, 0) | order_items_discount_pct_check
            negative price         | insert into products (sku, name, list_price) values ('X-1', 'x', -1)                                       | products_list_price_check
            unknown order status   | insert into orders (customer_id, order_number, status, subtotal, total_amount) values (1, 'ORD-2', 'lost', 1, 1) | orders_status_check
            negative total         | insert into orders (customer_id, order_number, subtotal, total_amount) values (1, 'ORD-3', 1, -1)          | orders_total_amount_check
            duplicate inventory row| insert into inventory (product_id, warehouse, quantity) values (1, 'LON', 3)                             | inventory_product_id_warehouse_key
            negative stock         | update inventory set quantity = -1                                                                         | inventory_quantity_check
            unknown gender         | insert into customers (email, gender) values ('x@example.com', 'X')                                        | customers_gender_check
            unknown address type   | insert into addresses (customer_id, type, country) values (1, 'home', 'GB')                               | addresses_type_check
            unknown coupon type    | insert into coupons (code, discount_type, discount_value) values ('BOGUS', 'bogof', 1)                    | coupons_discount_type_check
            percentage over 100    | insert into coupons (code, discount_type, discount_value) values ('BIG', 'percentage', 150)               | coupons_check
            unknown cart action    | insert into cart_events (product_id, action) values (1, 'buy')                                            | cart_events_action_check
            unknown device type    | insert into page_views (session_id, device_type) values ('s1', 'watch')                                   | page_views_device_type_check
            duplicate email        | insert into customers (email) values ('ann@example.com')                                                   | customers_email_key
            unknown product        | insert into order_items (order_id, product_id, quantity, unit_price, line_total) values (1, 999, 1, 1, 1)  | order_items_product_id_fkey
            """)
    void a_bad_row_is_rejected_by_its_constraint(String what, String sql, String constraint) {
        assertThatThrownBy(() -> execute(sql))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(constraint);
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
