package shopflow.ingest;

import java.util.List;

/**
 * A batch refused whole, and stored not at all: every bad event with its index and field (the
 * first {@link EventParser#MAX_ERRORS} of them), or one problem with the batch itself (index -1).
 */
public final class EventBatchRefused extends RuntimeException {

    private final List<EventError> errors;
    private final int total;
    private final boolean tooLarge;

    EventBatchRefused(List<EventError> errors, boolean tooLarge) {
        this(errors, errors.size(), badEvents(errors), tooLarge);
    }

    /**
     * {@code errors} may be the first few of {@code total} problems found in {@code badEvents}
     * events: the message tells the true counts, the list stops at {@link EventParser#MAX_ERRORS}.
     */
    EventBatchRefused(List<EventError> errors, int total, int badEvents, boolean tooLarge) {
        super(summary(errors, total, badEvents));
        this.errors = List.copyOf(errors.subList(0, Math.min(errors.size(), EventParser.MAX_ERRORS)));
        this.total = total;
        this.tooLarge = tooLarge;
    }

    static EventBatchRefused batch(String field, String message) {
        return new EventBatchRefused(List.of(new EventError(-1, field, message)), false);
    }

    /** The first {@link EventParser#MAX_ERRORS} problems. */
    public List<EventError> errors() {
        return errors;
    }

    /** How many problems there were in all (more than {@link #errors()} lists when over the cap). */
    public int total() {
        return total;
    }

    /** Refused for its size alone (HTTP 413), not for what it says. */
    public boolean tooLarge() {
        return tooLarge;
    }

    private static String summary(List<EventError> errors, int total, int badEvents) {
        EventError first = errors.get(0);
        String where = first.index() < 0 ? "" : "event " + first.index() + ": ";
        if (total == 1) {
            return where + first.error();
        }
        int listed = Math.min(errors.size(), EventParser.MAX_ERRORS);
        return badEvents + " bad " + (badEvents == 1 ? "event" : "events") + " (" + total + " problems"
                + (total > listed ? ", the first " + listed + " listed" : "") + "), nothing stored; first, " + where
                + first.error();
    }

    private static int badEvents(List<EventError> errors) {
        return (int) errors.stream().mapToInt(EventError::index).filter(index -> index >= 0).distinct().count();
    }
}
