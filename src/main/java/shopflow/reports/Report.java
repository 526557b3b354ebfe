package shopflow.reports;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One report: a question answered by one SQL file under {@code src/main/resources/reports/},
 * with its header (question, grain, audience, parameters, columns).
 *
 * @param sql the statement as JDBC runs it: psql meta-commands removed, {@code :name} and
 *            {@code :'name'} replaced by {@code ?} placeholders, in {@link #placeholders()} order
 * @param source the file as written, runnable by psql
 */
public record Report(String name, String question, String grain, Audience audience,
        List<ReportParameter> parameters, List<ReportColumn> columns, String sql, List<String> placeholders,
        String source, Optional<ReportWindow> window) {

    /** Every report answers as of a moment; its value is bound to {@code :as_of}. */
    public static final String AS_OF = "as_of";

    public Report {
        parameters = List.copyOf(parameters);
        columns = List.copyOf(columns);
        placeholders = List.copyOf(placeholders);
    }

    /** A report without a window of days. */
    public Report(String name, String question, String grain, Audience audience, List<ReportParameter> parameters,
            List<ReportColumn> columns, String sql, List<String> placeholders, String source) {
        this(name, question, grain, audience, parameters, columns, sql, placeholders, source, Optional.empty());
    }

    /**
     * {@link #bind(Map)}, then the rules over several parameters its header declares (its
     * {@link ReportWindow}), which depend on the moment answered for.
     */
    public Map<String, Object> bind(Map<String, String> rawParameters, java.time.OffsetDateTime asOf) {
        Map<String, Object> bound = bind(rawParameters);
        window.ifPresent(w -> w.check(bound, asOf));
        return bound;
    }

    /**
     * The values to bind for parameters as the user wrote them: defaults for those not given;
     * unknown names and bad values refused, naming the parameter and what it accepts.
     */
    public Map<String, Object> bind(Map<String, String> rawParameters) {
        Set<String> unknown = rawParameters.keySet().stream()
                .filter(given -> parameter(given).isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
        if (!unknown.isEmpty()) {
            String accepted = parameters.isEmpty()
                    ? "it takes none"
                    : "it takes " + parameters.stream().map(ReportParameter::name).collect(Collectors.joining(", "));
            throw ReportException.badParameter(unknown.iterator().next(), "report " + name + " has no parameter '"
                    + String.join("', '", unknown) + "'; " + accepted);
        }
        Map<String, Object> bound = new LinkedHashMap<>();
        for (ReportParameter parameter : parameters) {
            bound.put(parameter.name(), parameter.bind(rawParameters.get(parameter.name())));
        }
        return bound;
    }

    /** Marks a filter's description in a report header: {@code filter: orders whose ...}. */
    static final String FILTER = "filter:";

    /**
     * The parameters that are filters (their description starts "filter:"): ordinary parameters of
     * the report's one file, "" when not given (docs/filters.md).
     */
    public List<ReportParameter> filters() {
        return parameters.stream().filter(p -> p.description().startsWith(FILTER)).toList();
    }

    public Optional<ReportParameter> parameter(String parameterName) {
        return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst();
    }

    public Optional<ReportColumn> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }
}
