package shopflow.reports;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * A report's answer: its rows (values as JDBC gave them: BigDecimal for numeric, Long/Integer,
 * LocalDate, OffsetDateTime, String, Boolean), for the moment and parameters it was asked for.
 */
public record ReportResult(Report report, OffsetDateTime asOf, Map<String, Object> parameters,
        List<String> columns, List<List<Object>> rows) {

    public ReportResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    /** The value in {@code row} of the column called {@code column}. */
    public Object value(int row, String column) {
        int index = columns.indexOf(column);
        if (index < 0) {
            throw new IllegalArgumentException("report " + report.name() + " has no column " + column);
        }
        return rows.get(row).get(index);
    }

    /** True when the report takes a {@code limit} and returned that many rows: it may have more. */
    public boolean filledItsLimit() {
        return parameters.get("limit") instanceof Number limit && rows.size() == limit.longValue();
    }
}
