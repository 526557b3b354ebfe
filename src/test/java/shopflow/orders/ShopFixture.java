package shopflow.orders;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** Small hand-made shop rows for order tests: customers, products, stock and orders. */
final class ShopFixture {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private final DataSource dataSource;

    ShopFixture(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    int customer() {
        int n = SEQUENCE.incrementAndGet();
        return insertReturningId("insert into customers (email, first_name) values ('c" + n + "@example.com', 'C" + n
                + "') returning customer_id");
    }

    int product(String listPrice) {
        int n = SEQUENCE.incrementAndGet();
        return insertReturningId("insert into products (sku, name, list_price, cost_price) values ('SKU-" + n + "', 'Product "
                + n + "', " + listPrice + ", 1.00) returning product_id");
    }

    void stock(int productId, String warehouse, int quantity) {
        update("insert into inventory (product_id, warehouse, quantity) values (" + productId + ", '" + warehouse + "', "
                + quantity + ")");
    }

    /** An order placed directly in {@code status} (no stock moved), with lines of {product, quantity}. */
    int order(int customerId, String status, int... productAndQuantity) {
        int n = SEQUENCE.incrementAndGet();
        int orderId = insertReturningId("insert into orders (customer_id, order_number, status, subtotal, total_amount)"
                + " values (" + customerId + ", 'T-" + n + "', '" + status + "', 0, 0) returning order_id");
        update("insert into order_status_changes (order_id, from_status, to_status, changed_at)"
                + " select order_id, null, status, created_at from orders where order_id = " + orderId);
        for (int i = 0; i < productAndQuantity.length; i += 2) {
            update("insert into order_items (order_id, product_id, quantity, unit_price, line_total) values (" + orderId
                    + ", " + productAndQuantity[i] + ", " + productAndQuantity[i + 1] + ", 1, " + productAndQuantity[i + 1] + ")");
        }
        return orderId;
    }

    void coupon(String code, String type, String value, String minOrder, Integer maxUses) {
        update("insert into coupons (code, discount_type, discount_value, min_order_value, max_uses, valid_from, valid_until)"
                + " values ('" + code + "', '" + type + "', " + value + ", " + minOrder + ", " + maxUses
                + ", current_date - 1, current_date + 1)");
    }

    /** Stock of each warehouse holding the product, by warehouse name. */
    Map<String, Integer> stockOf(int productId) {
        Map<String, Integer> stock = new LinkedHashMap<>();
        query("select warehouse, quantity from inventory where product_id = " + productId + " order by warehouse",
                row -> stock.put(row.getString(1), row.getInt(2)));
        return stock;
    }

    String status(int orderId) {
        return scalar("select status from orders where order_id = " + orderId);
    }

    /** Every movement of an order as "reason warehouse quantity", in order. */
    /** The order's status history, oldest first: "from>to", from "-" for its creation. */
    List<String> history(int orderId) {
        List<String> changes = new ArrayList<>();
        query("select coalesce(from_status, '-') || '>' || to_status from order_status_changes where order_id = " + orderId
                + " order by changed_at, change_id", rs -> changes.add(rs.getString(1)));
        return changes;
    }

    List<String> movements(int orderId) {
        List<String> movements = new java.util.ArrayList<>();
        query("select reason, warehouse, quantity from stock_movements where order_id = " + orderId + " order by movement_id",
                row -> movements.add(row.getString(1) + " " + row.getString(2) + " " + row.getInt(3)));
        return movements;
    }

    /** A checksum of every row of every ShopFlow table: equal before and after means nothing changed. */
    Map<String, String> checksums() {
        Map<String, String> sums = new LinkedHashMap<>();
        List<String> tables = new java.util.ArrayList<>();
        query("select table_name from information_schema.tables where table_schema = 'public'"
                + " and table_type = 'BASE TABLE' and table_name not like 'flyway%' order by table_name",
                row -> tables.add(row.getString(1)));
        for (String table : tables) {
            sums.put(table, scalar("select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from " + table + " t"));
        }
        // Sequences too: a refused insert must not even consume an id... except that PostgreSQL
        // sequences are not transactional, so they are left out on purpose.
        return sums;
    }

    String scalar(String sql) {
        String[] value = new String[1];
        query(sql, row -> value[0] = row.getString(1));
        return value[0];
    }

    BigDecimal decimal(String sql) {
        return new BigDecimal(scalar(sql));
    }

    void update(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    void query(String sql, RowReader reader) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql);
                ResultSet row = s.executeQuery()) {
            while (row.next()) {
                reader.read(row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private int insertReturningId(String sql) {
        return Integer.parseInt(scalar(sql));
    }
}
