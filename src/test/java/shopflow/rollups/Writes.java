package shopflow.rollups;

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
            s.execute("insert into inventory (product_id, warehouse, quantity)"
                    + " select product_id, warehouse, 100000 from products, unnest(array['LON', 'MAN']) warehouse");
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
                int orderId = rs.getInt(1);
                keepHistory(c);
                return orderId;
            }
        }
    }

    /**
     * Keeps the status history in step with orders written by hand, as place_order and an import do:
     * an order without a history gets its creation row (the status it was inserted with, at its
     * created_at), and an order whose created_at was corrected has its creation row moved with it.
     */
    static void keepHistory(Connection c) throws SQLException {
        execute(c, "insert into order_status_changes (order_id, from_status, to_status, changed_at)"
                + " select o.order_id, null, o.status, o.created_at from orders o"
                + " where not exists (select 1 from order_status_changes h where h.order_id = o.order_id)");
        execute(c, "update order_status_changes h set changed_at = o.created_at from orders o"
                + " where h.order_id = o.order_id and h.from_status is null and h.changed_at <> o.created_at");
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

    /**
     * Moves an order one step along its lifecycle with the orders engineer's order_transition
     * (stock moves included), choosing the {@code choice}-th allowed next status; a final
     * status stays. Returns whether it moved.
     */
    static boolean transition(Connection c, int orderId, int choice) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select changed from orders o, lateral ("
                + " select t.to_status from order_status_transitions t where t.from_status = o.status"
                + " order by t.to_status offset ? % greatest(1, (select count(*) from order_status_transitions t2"
                + " where t2.from_status = o.status)) limit 1) next, lateral order_transition(o.order_id, next.to_status)"
                + " where o.order_id = ?")) {
            s.setInt(1, choice);
            s.setInt(2, orderId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Places an order now through place_order (priced from the catalog); returns its id. */
    static int placeOrder(Connection c, int customerId, String itemsJson) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select order_id from place_order(?, ?::jsonb)")) {
            s.setInt(1, customerId);
            s.setString(2, itemsJson);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Sets an order's status by hand (an allowed transition; the status guard records the change). */
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
