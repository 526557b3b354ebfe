package shopflow.generate;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import shopflow.db.SqlScripts;

/** For other loaders (an import): whether the database holds a generated shop, and the lock a generate holds. */
public final class GeneratedShop {

    private static final String PRESENT = SqlScripts.read("import/generated_shop.sql");

    private GeneratedShop() {
    }

    /** A generate run not replaced since, with its rows. */
    public static boolean present(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(PRESENT)) {
            r.next();
            return r.getBoolean(1);
        }
    }

    /**
     * Takes the lock a running generate holds, until the caller's transaction ends: false when a
     * generate (or another loader taking it) holds it now.
     */
    public static boolean tryLockForTransaction(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select pg_try_advisory_xact_lock(" + Generator.LOCK_KEY + ")")) {
            r.next();
            return r.getBoolean(1);
        }
    }
}
