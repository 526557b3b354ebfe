package shopflow.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import shopflow.db.Database;
import shopflow.db.DatabaseException;

/** What a benchmark finds in its database before it starts. */
public final class BenchData {

    private BenchData() {
    }

    public static long orders(Database database) {
        try (Connection c = database.connection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from orders")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new DatabaseException("cannot count the orders: " + e.getMessage(), e);
        }
    }
}
