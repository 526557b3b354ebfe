package shopflow.reports;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * A window of shop days a report declares in its header, over three of its parameters:
 * {@code -- window: from | to | days | 3660}. The window ends with {@code to} (default: as_of's day)
 * and starts with {@code from} (default: {@code days} days before its end, inclusive); both dates
 * are inclusive, and the report cuts the window at as_of. What one parameter's range cannot say is
 * checked here, before anything runs: {@code from} not after the end, and at most {@code maxDays}
 * days in all.
 */
public record ReportWindow(String from, String to, String days, int maxDays) {

    /** Refuses a window whose start is after its end or that spans more than {@code maxDays} days. */
    void check(Map<String, Object> bound, OffsetDateTime asOf) {
        Object toValue = bound.get(to);
        Object fromValue = bound.get(from);
        LocalDate end = toValue == null ? asOf.toLocalDate() : LocalDate.parse((String) toValue);
        String endName = toValue == null ? "as_of's day (" + end + ")" : "'" + to + "' (" + end + ")";
        if (fromValue == null) {
            return; // days before the end: its own range bounds the span
        }
        LocalDate start = LocalDate.parse((String) fromValue);
        if (start.isAfter(end)) {
            throw ReportException.badParameter(from, "parameter '" + from + "' = '" + start + "' is after the window's"
                    + " last day, " + endName + ": accepted a date up to " + end);
        }
        long span = ChronoUnit.DAYS.between(start, end) + 1;
        if (span > maxDays) {
            throw ReportException.badParameter(from, "parameter '" + from + "' = '" + start + "' makes a window of " + span
                    + " days up to " + endName + ": accepted at most " + maxDays + " days, so a date from "
                    + end.minusDays(maxDays - 1L));
        }
    }
}
