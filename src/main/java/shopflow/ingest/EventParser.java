package shopflow.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import shopflow.reports.AsOf;

/**
 * Reads a batch of events, a JSON array or NDJSON (one JSON object per line), and checks every
 * event field by field. The result is all good events, or every problem found: a batch is stored
 * whole or not at all, so the caller can fix and resend it.
 */
public final class EventParser {

    public static final int MAX_EVENTS = 10_000;
    /** Enough to fix a batch; a batch with thousands of bad events has one bug, repeated. */
    static final int MAX_ERRORS = 100;
    /** Clocks differ a little between a browser, a proxy and us; more than this is a wrong timestamp. */
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private static final Set<String> PAGE_VIEW_FIELDS = Set.of("type", "session_id", "customer_id", "page_url",
            "product_id", "viewed_at", "time_on_page", "referrer", "device_type");
    private static final Set<String> CART_EVENT_FIELDS = Set.of("type", "session_id", "customer_id", "product_id",
            "action", "quantity", "event_at");
    private static final List<String> DEVICE_TYPES = List.of("desktop", "mobile", "tablet");
    private static final List<String> ACTIONS = List.of("add", "remove", "view_cart", "begin_checkout");
    /** Actions about the whole cart, not a number of units: their quantity is optional. */
    private static final Set<String> CART_ACTIONS = Set.of("view_cart", "begin_checkout");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** How the body is written. */
    public enum Format { JSON_ARRAY, NDJSON }

    private final Clock clock;

    public EventParser(Clock clock) {
        this.clock = clock;
    }

    /** The events of the batch, in order. @throws EventBatchRefused listing every bad event; nothing to store */
    public List<Event> parse(byte[] body, Format format) {
        List<Line> nodes = format == Format.NDJSON ? splitLines(body) : readArray(body);
        if (nodes.isEmpty()) {
            throw EventBatchRefused.batch("body", "the batch is empty: send at least one event");
        }
        if (nodes.size() > MAX_EVENTS) {
            throw new EventBatchRefused(List.of(new EventError(-1, "body", "the batch has " + nodes.size()
                    + " events; at most " + MAX_EVENTS + " per request")), true);
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<Event> events = new ArrayList<>(nodes.size());
        List<EventError> errors = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Fields fields = new Fields(i, nodes.get(i), errors);
            Event event = fields.node == null ? null : read(fields, now);
            if (event != null && fields.ok()) {
                events.add(event);
            }
        }
        if (!errors.isEmpty()) {
            throw new EventBatchRefused(errors, false);
        }
        return events;
    }

    /** One event as read: its JSON, or why it is not JSON (NDJSON lines are read one by one). */
    private record Line(JsonNode node, String notJson) {
    }

    private static List<Line> readArray(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw EventBatchRefused.batch("body", "the body is not valid JSON (" + jsonProblem(e) + "); send a JSON array"
                    + " of events, or NDJSON with Content-Type application/x-ndjson");
        } catch (IOException e) {
            throw EventBatchRefused.batch("body", "the body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isArray()) {
            throw EventBatchRefused.batch("body", "the body must be a JSON array of events, e.g. [{\"type\": \"page_view\","
                    + " ...}], or NDJSON with Content-Type application/x-ndjson");
        }
        List<Line> nodes = new ArrayList<>(root.size());
        root.forEach(node -> nodes.add(new Line(node, null)));
        return nodes;
    }

    /**
     * One event per non-blank line; a line that is not JSON, or not UTF-8, is reported at its index
     * and line number. Each line is decoded strictly: a lenient decoder would store U+FFFD in place
     * of the bad bytes, and the same bytes in a JSON array are refused.
     */
    private static List<Line> splitLines(byte[] body) {
        List<Line> nodes = new ArrayList<>();
        int lineNumber = 0;
        for (int start = 0; start < body.length; ) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            lineNumber++;
            int length = end - start;
            if (length > 0 && body[end - 1] == '\r') {
                length--;
            }
            String line;
            try {
                line = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(body, start, length)).toString();
            } catch (CharacterCodingException e) {
                nodes.add(new Line(null, "line " + lineNumber + " is not valid UTF-8 text; send UTF-8"));
                start = end + 1;
                continue;
            }
            start = end + 1;
            if (line.isBlank()) {
                continue;
            }
            try {
                nodes.add(new Line(JSON.readTree(line), null));
            } catch (JsonProcessingException e) {
                nodes.add(new Line(null, "line " + lineNumber + " is not valid JSON (" + jsonProblem(e) + ")"));
            }
        }
        return nodes;
    }

    private Event read(Fields f, OffsetDateTime now) {
        String type = f.requiredChoice("type", List.of("page_view", "cart_event"));
        if (type == null) {
            return null;
        }
        if (type.equals("page_view")) {
            f.rejectUnknown(PAGE_VIEW_FIELDS);
            return new Event.PageView(f.requiredText("session_id", 100), f.optionalInt("customer_id", 1, Integer.MAX_VALUE),
                    f.requiredText("page_url", 2048), f.optionalInt("product_id", 1, Integer.MAX_VALUE),
                    f.timestamp("viewed_at", now), f.optionalInt("time_on_page", 0, 86_400),
                    f.optionalText("referrer", 2048), f.optionalChoice("device_type", DEVICE_TYPES));
        }
        f.rejectUnknown(CART_EVENT_FIELDS);
        String session = f.requiredText("session_id", 100);
        Integer customer = f.optionalInt("customer_id", 1, Integer.MAX_VALUE);
        Integer product = f.requiredInt("product_id", 1, Integer.MAX_VALUE);
        String action = f.requiredChoice("action", ACTIONS);
        Integer quantity = action != null && CART_ACTIONS.contains(action) ? f.optionalInt("quantity", 1, 1000)
                : f.requiredInt("quantity", 1, 1000);
        return new Event.CartEvent(session, customer, product, action, quantity, f.timestamp("event_at", now));
    }

    /** The fields of one event, checked one by one; each problem is recorded, not thrown. */
    private static final class Fields {
        private final int index;
        private final JsonNode node;
        private final List<EventError> errors;
        private final int errorsBefore;

        Fields(int index, Line line, List<EventError> errors) {
            this.index = index;
            this.errors = errors;
            this.errorsBefore = errors.size();
            JsonNode node = line.node();
            if (line.notJson() != null) {
                error(null, line.notJson());
                this.node = null;
            } else if (!node.isObject()) {
                error(null, "an event must be a JSON object with a \"type\" (page_view or cart_event), got "
                        + describe(node));
                this.node = null;
            } else {
                this.node = node;
            }
        }

        boolean ok() {
            return errors.size() == errorsBefore;
        }

        void error(String field, String message) {
            errors.add(new EventError(index, field, message));
        }

        void rejectUnknown(Set<String> accepted) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!accepted.contains(name)) {
                    error(name, "unknown field '" + name + "' for a " + node.get("type").textValue() + "; accepted: "
                            + String.join(", ", accepted.stream().sorted().toList()));
                }
            }
        }

        private JsonNode present(String name) {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? null : value;
        }

        String requiredText(String name, int maxLength) {
            if (present(name) == null) {
                error(name, name + " is required");
                return null;
            }
            return optionalText(name, maxLength);
        }

        String optionalText(String name, int maxLength) {
            JsonNode value = present(name);
            if (value == null) {
                return null;
            }
            if (!value.isTextual()) {
                error(name, name + " must be a string, got " + describe(value));
                return null;
            }
            String text = value.textValue();
            if (text.isEmpty() || text.length() > maxLength) {
                error(name, name + " must be 1 to " + maxLength + " characters, got " + text.length());
                return null;
            }
            if (text.indexOf('\u0000') >= 0) {
                error(name, name + " must not contain the NUL character");
                return null;
            }
            int unpaired = unpairedSurrogate(text);
            if (unpaired >= 0) {
                error(name, name + " is not valid Unicode text: an unpaired surrogate (\\u"
                        + Integer.toHexString(text.charAt(unpaired)) + ") at character " + unpaired);
                return null;
            }
            return text;
        }

        String requiredChoice(String name, List<String> accepted) {
            if (present(name) == null) {
                error(name, name + " is required: one of " + String.join(", ", accepted));
                return null;
            }
            return optionalChoice(name, accepted);
        }

        String optionalChoice(String name, List<String> accepted) {
            JsonNode value = present(name);
            if (value == null) {
                return null;
            }
            if (!value.isTextual() || !accepted.contains(value.textValue())) {
                error(name, name + " must be one of " + String.join(", ", accepted) + ", got " + describe(value));
                return null;
            }
            return value.textValue();
        }

        Integer requiredInt(String name, int min, int max) {
            if (present(name) == null) {
                error(name, name + " is required");
                return null;
            }
            return optionalInt(name, min, max);
        }

        Integer optionalInt(String name, int min, int max) {
            JsonNode value = present(name);
            if (value == null) {
                return null;
            }
            if (!value.isIntegralNumber()) {
                error(name, name + " must be a whole number, got " + describe(value));
                return null;
            }
            if (!value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
                error(name, name + " must be between " + min + " and " + max + ", got " + value.asText());
                return null;
            }
            return value.intValue();
        }

        /** An ISO-8601 moment with an offset; missing means now. Far in the future is refused. */
        OffsetDateTime timestamp(String name, OffsetDateTime now) {
            JsonNode value = present(name);
            if (value == null) {
                return now;
            }
            if (!value.isTextual()) {
                error(name, name + " must be an ISO-8601 timestamp with an offset (2026-06-30T12:00:00Z), got "
                        + describe(value));
                return null;
            }
            try {
                OffsetDateTime moment = OffsetDateTime.parse(value.textValue());
                if (!AsOf.supports(moment)) {
                    error(name, name + " " + describe(value) + " is out of range: accepted " + AsOf.SUPPORTED);
                    return null;
                }
                if (moment.isAfter(now.plus(MAX_CLOCK_SKEW))) {
                    error(name, name + " " + value.textValue() + " is in the future (now is " + now + ")");
                    return null;
                }
                return moment;
            } catch (DateTimeParseException e) {
                error(name, name + " must be an ISO-8601 timestamp with an offset (2026-06-30T12:00:00Z), got "
                        + describe(value));
                return null;
            }
        }
    }

    /**
     * What is wrong with a JSON text, and where when the parser knows: a document nested too deep
     * (over 1,000 levels, Jackson's limit) has no location, and says so in plain words.
     */
    public static String jsonProblem(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return "nested deeper than " + StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels, or over another"
                    + " size limit: " + e.getOriginalMessage();
        }
        JsonLocation where = e.getLocation();
        return e.getOriginalMessage() + (where == null ? ""
                : " at line " + where.getLineNr() + ", column " + where.getColumnNr());
    }

    /** The position of the first surrogate without its pair ("\\ud800" alone), or -1. */
    static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "\"" + (node.textValue().length() <= 40 ? node.textValue()
                    : node.textValue().substring(0, 40) + "...") + "\"";
            case NUMBER, BOOLEAN -> node.asText();
            case NULL -> "null";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> node.getNodeType().toString().toLowerCase();
        };
    }
}
