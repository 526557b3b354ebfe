package shopflow.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import shopflow.reports.AsOf;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportException;
import shopflow.reports.ReportFormat;
import shopflow.reports.ReportParameter;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;
import shopflow.web.TokenStore.Principal;

/**
 * {@code GET /api/drill/{name}}: the rows behind a report's figure (drills/*.sql), a page at a
 * time. Pages follow a keyset: a drill declares {@code after_<column>} parameters, and the next
 * page starts after the last row's values of those columns, carried by a signed cursor
 * ({@link DrillCursor}) with the list's parameters and as_of, so each page costs the same and
 * orders placed meanwhile neither shift nor repeat rows. The first page also gives the list's total
 * ({@code <name>_total.sql}), the figure it adds up to. CSV (analysts) is the whole list at once.
 */
final class DrillsApi {

    static final String CURSOR = "cursor";
    private static final String LIMIT = "limit";
    private static final String AFTER = "after_";
    private static final String TOTAL = "_total";
    private static final String REQUIRED = "; required";
    /** Rows per page read while writing a whole list as CSV. */
    private static final String EXPORT_PAGE = "1000";

    private final ReportCatalog drills;
    private final ReportRunner runner;
    private final Access access;
    private final ZoneId shopZone;
    private final Clock clock;
    private final DrillCursor cursors = new DrillCursor();

    DrillsApi(ReportCatalog drills, ReportRunner runner, Access access, ZoneId shopZone, Clock clock) {
        this.drills = drills;
        this.runner = runner;
        this.access = access;
        this.shopZone = shopZone;
        this.clock = clock;
    }

    void run(Context ctx) {
        Principal principal = access.require(ctx, Role.VIEWER, "drill-downs");
        Report list = find(ctx.pathParam("name"));
        Report total = drills.get(list.name() + TOTAL);
        Role required = ReportsApi.requiredRole(list);
        if (!principal.role().includes(required)) {
            throw ApiError.forbidden("drill " + list.name() + " lists customers (personal data) and needs the "
                    + required.label() + " role; token " + principal.tokenId() + " has " + principal.role().label());
        }
        ReportFormat format = ReportsApi.format(ctx);
        if (format == ReportFormat.CSV && !principal.role().includes(Role.ANALYST)) {
            throw ApiError.forbidden("CSV exports need the analyst role; token " + principal.tokenId() + " has "
                    + principal.role().label() + " (ask for JSON instead)");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        String asOfText = null;
        String cursorText = null;
        String limit = null;
        for (Map.Entry<String, List<String>> param : ctx.queryParamMap().entrySet()) {
            String name = param.getKey();
            if (param.getValue().size() > 1) {
                throw ApiError.badRequest(name, "parameter '" + name + "' is given " + param.getValue().size()
                        + " times; give it once");
            }
            String value = param.getValue().get(0);
            switch (name) {
                case "format" -> { } // read above
                case Report.AS_OF -> asOfText = value;
                case CURSOR -> cursorText = value;
                case LIMIT -> limit = value;
                default -> {
                    if (name.startsWith(AFTER) || list.parameters().stream().noneMatch(p -> p.name().equals(name))) {
                        throw ApiError.badRequest(name, "unknown parameter '" + name + "' for drill " + list.name()
                                + "; it takes " + String.join(", ", userParameters(list)) + ", limit, as_of, cursor"
                                + " and format");
                    }
                    parameters.put(name, value);
                }
            }
        }
        OffsetDateTime asOf;
        Map<String, String> after = Map.of();
        if (cursorText != null) {
            DrillCursor.Position position = cursors.decode(cursorText);
            if (parameters.isEmpty() && position.drill().equals(list.name())) {
                parameters.putAll(position.parameters()); // the cursor alone names its list
            }
            if (!position.drill().equals(list.name()) || !position.parameters().equals(parameters)) {
                throw ApiError.badRequest(CURSOR, "cursor belongs to another list (drill " + position.drill() + " with "
                        + position.parameters() + "), not to this one (drill " + list.name() + " with " + parameters
                        + "): give the parameters of the list it came from, or no cursor");
            }
            if (asOfText != null && !asOfText.isBlank()) {
                throw ApiError.badRequest(Report.AS_OF, "as_of is fixed by the cursor (the first page's as_of);"
                        + " leave it out with cursor");
            }
            asOf = position.asOf();
            after = position.after();
        } else {
            try {
                asOf = AsOf.parseOrNow(asOfText, shopZone, clock);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(Report.AS_OF, e.getMessage().replace("as-of", "as_of"));
            }
        }
        for (ReportParameter parameter : list.parameters()) {
            // a drill's header ends the description of a parameter it cannot do without with "; required"
            if (parameter.description().endsWith(REQUIRED) && !parameters.containsKey(parameter.name())) {
                throw ApiError.badRequest(parameter.name(), "drill " + list.name() + " needs " + parameter.name()
                        + ": " + parameter.description().substring(0, parameter.description().length()
                                - REQUIRED.length()));
            }
        }
        boolean masked = !principal.role().includes(Role.ANALYST);
        if (format == ReportFormat.CSV) {
            csv(ctx, list, asOf, parameters, after, masked);
            return;
        }
        Map<String, String> asked = new LinkedHashMap<>(parameters);
        if (limit != null) {
            asked.put(LIMIT, limit);
        }
        asked.putAll(after);
        ReportResult page = runner.run(list, asOf, asked);
        long pageSize = ((Number) page.parameters().get(LIMIT)).longValue();
        List<List<Object>> rows = new ArrayList<>(page.rows());
        String next = null;
        if (rows.size() > pageSize) {
            rows = rows.subList(0, (int) pageSize);
            next = cursors.encode(new DrillCursor.Position(list.name(), parameters, asOf,
                    keyset(list, page.columns(), rows.get(rows.size() - 1))));
        }
        ReportResult shown = new ReportResult(list, asOf, page.parameters(), page.columns(), rows);
        if (masked) {
            shown = ReportsApi.masked(list, shown);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("drill", list.name());
        out.put("as_of", asOf);
        out.put("parameters", parameters);
        out.put("columns", shown.columns());
        out.put("rows", ReportFormat.rowObjects(shown));
        out.put("total", cursorText == null ? totalOf(total, asOf, parameters) : null);
        out.put("next_cursor", next);
        ctx.json(out);
    }

    /** The whole list as CSV, read a page at a time (the same keyset), for an analyst's export. */
    private void csv(Context ctx, Report list, OffsetDateTime asOf, Map<String, String> parameters,
            Map<String, String> after, boolean masked) {
        List<List<Object>> rows = new ArrayList<>();
        List<String> columns = null;
        Map<String, String> from = after;
        while (true) {
            Map<String, String> asked = new LinkedHashMap<>(parameters);
            asked.put(LIMIT, EXPORT_PAGE);
            asked.putAll(from);
            ReportResult page = runner.run(list, asOf, asked);
            columns = page.columns();
            int size = Integer.parseInt(EXPORT_PAGE);
            rows.addAll(page.rows().subList(0, Math.min(size, page.rows().size())));
            if (page.rows().size() <= size) {
                break;
            }
            from = keyset(list, columns, page.rows().get(size - 1));
        }
        ReportResult all = new ReportResult(list, asOf, Map.copyOf(parameters), columns, rows);
        if (masked) {
            all = ReportsApi.masked(list, all);
        }
        StringWriter out = new StringWriter();
        try {
            ReportFormat.CSV.write(all, out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write to memory", e);
        }
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"" + list.name() + ".csv\"");
        ctx.result(out.toString());
    }

    /** The values of the last row given for the drill's {@code after_<column>} parameters: where the next page starts. */
    private static Map<String, String> keyset(Report list, List<String> columns, List<Object> lastRow) {
        Map<String, String> after = new LinkedHashMap<>();
        for (ReportParameter parameter : list.parameters()) {
            if (parameter.name().startsWith(AFTER)) {
                String column = parameter.name().substring(AFTER.length());
                after.put(parameter.name(), String.valueOf(lastRow.get(columns.indexOf(column))));
            }
        }
        return after;
    }

    private Map<String, Object> totalOf(Report total, OffsetDateTime asOf, Map<String, String> parameters) {
        Map<String, String> asked = new LinkedHashMap<>();
        total.parameters().forEach(p -> {
            if (parameters.containsKey(p.name())) {
                asked.put(p.name(), parameters.get(p.name()));
            }
        });
        ReportResult result = runner.run(total, asOf, asked);
        return ReportFormat.rowObjects(result).get(0);
    }

    private static List<String> userParameters(Report list) {
        return list.parameters().stream().map(ReportParameter::name)
                .filter(name -> !name.startsWith(AFTER) && !name.equals(LIMIT)).toList();
    }

    private Report find(String name) {
        if (!name.endsWith(TOTAL)) {
            try {
                return drills.get(name);
            } catch (ReportException e) {
                // below: the list of drills, not the closest report file (which may be a total)
            }
        }
        throw ApiError.notFound("drill", "unknown drill '" + name + "'; the drills: " + String.join(", ",
                drills.all().stream().map(Report::name).filter(n -> !n.endsWith(TOTAL)).toList()));
    }
}
