package shopflow.orders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import shopflow.db.SqlScripts;
import shopflow.db.Transactions;

/**
 * Places orders with the database function {@code place_order()}, which prices them from the
 * catalog, applies and counts the coupon, and stores them as pending. An idempotency key makes a
 * retried request return the order it made the first time instead of placing a second one.
 */
public final class OrderPlacement {

    private static final String PLACE = SqlScripts.read("orders/place_order.sql");
    private static final String ORDER = SqlScripts.read("orders/placed_order.sql");
    private static final String ITEMS = SqlScripts.read("orders/placed_order_lines.sql");

    private final DataSource dataSource;

    public OrderPlacement(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Places the order; with an idempotency key, a repeat of the same request returns the same order.
     *
     * @throws OrderException naming the field at fault (unknown customer or product, coupon refused,
     *                        idempotency key reused for another request); nothing changed
     */
    public PlacedOrder place(OrderRequest request, String idempotencyKey) {
        checkKey(idempotencyKey);
        try {
            return Transactions.inTransaction(dataSource, connection -> {
                int orderId;
                boolean replayed;
                try (PreparedStatement place = connection.prepareStatement(PLACE)) {
                    place.setInt(1, request.customerId());
                    place.setString(2, request.itemsJson());
                    setText(place, 3, request.couponCode());
                    setText(place, 4, request.sessionId());
                    setText(place, 5, request.paymentMethod());
                    setText(place, 6, idempotencyKey);
                    setText(place, 7, idempotencyKey == null ? null : request.fingerprint());
                    try (ResultSet row = place.executeQuery()) {
                        row.next();
                        orderId = row.getInt("order_id");
                        replayed = row.getBoolean("replayed");
                    }
                }
                return read(connection, orderId, replayed);
            });
        } catch (SQLException e) {
            throw DatabaseRefusals.translate(e, OrderException.Kind.UNPROCESSABLE);
        }
    }

    private static PlacedOrder read(Connection connection, int orderId, boolean replayed) throws SQLException {
        List<PlacedOrder.Item> items = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(ITEMS)) {
            statement.setInt(1, orderId);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    items.add(new PlacedOrder.Item(row.getInt("item_id"), row.getInt("product_id"), row.getInt("quantity"),
                            row.getBigDecimal("unit_price"), row.getBigDecimal("line_total")));
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(ORDER)) {
            statement.setInt(1, orderId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return new PlacedOrder(row.getInt("order_id"), row.getString("order_number"), row.getInt("customer_id"),
                        row.getString("status"), row.getBigDecimal("subtotal"), row.getBigDecimal("discount_amount"),
                        row.getBigDecimal("shipping_cost"), row.getBigDecimal("tax_amount"),
                        row.getBigDecimal("total_amount"), row.getString("currency"), row.getString("coupon_code"),
                        items, replayed);
            }
        }
    }

    private static void checkKey(String key) {
        if (key != null && (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e))) {
            throw OrderException.badInput("Idempotency-Key", "the Idempotency-Key header must be 1 to 255 visible ASCII"
                    + " characters (a UUID is a good choice), got " + key.length() + " characters");
        }
    }

    private static void setText(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
