package shopflow.orders;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import javax.sql.DataSource;
import shopflow.db.Transactions;

/**
 * Refunds part of an order with the database function {@code refund_order()}, which holds the
 * rules: an amount of its net sales shared over its lines, or units of some lines; never more than
 * is left to refund; never on an order already cancelled or refunded (R__23_order_refunds.sql).
 * Deadlocks and serialization failures are retried here and never reach the caller.
 */
public final class OrderRefunds {

    private final DataSource dataSource;

    public OrderRefunds(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Refunds {@code amount} of the order's net sales (no VAT, no shipping), or the units of
     * {@code linesJson} (a JSON array of {@code {"item_id", "quantity"}}): exactly one of the two.
     *
     * @throws OrderException when the order does not exist (NOT_FOUND), is already returned whole
     *                        (CONFLICT), has less left to refund or not that line (UNPROCESSABLE), or
     *                        the request is malformed (BAD_INPUT); nothing changed
     */
    public Refund refund(int orderId, BigDecimal amount, String linesJson) {
        try {
            return Transactions.inTransaction(dataSource, connection -> {
                try (PreparedStatement statement = connection.prepareStatement(
                        "select * from refund_order(?, amount => ?, lines => ?::jsonb)")) {
                    statement.setInt(1, orderId);
                    statement.setBigDecimal(2, amount);
                    if (linesJson == null) {
                        statement.setNull(3, Types.VARCHAR);
                    } else {
                        statement.setString(3, linesJson);
                    }
                    try (ResultSet row = statement.executeQuery()) {
                        row.next();
                        return new Refund(row.getLong("refund_id"), row.getInt("order_id"), row.getString("order_number"),
                                row.getBigDecimal("refunded"), row.getBigDecimal("left_to_refund"), row.getString("message"));
                    }
                }
            });
        } catch (SQLException e) {
            throw DatabaseRefusals.translate(e, OrderException.Kind.NOT_FOUND);
        }
    }
}
