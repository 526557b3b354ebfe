package shopflow.orders;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import javax.sql.DataSource;
import shopflow.db.Transactions;

/**
 * Books a supplier's delivery into a warehouse with the database function {@code inventory_restock()}
 * (R__24_inventory_restock.sql), which holds the rules: an existing warehouse row, a quantity from 1
 * to 1,000,000, the stock and its 'restock' movement written together.
 */
public final class Restocking {

    /** What arrived, and the row's stock after it. */
    public record Restock(String sku, String warehouse, int quantity, int stock, long movementId, OffsetDateTime movedAt) {
    }

    private final DataSource dataSource;

    public Restocking(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * @throws OrderException when the quantity is out of range (BAD_INPUT), the SKU or its warehouse row is
     *                        unknown (NOT_FOUND) or the stock would overflow (UNPROCESSABLE); nothing changed
     */
    public Restock restock(String sku, String warehouse, int quantity) {
        try {
            return Transactions.inTransaction(dataSource, connection -> {
                try (PreparedStatement statement = connection.prepareStatement(
                        "select * from inventory_restock(?, ?, ?)")) {
                    statement.setString(1, sku);
                    statement.setString(2, warehouse);
                    statement.setInt(3, quantity);
                    try (ResultSet row = statement.executeQuery()) {
                        row.next();
                        return new Restock(row.getString("sku"), row.getString("warehouse"), row.getInt("quantity"),
                                row.getInt("stock"), row.getLong("movement_id"),
                                row.getObject("moved_at", OffsetDateTime.class));
                    }
                }
            });
        } catch (SQLException e) {
            throw DatabaseRefusals.translate(e, OrderException.Kind.NOT_FOUND);
        }
    }
}
