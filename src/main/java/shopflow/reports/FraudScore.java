package shopflow.reports;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import shopflow.db.SqlScripts;

/**
 * How well the fraud_review report finds the fraud the generator injected: precision and recall
 * of its flagged orders against {@code generator.fraud_ground_truth}, overall, per injected
 * pattern and per rule. The ground truth holds every fraudulent order, also those no rule can
 * tell (a burst's first orders, a slow burst), so a pattern is also scored by its accounts: an
 * account counts as caught when any of its fraudulent orders is flagged (a reviewer who opens one
 * sees the others).
 *
 * @param flagged   orders the report flags in the window
 * @param fraud     orders of the ground truth placed in the window
 * @param caught    orders both flagged and in the ground truth
 * @param byPattern per injected pattern: its orders and accounts in the window, and those flagged
 * @param byRule    per rule of the report: the orders it flags, and those in the ground truth
 */
public record FraudScore(OffsetDateTime asOf, int days, int flagged, int fraud, int caught,
        Map<String, PatternScore> byPattern, Map<String, RuleScore> byRule) {

    /** The report's rules, as its reasons name them. */
    public static final List<String> RULES = List.of("burst", "in_burst", "high_multiple", "new_account", "card_testing");

    /** One injected pattern: its orders and accounts in the window, and how many of each were flagged. */
    public record PatternScore(int orders, int caught, int accounts, int accountsCaught) {
        public double recall() {
            return orders == 0 ? Double.NaN : (double) caught / orders;
        }

        public double accountRecall() {
            return accounts == 0 ? Double.NaN : (double) accountsCaught / accounts;
        }
    }

    /** One rule: the orders it flags and how many of them are fraud (of any pattern). */
    public record RuleScore(int flagged, int fraud) {
        public double precision() {
            return flagged == 0 ? Double.NaN : (double) fraud / flagged;
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

    /** Share of the fraudulent accounts with at least one flagged order. */
    public double accountRecall() {
        int accounts = byPattern.values().stream().mapToInt(PatternScore::accounts).sum();
        int caughtAccounts = byPattern.values().stream().mapToInt(PatternScore::accountsCaught).sum();
        return accounts == 0 ? Double.NaN : (double) caughtAccounts / accounts;
    }

    /** The injected fraud of the report's window. */
    private static final String TRUTH_IN_WINDOW = SqlScripts.read("bench/fraud_ground_truth_window.sql");

    /** fraud_review's largest limit: the whole list is scored, not the reviewer's first page. */
    private static final int WHOLE_LIST = 10_000_000;

    /** Runs fraud_review over the last {@code days} days to {@code asOf} and scores it against the ground truth. */
    public static FraudScore measure(DataSource dataSource, OffsetDateTime asOf, int days) {
        ReportResult review = new ReportRunner(dataSource)
                .run(ReportCatalog.load().get("fraud_review"), asOf,
                        Map.of("days", Integer.toString(days), "limit", Integer.toString(WHOLE_LIST)));
        Set<Long> flagged = new HashSet<>();
        Map<Long, List<String>> rulesOf = new HashMap<>();
        for (int row = 0; row < review.rows().size(); row++) {
            long order = ((Number) review.value(row, "order_id")).longValue();
            flagged.add(order);
            String reasons = String.valueOf(review.value(row, "reasons"));
            List<String> rules = new ArrayList<>();
            for (String reason : reasons.split("; ")) {
                rules.add(reason.substring(0, Math.max(0, reason.indexOf(':'))));
            }
            rulesOf.put(order, rules);
        }
        Set<Long> fraud = new HashSet<>();
        Map<String, int[]> patterns = new TreeMap<>();
        Map<String, Map<Long, Boolean>> accounts = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(TRUTH_IN_WINDOW)) {
            s.setObject(1, asOf);
            s.setInt(2, days);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long order = rs.getLong(1);
                    String pattern = rs.getString(2);
                    fraud.add(order);
                    int[] counts = patterns.computeIfAbsent(pattern, p -> new int[2]);
                    counts[0]++;
                    counts[1] += flagged.contains(order) ? 1 : 0;
                    accounts.computeIfAbsent(pattern, p -> new HashMap<>())
                            .merge(rs.getLong(3), flagged.contains(order), Boolean::logicalOr);
                }
            }
        } catch (SQLException e) {
            throw ReportException.failed("cannot read generator.fraud_ground_truth (made by 'shopflow generate'): " + e.getMessage(), e);
        }
        int caught = (int) fraud.stream().filter(flagged::contains).count();
        Map<String, PatternScore> byPattern = new TreeMap<>();
        patterns.forEach((pattern, counts) -> {
            Map<Long, Boolean> its = accounts.get(pattern);
            int accountsCaught = (int) its.values().stream().filter(Boolean::booleanValue).count();
            byPattern.put(pattern, new PatternScore(counts[0], counts[1], its.size(), accountsCaught));
        });
        Map<String, RuleScore> byRule = new TreeMap<>();
        for (String rule : RULES) {
            int ruleFlagged = 0;
            int ruleFraud = 0;
            for (Map.Entry<Long, List<String>> entry : rulesOf.entrySet()) {
                if (entry.getValue().contains(rule)) {
                    ruleFlagged++;
                    ruleFraud += fraud.contains(entry.getKey()) ? 1 : 0;
                }
            }
            byRule.put(rule, new RuleScore(ruleFlagged, ruleFraud));
        }
        return new FraudScore(asOf, days, flagged.size(), fraud.size(), caught, byPattern, byRule);
    }

    /** The figures as the bench prints them. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("fraud_review over %d days to %s", days, asOf));
        lines.add(String.format("  flagged %,d orders; ground truth %,d; both %,d", flagged, fraud, caught));
        lines.add(String.format("  precision %.3f   recall %.3f (orders)   recall %.3f (accounts)", precision(), recall(),
                accountRecall()));
        lines.add("  per injected pattern:");
        byPattern.forEach((pattern, score) -> lines.add(String.format(
                "    %-14s recall %.3f (%d of %d orders)   accounts %.3f (%d of %d)", pattern, score.recall(),
                score.caught(), score.orders(), score.accountRecall(), score.accountsCaught(), score.accounts())));
        lines.add("  per rule of the report:");
        byRule.forEach((rule, score) -> lines.add(String.format("    %-14s precision %.3f (%d of %d flagged are fraud)",
                rule, score.precision(), score.fraud(), score.flagged())));
        return lines;
    }
}
