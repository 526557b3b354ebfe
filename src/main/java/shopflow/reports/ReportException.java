package shopflow.reports;

/**
 * A report request that cannot be answered as asked: the message says what was wrong and what is
 * accepted; {@link #field()} names the offending input for API errors.
 */
public final class ReportException extends RuntimeException {

    /** What kind of problem, so the CLI and the HTTP API can answer with the right code. */
    public enum Kind { UNKNOWN_REPORT, BAD_PARAMETER, FAILED, UNAVAILABLE, STOPPED }

    private final Kind kind;
    private final String field;

    private ReportException(Kind kind, String field, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.field = field;
    }

    static ReportException unknownReport(String message) {
        return new ReportException(Kind.UNKNOWN_REPORT, "report", message, null);
    }

    static ReportException badParameter(String field, String message) {
        return new ReportException(Kind.BAD_PARAMETER, field, message, null);
    }

    static ReportException failed(String message, Throwable cause) {
        return new ReportException(Kind.FAILED, null, message, cause);
    }

    /** The database (or a node of a Citus cluster) could not be reached: worth trying again later. */
    static ReportException unavailable(String message, Throwable cause) {
        return new ReportException(Kind.UNAVAILABLE, null, message, cause);
    }

    /**
     * A limit of the server (its time or temporary-file bound for one report) stopped the report: the
     * request was valid, the server would not spend more on it.
     */
    static ReportException stopped(String message, Throwable cause) {
        return new ReportException(Kind.STOPPED, null, message, cause);
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }
}
