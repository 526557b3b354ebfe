package shopflow.orders;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import shopflow.db.Transactions;

/**
 * Moves orders through their lifecycle with the database function {@code order_transition()},
 * which holds the rules: allowed transitions, idempotency, stock out on shipping and back on
 * refund or cancellation, locks in a fixed order. Deadlocks and serialization failures are retried
 * here and never reach the caller.
 */
public final class OrderLifecycle {

    private final DataSource dataSource;

    public OrderLifecycle(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Moves the order to {@code status}.
     *
     * @throws OrderException when the order does not exist (NOT_FOUND), the transition is not allowed
     *                        (CONFLICT) or there is not enough stock to ship (UNPROCESSABLE); nothing changed
     */
    public Transition transition(int orderId, OrderStatus status) {
        try {
            return Transactions.inTransaction(dataSource, connection -> {
                try (PreparedStatement statement = connection.prepareStatement(
                        "select * from order_transition(?, ?)")) {
                    statement.setInt(1, orderId);
                    statement.setString(2, status.dbName());
                    try (ResultSet row = statement.executeQuery()) {
                        row.next();
                        return new Transition(row.getInt("order_id"), row.getString("order_number"),
                                row.getString("previous_status"), row.getString("status"), row.getBoolean("changed"),
                                row.getString("message"));
                    }
                }
            });
        } catch (SQLException e) {
            throw DatabaseRefusals.translate(e, OrderException.Kind.NOT_FOUND);
        }
    }
}
