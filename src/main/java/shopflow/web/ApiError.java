package shopflow.web;

/**
 * A request the API refuses, answered as {@code {"error": message, "field": field}} with its status.
 * The message says what was wrong and what is accepted; it never contains a token.
 */
final class ApiError extends RuntimeException {

    private final int status;
    private final String field;

    private ApiError(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    static ApiError badRequest(String field, String message) {
        return new ApiError(400, field, message);
    }

    static ApiError unauthorized(String message) {
        return new ApiError(401, "authorization", message);
    }

    static ApiError forbidden(String message) {
        return new ApiError(403, null, message);
    }

    static ApiError notFound(String field, String message) {
        return new ApiError(404, field, message);
    }

    static ApiError unsupportedType(String message) {
        return new ApiError(415, "Content-Type", message);
    }

    /** The server is busy (a shared budget is spent): try again after the Retry-After the handler set. */
    static ApiError unavailable(String message) {
        return new ApiError(503, null, message);
    }

    /** This caller has as many requests in flight as it may: try again after the Retry-After the handler set. */
    static ApiError tooManyRequests(String field, String message) {
        return new ApiError(429, field, message);
    }

    static ApiError tooLarge(String message) {
        return new ApiError(413, null, message);
    }

    int status() {
        return status;
    }

    String field() {
        return field;
    }
}
