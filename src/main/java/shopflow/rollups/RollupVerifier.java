package shopflow.rollups;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import shopflow.reports.FilterCases;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;

/**
 * Checks that every report, answered from the rollups, equals its reference SQL over the raw
 * tables, row for row. Numbers compare by value (a sum over rollup rows may say 0.00 where
 * the reference's coalesce says 0); everything else by equality.
 */
public final class RollupVerifier {

    /** How many rows of a report with a limit are compared. */
    static final long VERIFIED_ROWS = 100_000;

    private final ReportCatalog reports;
    private final ReportCatalog references;
    private final ReportRunner runner;
    private final DataSource dataSource;

    /** The reports as this database serves them (on a Citus cluster, some are their reference SQL). */
    public RollupVerifier(DataSource dataSource) {
        this(ReportCatalog.load(), ReportCatalog.references(),
                new ReportRunner(dataSource, Duration.ofMinutes(10)), dataSource);
    }

    RollupVerifier(ReportCatalog reports, ReportCatalog references, ReportRunner runner, DataSource dataSource) {
        this.reports = reports;
        this.references = references;
        this.runner = runner;
        this.dataSource = dataSource;
    }

    /**
     * One comparison made, the {@code number}th of {@code of}: the report, the parameters it was asked
     * with, how long both runs took, whether they agreed.
     */
    public record Check(int number, int of, String report, Map<String, String> parameters, Duration took,
            boolean agreed) {
    }

    /**
     * Every report with its default parameters as of {@code asOf}, but for its limit, if it takes one:
     * the first {@value #VERIFIED_ROWS} rows (at most its limit's maximum), not the screenful the
     * default asks for; and every report that takes filters with each of {@link FilterCases}. The drifts
     * found, if any.
     */
    public List<Drift> verify(OffsetDateTime asOf) {
        return verify(asOf, true, check -> { });
    }

    /**
     * {@link #verify} without the filter cases: the reports as the dashboard asks for them. The
     * filtered references check the filters order by order and session by session (seconds each on
     * a small shop), so a check of the rollups themselves, after a load or a restore, leaves them out.
     */
    public List<Drift> verifyUnfiltered(OffsetDateTime asOf) {
        return verify(asOf, false, check -> { });
    }

    /**
     * {@link #verify}, or {@link #verifyUnfiltered} without {@code withFilters}, telling {@code progress}
     * of each comparison as it ends: the reference SQL reads every raw row, tens of seconds a report
     * at scale 1.
     */
    public List<Drift> verify(OffsetDateTime asOf, boolean withFilters, Consumer<Check> progress) {
        List<Drift> drifts = new ArrayList<>();
        List<Map.Entry<String, Map<String, String>>> comparisons = comparisons(withFilters);
        for (int i = 0; i < comparisons.size(); i++) {
            String report = comparisons.get(i).getKey();
            Map<String, String> parameters = comparisons.get(i).getValue();
            long start = System.nanoTime();
            Optional<Drift> drift = compare(report, asOf, parameters);
            drift.ifPresent(drifts::add);
            progress.accept(new Check(i + 1, comparisons.size(), report, parameters,
                    Duration.ofNanos(System.nanoTime() - start), drift.isEmpty()));
        }
        return drifts;
    }

    /** Each comparison to make: a report and its parameters. */
    private List<Map.Entry<String, Map<String, String>>> comparisons(boolean withFilters) {
        List<Map.Entry<String, Map<String, String>>> comparisons = new ArrayList<>();
        Map<String, Map<String, String>> filterCases = null;
        for (Report report : reports.all()) {
            if (!report.sql().equals(references.get(report.name()).sql())) { // a reference equals itself
                Map<String, String> parameters = report.parameter("limit")
                        .map(limit -> Map.of("limit", String.valueOf(Math.min(VERIFIED_ROWS, limit.max().longValue()))))
                        .orElse(Map.of());
                comparisons.add(Map.entry(report.name(), parameters));
            }
            if (withFilters && !report.filters().isEmpty()) {
                filterCases = filterCases == null ? FilterCases.of(dataSource) : filterCases;
                List<String> taken = report.filters().stream().map(f -> f.name()).toList();
                for (Map<String, String> filters : filterCases.values()) {
                    if (taken.containsAll(filters.keySet())) {
                        comparisons.add(Map.entry(report.name(), filters));
                    }
                }
            }
        }
        return comparisons;
    }

    /** One report with {@code parameters} as the user would write them. */
    public Optional<Drift> compare(String name, OffsetDateTime asOf, Map<String, String> parameters) {
        Report report = reports.get(name);
        Report reference = references.find(name).orElseThrow(() -> new IllegalStateException(
                "report " + name + " has no reference SQL (reports/reference/" + name + ".sql)"));
        ReportResult fromRollups = runner.run(report, asOf, parameters);
        ReportResult fromReference = runner.run(reference, asOf, parameters);
        return firstDifference(name, asOf, parameters, fromRollups, fromReference);
    }

    public static Optional<Drift> firstDifference(String name, OffsetDateTime asOf, Map<String, String> parameters,
            ReportResult fromRollups, ReportResult fromReference) {
        if (!fromRollups.columns().equals(fromReference.columns())) {
            return Optional.of(new Drift(name, asOf, parameters, 0, null, fromRollups.columns(), fromReference.columns()));
        }
        int rows = Math.max(fromRollups.rows().size(), fromReference.rows().size());
        for (int r = 0; r < rows; r++) {
            if (r >= fromRollups.rows().size() || r >= fromReference.rows().size()) {
                Object mine = r < fromRollups.rows().size() ? fromRollups.rows().get(r) : "no row";
                Object theirs = r < fromReference.rows().size() ? fromReference.rows().get(r) : "no row";
                return Optional.of(new Drift(name, asOf, parameters, r + 1, null, mine, theirs));
            }
            List<Object> mine = fromRollups.rows().get(r);
            List<Object> theirs = fromReference.rows().get(r);
            for (int c = 0; c < mine.size(); c++) {
                if (!sameValue(mine.get(c), theirs.get(c))) {
                    return Optional.of(new Drift(name, asOf, parameters, r + 1, fromRollups.columns().get(c),
                            mine.get(c), theirs.get(c)));
                }
            }
        }
        return Optional.empty();
    }

    static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return decimal(x).compareTo(decimal(y)) == 0;
        }
        return Objects.equals(a, b);
    }

    private static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (n instanceof Double || n instanceof Float) {
            return BigDecimal.valueOf(n.doubleValue());
        }
        return BigDecimal.valueOf(n.longValue());
    }
}
