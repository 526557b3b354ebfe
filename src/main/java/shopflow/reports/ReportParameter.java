package shopflow.reports;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * A parameter a report declares in its header: {@code -- param: days | integer | 30 | 1..3660 | ...}.
 * Values arrive as text (CLI, query string) and are checked and typed here, then bound, never spliced.
 *
 * @param type     {@code integer}, {@code numeric}, {@code text} or {@code date} (a shop day, YYYY-MM-DD, bound
 *                 as its ISO text; an empty default means "not given", bound as null)
 * @param min      lowest accepted value of a number, or null
 * @param max      highest accepted value of a number, or null
 * @param allowed  the accepted values of a text parameter, or empty for any text
 */
public record ReportParameter(String name, String type, String defaultValue, BigDecimal min, BigDecimal max,
        List<String> allowed, String description) {

    /** PostgreSQL's numeric holds at most this many digits after the decimal point. */
    static final int MAX_NUMERIC_SCALE = 16383;
    /** The days a date parameter accepts: those of the moments ShopFlow accepts ({@link AsOf#SUPPORTED}). */
    static final LocalDate FIRST_DATE = LocalDate.of(2000, 1, 1);
    static final LocalDate LAST_DATE = LocalDate.of(2099, 12, 31);

    public ReportParameter {
        if (!List.of("integer", "numeric", "text", "date").contains(type)) {
            throw new IllegalArgumentException("parameter " + name + ": type must be integer, numeric, text or date, got "
                    + type);
        }
        allowed = List.copyOf(allowed);
    }

    /** The value to bind for {@code raw}, or the default when raw is null. */
    public Object bind(String raw) {
        String text = raw == null ? defaultValue : raw.strip();
        switch (type) {
            case "integer" -> {
                long value;
                try {
                    value = Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw invalid(raw, "must be a whole number " + range());
                }
                checkRange(raw, BigDecimal.valueOf(value));
                // the SQL casts to int: beyond it PostgreSQL fails the report instead of refusing the value
                if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                    throw invalid(raw, "is out of range: a whole number from " + Integer.MIN_VALUE + " to "
                            + Integer.MAX_VALUE + " (PostgreSQL's integer)");
                }
                return value;
            }
            case "numeric" -> {
                BigDecimal value;
                try {
                    value = new BigDecimal(text);
                } catch (NumberFormatException e) {
                    throw invalid(raw, "must be a number " + range());
                }
                checkRange(raw, value);
                if (value.signum() != 0 && value.stripTrailingZeros().scale() > MAX_NUMERIC_SCALE) {
                    throw invalid(raw, "has more than " + MAX_NUMERIC_SCALE + " digits after the decimal point"
                            + " (PostgreSQL's numeric); accepted " + range());
                }
                return value;
            }
            case "date" -> {
                if (text == null || text.isBlank()) {
                    return null; // not given: the report's SQL decides (nullif(:'from', ''))
                }
                LocalDate value;
                try {
                    value = LocalDate.parse(text);
                } catch (DateTimeParseException e) {
                    throw invalid(raw, "must be " + range());
                }
                if (value.isBefore(FIRST_DATE) || value.isAfter(LAST_DATE)) {
                    throw invalid(raw, "is out of range: accepted " + range());
                }
                return value.toString();
            }
            default -> {
                if (text.indexOf('\0') >= 0) {
                    // PostgreSQL's text cannot hold it: refused here rather than failing the report
                    throw invalid(raw, "contains a NUL character (\\0), which no text value may");
                }
                // (an empty default is "not given": a filter left out)
                if (!allowed.isEmpty() && !allowed.contains(text) && !(text.isEmpty() && defaultValue.isEmpty())) {
                    throw invalid(raw, "must be one of " + String.join(", ", allowed));
                }
                return text;
            }
        }
    }

    /** The accepted values, as help text shows them. */
    public String range() {
        if (type.equals("date")) {
            return "a date (YYYY-MM-DD) from " + FIRST_DATE + " to " + LAST_DATE;
        }
        if (!allowed.isEmpty()) {
            return "one of " + String.join(", ", allowed);
        }
        if (min != null && max != null) {
            return "from " + min.toPlainString() + " to " + max.toPlainString();
        }
        if (min != null) {
            return "at least " + min.toPlainString();
        }
        if (max != null) {
            return "at most " + max.toPlainString();
        }
        return "any " + type;
    }

    private void checkRange(String raw, BigDecimal value) {
        if ((min != null && value.compareTo(min) < 0) || (max != null && value.compareTo(max) > 0)) {
            throw invalid(raw, "is out of range: accepted " + range());
        }
    }

    private ReportException invalid(String raw, String problem) {
        return ReportException.badParameter(name, "parameter '" + name + "' = '" + raw + "' " + problem);
    }
}
