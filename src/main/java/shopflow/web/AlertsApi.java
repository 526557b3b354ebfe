package shopflow.web;

import io.javalin.http.Context;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import shopflow.alerts.Alert;
import shopflow.alerts.Alerts;
import shopflow.reports.AsOf;

/** {@code GET /api/alerts}: the anomaly alerts raised, newest window first, as {@code shopflow alerts} lists them. */
final class AlertsApi {

    static final int DEFAULT_LIMIT = 50;
    private static final List<String> PARAMETERS = List.of("kpi", "since", "limit");

    private final Alerts alerts;
    private final Access access;
    private final ZoneId shopZone;

    AlertsApi(Alerts alerts, Access access, ZoneId shopZone) {
        this.alerts = alerts;
        this.access = access;
        this.shopZone = shopZone;
    }

    void list(Context ctx) {
        access.require(ctx, Role.VIEWER, "alerts");
        QueryParameters.acceptOnly(ctx, PARAMETERS);
        String kpi = ctx.queryParam("kpi");
        OffsetDateTime since = null;
        if (ctx.queryParam("since") != null) {
            try {
                since = AsOf.parse(ctx.queryParam("since"), shopZone);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("since", e.getMessage().replace("as-of", "since"));
            }
        }
        int limit = DEFAULT_LIMIT;
        String limitText = ctx.queryParam("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText.strip());
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("limit", "limit must be a whole number from 1 to " + Alerts.MAX_LIMIT
                        + ", not '" + limitText + "'");
            }
        }
        List<Alert> found;
        try {
            found = alerts.list(kpi, since, limit);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage().startsWith("limit") ? "limit" : "kpi", e.getMessage());
        }
        ctx.json(Map.of("alerts", found.stream().map(AlertsApi::describe).toList()));
    }

    static Map<String, Object> describe(Alert alert) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("alert_id", alert.alertId());
        out.put("kpi", alert.kpi());
        out.put("grain", alert.grain());
        out.put("window_start", alert.windowStart().toString());
        out.put("window_end", alert.windowEnd().toString());
        out.put("observed", alert.observed());
        out.put("expected", alert.expected());
        out.put("score", alert.score());
        out.put("volume", alert.volume());
        out.put("severity", alert.severity());
        out.put("direction", alert.direction());
        out.put("message", alert.message());
        out.put("raised_at", alert.raisedAt().toString());
        return out;
    }
}
