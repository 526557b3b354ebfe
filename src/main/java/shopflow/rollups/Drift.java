package shopflow.rollups;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * A report whose rollup-backed answer differs from its reference SQL over the raw tables: the
 * first differing row and column (row numbers from 1; a missing row shows as "no row").
 */
public record Drift(String report, OffsetDateTime asOf, Map<String, String> parameters, int row, String column,
        Object fromRollups, Object fromReference) {

    public Drift {
        parameters = Map.copyOf(parameters);
    }

    /** One line for a person: which report, where, and both values. */
    public String describe() {
        String params = parameters.isEmpty() ? "" : " " + parameters;
        return "report " + report + params + " as of " + asOf + ": row " + row
                + (column == null ? "" : ", column " + column)
                + ": rollups say " + fromRollups + ", reference SQL says " + fromReference;
    }
}
