package shopflow.generate;

import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * A COPY of a table's rows on a connection, as both table streams run it: opened with the binary
 * header where the table's rows are binary, ended with the trailer, and the connection given back
 * whether the load went through or not.
 */
final class TableCopy {

    private TableCopy() {
    }

    /** Opens {@code statement} (a COPY of {@code table}'s rows, into it or one of its shards) on {@code connection}. */
    static CopyIn open(Connection connection, Table table, String statement) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(statement);
        if (table.binaryCopy()) {
            copy.writeToCopy(CopyBuffer.BINARY_HEADER, 0, CopyBuffer.BINARY_HEADER.length);
        }
        return copy;
    }

    /** Ends the COPY; returns the rows PostgreSQL copied. */
    static long end(CopyIn copy, Table table) throws SQLException {
        if (table.binaryCopy()) {
            copy.writeToCopy(CopyBuffer.BINARY_TRAILER, 0, CopyBuffer.BINARY_TRAILER.length);
        }
        return copy.endCopy();
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
