package shopflow.live;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;

/** Plain SQL writes for the rollup tests: a shop to order from, and orders placed and changed. */
final class Writes {

    private Writes() {
    }

    /** A category, {@code products} products and {@code customers} customers with ids from 1. */
    static void shop(Connection c, int customers, int products) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("insert into categories (category_id, name, slug) values (1, 'Shoes', 'shoes')");
            s.execute("insert into customers (customer_id, email, signup_date)"
                    + " select i, 'c' || i || '@example.com', timestamptz '2025-01-01 00:00Z' from generate_series(1, "
                    + customers + ") i");
            s.execute("insert into products (product_id, sku, name, category_id, cost_price, list_price)"
                    + " select i, 'SKU-' || i, 'Product ' || i, 1, 5, 10 + i from generate_series(1, " + products + ") i");
        }
    }

    /** Inserts an order and returns its id. */
    static int order(Connection c, int customerId, OffsetDateTime createdAt, String status, BigDecimal total)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into orders (customer_id, order_number, status, subtotal,"
                + " total_amount, created_at) values (?, 'ORD-' || nextval('orders_order_id_seq'), ?, ?, ?, ?)"
                + " returning order_id")) {
            s.setInt(1, customerId);
            s.setString(2, status);
            s.setBigDecimal(3, total);
            s.setBigDecimal(4, total);
            s.setObject(5, createdAt);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Adds a line of {@code quantity} x {@code product} to an order, at the product's list price. */
    static void line(Connection c, int orderId, int productId, int quantity) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into order_items (order_id, product_id, quantity,"
                + " unit_price, line_total) select ?, product_id, ?, list_price, list_price * ? from products"
                + " where product_id = ?")) {
            s.setInt(1, orderId);
            s.setInt(2, quantity);
            s.setInt(3, quantity);
            s.setInt(4, productId);
            s.executeUpdate();
        }
    }

    static int status(Connection c, int orderId, String status) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update orders set status = ?, updated_at = now() where order_id = ?")) {
            s.setString(1, status);
            s.setInt(2, orderId);
            return s.executeUpdate();
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The one value of a one-row, one-column query. */
    static Object value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }
}
