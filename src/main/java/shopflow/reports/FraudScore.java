package shopflow.reports;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * How well the fraud_review report finds the fraud the generator injected: precision and recall
 * of its flagged orders against {@code generator.fraud_ground_truth}, overall and per injected pattern.
 *
 * @param flagged   orders the report flags in the window
 * @param fraud     orders of the ground truth placed in the window
 * @param caught    orders both flagged and in the ground truth
 * @param byPattern per pattern: its orders in the window, and how many of them were flagged
 */
public record FraudScore(OffsetDateTime asOf, int days, int flagged, int fraud, int caught,
        Map<String, PatternScore> byPattern) {

    /** One injected pattern: its orders in the window and how many were flagged. */
    public record PatternScore(int orders, int caught) {
        public double recall() {
            return orders == 0 ? Double.NaN : (double) caught / orders;
        }
    }

    /** Share of flagged orders that are fraud. */
    public double precision() {
        return flagged == 0 ? Double.NaN : (double) caught / flagged;
    }

    /** Share of fraud orders that are flagged. */
    public double recall() {
        return fraud == 0 ? Double.NaN : (double) caught / fraud;
    }

    /** Runs fraud_review over the last {@code days} days to {@code asOf} and scores it against the ground truth. */
    public static FraudScore measure(DataSource dataSource, OffsetDateTime asOf, int days) {
        ReportResult review = new ReportRunner(dataSource)
                .run(ReportCatalog.load().get("fraud_review"), asOf, Map.of("days", Integer.toString(days)));
        Set<Long> flagged = new HashSet<>();
        for (int row = 0; row < review.rows().size(); row++) {
            flagged.add(((Number) review.value(row, "order_id")).longValue());
        }
        // The same window as the report: orders from the start of the shop day days-1 before as_of.
        String truthInWindow = """
                select generator.fraud_ground_truth.order_id, generator.fraud_ground_truth.pattern
                from generator.fraud_ground_truth
                join orders using (order_id)
                where orders.created_at >= date_trunc('day', ?::timestamptz) - make_interval(days => ? - 1)
                  and orders.created_at <= ?
                """;
        Set<Long> fraud = new HashSet<>();
        Map<String, int[]> patterns = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(truthInWindow)) {
            s.setObject(1, asOf);
            s.setInt(2, days);
            s.setObject(3, asOf);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long order = rs.getLong(1);
                    fraud.add(order);
                    int[] counts = patterns.computeIfAbsent(rs.getString(2), p -> new int[2]);
                    counts[0]++;
                    counts[1] += flagged.contains(order) ? 1 : 0;
                }
            }
        } catch (SQLException e) {
            throw ReportException.failed("cannot read generator.fraud_ground_truth (made by 'shopflow generate'): " + e.getMessage(), e);
        }
        int caught = (int) fraud.stream().filter(flagged::contains).count();
        Map<String, PatternScore> byPattern = new TreeMap<>();
        patterns.forEach((pattern, counts) -> byPattern.put(pattern, new PatternScore(counts[0], counts[1])));
        return new FraudScore(asOf, days, flagged.size(), fraud.size(), caught, byPattern);
    }

    /** The figures as the bench prints them. */
    public List<String> lines() {
        List<String> lines = new java.util.ArrayList<>();
        lines.add(String.format("fraud_review over %d days to %s", days, asOf));
        lines.add(String.format("  flagged %,d orders; ground truth %,d; both %,d", flagged, fraud, caught));
        lines.add(String.format("  precision %.3f   recall %.3f", precision(), recall()));
        byPattern.forEach((pattern, score) -> lines.add(String.format("  %-14s recall %.3f (%d of %d)", pattern,
                score.recall(), score.caught(), score.orders())));
        return lines;
    }
}
