package shopflow.alerts;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * An alert: a KPI over a window (a shop hour or day) that strayed from its seasonal baseline.
 * observed and expected are in the KPI's unit (GBP, a count, or a ratio 0-1); score is how many
 * spreads apart they are.
 */
public record Alert(long alertId, String kpi, String grain, OffsetDateTime windowStart, OffsetDateTime windowEnd,
        BigDecimal observed, BigDecimal expected, BigDecimal spread, BigDecimal score, BigDecimal volume,
        String severity, String direction, String message, OffsetDateTime raisedAt) {
}
