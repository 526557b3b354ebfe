package shopflow.orders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;

/**
 * Whether every order's status is the last change of its history (the view orders_off_history):
 * reports as of a moment read each order's status then from that history.
 */
public final class StatusHistory {

    private static final int EXAMPLES = 5;
    private static final String OFF_HISTORY = SqlScripts.read("orders/orders_off_history.sql");

    private StatusHistory() {
    }

    /** What is wrong, naming a few orders, or empty when every order agrees with its history. */
    public static Optional<String> disagreements(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(OFF_HISTORY)) {
            s.setMaxRows(EXAMPLES);
            List<String> examples = new ArrayList<>();
            long count = 0;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    count = rs.getLong(4);
                    String says = rs.getString(3);
                    examples.add("order " + rs.getInt(1) + " is " + rs.getString(2) + ", its history "
                            + (says == null ? "is empty" : "ends " + says));
                }
            }
            if (count == 0) {
                return Optional.empty();
            }
            return Optional.of(count + " order(s) whose status is not the last change of their history"
                    + " (order_status_changes), which reports as of a moment read: " + String.join("; ", examples)
                    + (count > EXAMPLES ? "; ..." : ""));
        } catch (SQLException e) {
            throw new DatabaseException("cannot check the orders' status history: " + e.getMessage(), e);
        }
    }
}
