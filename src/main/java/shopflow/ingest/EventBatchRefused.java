package shopflow.ingest;

import java.util.List;

/**
 * A batch refused whole, and stored not at all: every bad event with its index and field (the
 * first {@link EventParser#MAX_ERRORS} of them), or one problem with the batch itself (index -1).
 */
public final class EventBatchRefused extends RuntimeException {

    private final List<EventError> errors;
    private final boolean tooLarge;

    EventBatchRefused(List<EventError> errors, boolean tooLarge) {
        super(summary(errors));
        this.errors = List.copyOf(errors);
        this.tooLarge = tooLarge;
    }

    static EventBatchRefused batch(String field, String message) {
        return new EventBatchRefused(List.of(new EventError(-1, field, message)), false);
    }

    public List<EventError> errors() {
        return errors;
    }

    /** Refused for its size alone (HTTP 413), not for what it says. */
    public boolean tooLarge() {
        return tooLarge;
    }

    private static String summary(List<EventError> errors) {
        EventError first = errors.get(0);
        String where = first.index() < 0 ? "" : "event " + first.index() + ": ";
        return errors.size() == 1 ? where + first.error()
                : errors.size() + " bad events, nothing stored; first, " + where + first.error();
    }
}
