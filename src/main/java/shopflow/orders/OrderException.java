package shopflow.orders;

/**
 * A request about an order that was refused, and changed nothing: what was wrong, in which field,
 * and what kind of refusal it is (the HTTP API answers with the kind's status code).
 */
public final class OrderException extends RuntimeException {

    /** Why a request was refused; each maps to one HTTP status. */
    public enum Kind {
        BAD_INPUT(400), NOT_FOUND(404), CONFLICT(409), UNPROCESSABLE(422);

        private final int httpStatus;

        Kind(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Kind kind;
    private final String field;

    public OrderException(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    static OrderException badInput(String field, String message) {
        return new OrderException(Kind.BAD_INPUT, field, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The request field at fault (e.g. {@code items[2].quantity}), or null when it is the request as a whole. */
    public String field() {
        return field;
    }
}
