package shopflow.generate;

import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.copy.CopyIn;

/** How a table stream gives back the connection its COPY ran on, whether the load went through or not. */
final class CopyConnections {

    private CopyConnections() {
    }

    /**
     * Cancels the COPY if it is still open (a failed run), rolls back (a no-op after commit; after a
     * failure it undoes the truncate) and closes the connection, ignoring the errors of a connection
     * that is going away anyway. {@code copy} may be null: no COPY was opened on it.
     */
    static void release(CopyIn copy, Connection connection) {
        try {
            if (copy != null && copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException ignored) {
            // the connection is going away anyway
        }
        try {
            connection.rollback();
            connection.setAutoCommit(true); // a pooled connection goes back as the pool lent it
            connection.close();
        } catch (SQLException ignored) {
            // closing a broken connection: nothing more to undo
        }
    }
}
