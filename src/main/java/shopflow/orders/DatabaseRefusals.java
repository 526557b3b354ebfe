package shopflow.orders;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns the refusals raised by the order functions, place_order() and order_transition() (SQLSTATE
 * SF400, SF404, SF409, SF422, with the offending field in the error's COLUMN), into
 * {@link OrderException}s; anything else is a bug or an outage and stays an SQLException.
 */
final class DatabaseRefusals {

    private DatabaseRefusals() {
    }

    /**
     * @param notFound what an unknown id means here: 404 for the order named in a URL, 422 for an id
     *                 inside a request body (the request is understood but cannot be processed)
     */
    static RuntimeException translate(SQLException e, OrderException.Kind notFound) {
        String state = e.getSQLState();
        OrderException.Kind kind = state == null ? null : switch (state) {
            case "SF400" -> OrderException.Kind.BAD_INPUT;
            case "SF404" -> notFound;
            case "SF409" -> OrderException.Kind.CONFLICT;
            case "SF422" -> OrderException.Kind.UNPROCESSABLE;
            case "22003" -> OrderException.Kind.UNPROCESSABLE; // numeric overflow: an amount too large to store
            default -> null;
        };
        if (kind == null) {
            return new IllegalStateException("database error " + state + ": " + e.getMessage(), e);
        }
        String message = e.getMessage();
        String field = null;
        if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            ServerErrorMessage server = psql.getServerErrorMessage();
            message = server.getMessage();
            field = server.getColumn();
        }
        if ("22003".equals(state)) {
            message = "the order's amounts are too large to store (at most 99,999,999.99 GBP): " + message;
            field = "items";
        }
        return new OrderException(kind, field, message);
    }
}
