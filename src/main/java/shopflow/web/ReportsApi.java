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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import shopflow.reports.AsOf;
import shopflow.reports.Audience;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportColumn;
import shopflow.reports.ReportException;
import shopflow.reports.ReportFormat;
import shopflow.reports.ReportParameter;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;
import shopflow.web.TokenStore.Principal;

/**
 * {@code GET /api/reports} and {@code GET /api/reports/{name}}: the report catalog over HTTP. The
 * SQL is the catalog's; this class only checks who asks, reads the query string, masks, and shares
 * answers between clients (AnswerCache).
 */
final class ReportsApi {

    private static final String CSV_TYPE = "text/csv";

    private final ReportCatalog catalog;
    private final ReportRunner runner;
    private final Access access;
    private final ZoneId shopZone;
    private final Clock clock;
    private final int reportsPerToken;
    private final ReportEtag etags = new ReportEtag();
    /** Answers shared by every client while the data has not changed (AnswerCache). */
    private final AnswerCache answers = new AnswerCache();
    /** Reports running now, per token id (no entry: none). */
    private final Map<Long, Integer> running = new ConcurrentHashMap<>();

    ReportsApi(ReportCatalog catalog, ReportRunner runner, Access access, ZoneId shopZone, Clock clock,
            int reportsPerToken) {
        this.catalog = catalog;
        this.runner = runner;
        this.access = access;
        this.shopZone = shopZone;
        this.clock = clock;
        this.reportsPerToken = reportsPerToken;
    }

    void list(Context ctx) {
        Principal principal = access.require(ctx, Role.VIEWER, "the report catalog");
        List<Map<String, Object>> reports = new ArrayList<>();
        for (Report report : catalog.all()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", report.name());
            entry.put("question", report.question());
            entry.put("grain", report.grain());
            entry.put("audience", report.audience().name().toLowerCase(Locale.ROOT));
            entry.put("readable", principal.role().includes(requiredRole(report)));
            entry.put("parameters", report.parameters().stream().map(ReportsApi::describe).toList());
            entry.put("columns", report.columns().stream().map(ReportsApi::describe).toList());
            reports.add(entry);
        }
        ctx.json(Map.of("reports", reports, "role", principal.role().label()));
    }

    void run(Context ctx) {
        Principal principal = access.require(ctx, Role.VIEWER, "reports");
        Report report = find(ctx.pathParam("name"));
        Role required = requiredRole(report);
        if (!principal.role().includes(required)) {
            throw ApiError.forbidden("report " + report.name() + " lists customers (personal data) and needs the "
                    + required.label() + " role; token " + principal.tokenId() + " has " + principal.role().label());
        }
        ReportFormat format = format(ctx);
        if (format == ReportFormat.CSV && !principal.role().includes(Role.ANALYST)) {
            throw ApiError.forbidden("CSV exports need the analyst role; token " + principal.tokenId() + " has "
                    + principal.role().label() + " (ask for JSON instead)");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        String asOfText = null;
        for (Map.Entry<String, List<String>> param : ctx.queryParamMap().entrySet()) {
            String name = param.getKey();
            if (param.getValue().size() > 1) {
                throw ApiError.badRequest(name, "parameter '" + name + "' is given " + param.getValue().size()
                        + " times; give it once");
            }
            switch (name) {
                case "format" -> { } // read above
                case Report.AS_OF -> asOfText = param.getValue().get(0);
                default -> parameters.put(name, param.getValue().get(0));
            }
        }
        OffsetDateTime asOf;
        try {
            asOf = AsOf.parseOrNow(asOfText, shopZone, clock);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(Report.AS_OF, e.getMessage().replace("as-of", "as_of"));
        }
        boolean masked = !principal.role().includes(Role.ANALYST);
        // The tag is of the data as it is before the SQL runs: a change committed meanwhile may be in
        // the rows, and then the next snapshot's tag differs from this one, so a client asks again.
        String snapshot = runner.dataSnapshot();
        String etag = etags.of(snapshot, report.name(), parameters,
                asOfText == null || asOfText.isBlank() ? null : asOf, clock.instant(), format.name(), masked);
        if (ReportEtag.matches(ctx.header("If-None-Match"), etag)) {
            cacheHeaders(ctx, etag);
            ctx.status(304);
            return;
        }
        Supplier<String> answer = () -> answer(ctx, principal, report, asOf, parameters, format, masked);
        // Cache-Control: no-cache (a browser's hard reload, or bench api timing the SQL) asks for the
        // answer computed anew
        String cacheControl = ctx.header("Cache-Control");
        String body = cacheControl != null && cacheControl.contains("no-cache")
                ? answers.fresh(snapshot, etag, answer)
                : answers.answer(snapshot, etag, answer);
        cacheHeaders(ctx, etag); // on answers only: an error is no answer to keep
        if (format == ReportFormat.CSV) {
            ctx.contentType(CSV_TYPE + "; charset=utf-8");
            ctx.header("Content-Disposition", "attachment; filename=\"" + report.name() + ".csv\"");
        } else {
            ctx.contentType("application/json");
        }
        ctx.result(body);
    }

    /** The report run (within the token's limit), masked for its role and written in its format. */
    private String answer(Context ctx, Principal principal, Report report, OffsetDateTime asOf,
            Map<String, String> parameters, ReportFormat format, boolean masked) {
        ReportResult result = runLimited(ctx, principal, report, asOf, parameters);
        if (masked) {
            result = masked(report, result);
        }
        StringWriter out = new StringWriter();
        try {
            format.write(result, out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write to memory", e);
        }
        return out.toString();
    }

    /**
     * Runs the report if this token has fewer than {@code reportsPerToken} running; 429 with
     * Retry-After otherwise. One client (a dashboard left open, a script in a loop) cannot take
     * every report connection from the others.
     */
    private ReportResult runLimited(Context ctx, Principal principal, Report report, OffsetDateTime asOf,
            Map<String, String> parameters) {
        long token = principal.tokenId();
        boolean[] admitted = {false};
        running.compute(token, (id, count) -> {
            int now = count == null ? 0 : count;
            admitted[0] = now < reportsPerToken;
            return admitted[0] ? now + 1 : count;
        });
        if (!admitted[0]) {
            ctx.header("Retry-After", "1");
            throw ApiError.tooManyRequests("report", "token " + token + " already has " + reportsPerToken
                    + " reports running, the most one token may; send this one again when one has answered");
        }
        try {
            return runner.run(report, asOf, parameters);
        } finally {
            running.computeIfPresent(token, (id, count) -> count <= 1 ? null : count - 1);
        }
    }

    /**
     * private: an answer depends on the token's role, so no shared cache may keep it; no-cache: a
     * client may keep it but asks each time, with If-None-Match.
     */
    private static void cacheHeaders(Context ctx, String etag) {
        ctx.header("Cache-Control", "private, no-cache");
        ctx.header("ETag", etag);
        ctx.header("Vary", "Authorization, Accept, Accept-Encoding");
    }

    /** Customer-level reports name people: analysts and admins only. */
    static Role requiredRole(Report report) {
        return report.audience() == Audience.CUSTOMER ? Role.ANALYST : Role.VIEWER;
    }

    private Report find(String name) {
        try {
            return catalog.get(name);
        } catch (ReportException e) {
            throw ApiError.notFound("report", e.getMessage()
                    .replace("'shopflow report --list' shows them all", "GET /api/reports lists them all"));
        }
    }

    /** {@code ?format=json|csv} wins; otherwise {@code Accept: text/csv} asks for CSV; JSON by default. */
    static ReportFormat format(Context ctx) {
        String format = ctx.queryParam("format");
        if (format != null) {
            return switch (format.strip().toLowerCase(Locale.ROOT)) {
                case "json" -> ReportFormat.JSON;
                case "csv" -> ReportFormat.CSV;
                default -> throw ApiError.badRequest("format", "format '" + format + "' is not json or csv");
            };
        }
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains(CSV_TYPE) ? ReportFormat.CSV : ReportFormat.JSON;
    }

    static ReportResult masked(Report report, ReportResult result) {
        boolean[] personal = new boolean[result.columns().size()];
        boolean any = false;
        for (int c = 0; c < personal.length; c++) {
            personal[c] = report.column(result.columns().get(c)).map(ReportColumn::personal).orElse(false);
            any |= personal[c];
        }
        if (!any) {
            return result;
        }
        List<List<Object>> rows = new ArrayList<>();
        for (List<Object> row : result.rows()) {
            List<Object> copy = new ArrayList<>(row);
            for (int c = 0; c < personal.length; c++) {
                if (personal[c]) {
                    copy.set(c, PersonalData.mask(copy.get(c)));
                }
            }
            rows.add(copy);
        }
        return new ReportResult(result.report(), result.asOf(), result.parameters(), result.columns(), rows);
    }

    private static Map<String, Object> describe(ReportParameter parameter) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", parameter.name());
        out.put("type", parameter.type());
        out.put("default", parameter.defaultValue());
        out.put("min", parameter.min());
        out.put("max", parameter.max());
        out.put("allowed", parameter.allowed());
        out.put("range", parameter.range());
        out.put("description", parameter.description());
        return out;
    }

    private static Map<String, Object> describe(ReportColumn column) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", column.name());
        out.put("unit", column.unit());
        out.put("description", column.description());
        out.put("personal", column.personal());
        return out;
    }
}
