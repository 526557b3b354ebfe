package shopflow.reports;

import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * The moment a report answers for, or the end of the generator's history. Written without an
 * offset ({@code 2026-06-30T12:00}, {@code 2026-06-30 12:00}, {@code 2026-06-30}) it is the
 * shop's local time; with one ({@code 2026-06-30T12:00Z}, {@code +01:00}) it is that instant.
 */
public final class AsOf {

    /**
     * The moments ShopFlow accepts, as {@code as_of} and as event times: the shop's history is in
     * this century. Far wider moments would parse (Java and PostgreSQL both reach past year 100,000)
     * but answer nothing useful, and some (year 0, beyond 294276) PostgreSQL cannot hold at all.
     */
    public static final OffsetDateTime EARLIEST = OffsetDateTime.parse("2000-01-01T00:00:00Z");
    /** The end of the accepted range, exclusive. */
    public static final OffsetDateTime LATEST = OffsetDateTime.parse("2100-01-01T00:00:00Z");
    /** The accepted range as messages state it. */
    public static final String SUPPORTED = "from 2000-01-01 to 2100-01-01 (UTC)";

    private AsOf() {
    }

    /** Whether {@code moment} lies in the accepted range. */
    public static boolean supports(OffsetDateTime moment) {
        return !moment.isBefore(EARLIEST) && moment.isBefore(LATEST);
    }

    /**
     * Parses {@code text} in the shop's zone; a date alone means the end of that day (midnight after
     * it). A moment outside {@link #SUPPORTED} is refused.
     */
    public static OffsetDateTime parse(String text, ZoneId shopZone) {
        OffsetDateTime moment = parseAny(text, shopZone);
        if (!supports(moment)) {
            throw new IllegalArgumentException("as-of '" + text + "' is out of range: accepted " + SUPPORTED);
        }
        return moment;
    }

    private static OffsetDateTime parseAny(String text, ZoneId shopZone) {
        String value = text.strip().replace(' ', 'T');
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException notOffset) {
            // fall through: local forms below
        }
        try {
            return LocalDateTime.parse(value).atZone(shopZone).toOffsetDateTime();
        } catch (DateTimeParseException notLocal) {
            // fall through
        }
        try {
            return LocalDate.parse(value).plusDays(1).atStartOfDay(shopZone).toOffsetDateTime();
        } catch (DateTimeParseException notDate) {
            throw new IllegalArgumentException("as-of '" + text + "' is not a date or time: write 2026-06-30,"
                    + " 2026-06-30T12:00 (the shop's local time) or 2026-06-30T12:00:00Z");
        }
    }

    /** {@code text} parsed, or the clock's current moment when it is null or blank. */
    public static OffsetDateTime parseOrNow(String text, ZoneId shopZone, Clock clock) {
        if (text == null || text.isBlank()) {
            return OffsetDateTime.now(clock.withZone(shopZone));
        }
        return parse(text, shopZone);
    }
}
