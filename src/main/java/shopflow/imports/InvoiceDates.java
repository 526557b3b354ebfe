package shopflow.imports;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;

/**
 * Reads the moments of a file: local times in the shop's (or --time-zone's) zone, or with an offset.
 * Without --date-format: ISO ({@code 2010-12-01 08:26[:00]}, a T accepted, an offset too) or the
 * month-first form of the public data set ({@code 12/1/10 8:26}, {@code 12/1/2010 08:26[:00]}).
 * Lines of one invoice share their date, so the last text read is remembered.
 */
final class InvoiceDates {

    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendValue(ChronoField.HOUR_OF_DAY, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE)
            .appendLiteral(':').appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .toFormatter();
    /** Shopify's exports: {@code 2024-03-05 14:20:13 -0500}. */
    private static final DateTimeFormatter SHOPIFY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xx");
    private static final List<DateTimeFormatter> MONTH_FIRST = List.of(
            new DateTimeFormatterBuilder().appendPattern("M/d/")
                    .appendValueReduced(ChronoField.YEAR, 2, 4, 2000)
                    .appendPattern(" H:mm[:ss]").toFormatter());

    private final ZoneId zone;
    private final DateTimeFormatter given;
    private String lastText;
    private Instant lastMoment;

    InvoiceDates(ZoneId zone, String pattern) {
        this.zone = zone;
        try {
            this.given = pattern == null ? null : DateTimeFormatter.ofPattern(pattern);
        } catch (IllegalArgumentException e) {
            throw new ImportException("--date-format '" + pattern + "' is not a date pattern: " + e.getMessage()
                    + " (Java DateTimeFormatter letters, e.g. 'd/M/yyyy H:mm')");
        }
    }

    /** The moment, or null when the text is none of the formats. */
    Instant parse(String text) {
        if (text.equals(lastText)) {
            return lastMoment;
        }
        Instant moment = given != null ? parseWith(given, text) : parseKnown(text);
        lastText = text;
        lastMoment = moment;
        return moment;
    }

    /** What the formats are, for a refusal. */
    String accepted() {
        return given != null ? "the --date-format pattern" : "2010-12-01 08:26[:00] (ISO, an offset allowed: 2010-12-01 08:26:00 -0500 as Shopify"
                + " writes it) or 12/1/10 8:26 (month first)"
                + "; give --date-format for another";
    }

    private Instant parseKnown(String text) {
        if (text.length() >= 10 && text.charAt(4) == '-') {
            Instant iso = parseWith(ISO, text);
            return iso != null ? iso : parseWith(SHOPIFY, text);
        }
        for (DateTimeFormatter f : MONTH_FIRST) {
            Instant i = parseWith(f, text);
            if (i != null) {
                return i;
            }
        }
        return null;
    }

    private Instant parseWith(DateTimeFormatter formatter, String text) {
        try {
            var parsed = formatter.parseBest(text, java.time.OffsetDateTime::from, LocalDateTime::from);
            if (parsed instanceof java.time.OffsetDateTime o) {
                return o.toInstant();
            }
            return ((LocalDateTime) parsed).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
