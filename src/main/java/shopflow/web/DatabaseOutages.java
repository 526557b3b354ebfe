package shopflow.web;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** Tells a lost database (refused, cut or shutting down) from a failure of the request itself. */
final class DatabaseOutages {

    private DatabaseOutages() {
    }

    /**
     * Whether {@code e} or a cause is a connection that could not be made or was lost: the pool's
     * timeout waiting for one, SQLSTATE class 08 (connection exception) or 57P01-57P03 (the server
     * shutting down, crashed, or not yet accepting connections).
     */
    static boolean isConnectionLost(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
        }
        return false;
    }
}
