package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.web.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /api/alerts: the alerts kept in the database, for any role; bad parameters are named. */
class AlertsApiTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    @Test
    void a_viewer_lists_the_alerts_newest_window_first_and_filters_them_by_kpi() {
        app.sql("""
                insert into alerts.alerts (kpi, grain, window_start, window_end, observed, expected, spread, score, volume,
                                           severity, direction, message)
                values ('orders', 'hour', '2026-06-29 13:00Z', '2026-06-29 14:00Z', 57, 30, 5.48, 4.93, 57, 'warning', 'up',
                        'Orders rose.'),
                       ('conversion_rate', 'day', '2026-06-27 23:00Z', '2026-06-28 23:00Z', 0.01, 0.03, 0.002, -10, 900,
                        'critical', 'down', 'Conversion fell.')""");
        JsonNode all = json(app.get("/api/alerts", app.viewer));
        assertThat(all.get("alerts")).hasSize(2);
        JsonNode newest = all.get("alerts").get(0);
        assertThat(newest.get("kpi").asText()).isEqualTo("orders");
        assertThat(newest.get("window_start").asText()).isEqualTo("2026-06-29T13:00Z");
        assertThat(newest.get("observed").decimalValue()).isEqualByComparingTo("57");
        assertThat(newest.get("message").asText()).isEqualTo("Orders rose.");
        JsonNode conversion = json(app.get("/api/alerts?kpi=conversion_rate", app.viewer)).get("alerts");
        assertThat(conversion).hasSize(1);
        assertThat(conversion.get(0).get("severity").asText()).isEqualTo("critical");
        assertThat(json(app.get("/api/alerts?since=2026-06-29T12:00Z&limit=5", app.viewer)).get("alerts")).hasSize(1);
    }

    @Test
    void an_unknown_kpi_a_bad_limit_or_moment_is_a_400_naming_it() {
        HttpResponse<String> kpi = app.get("/api/alerts?kpi=orderz", app.viewer);
        assertThat(kpi.statusCode()).isEqualTo(400);
        assertThat(json(kpi).get("field").asText()).isEqualTo("kpi");
        assertThat(json(kpi).get("error").asText()).startsWith("unknown KPI 'orderz'; alerts watch add_to_cart_rate");
        for (String query : new String[] {"limit=0", "limit=ten", "since=yesterday", "colour=red"}) {
            HttpResponse<String> bad = app.get("/api/alerts?" + query, app.viewer);
            assertThat(bad.statusCode()).as(query).isEqualTo(400);
            assertThat(json(bad).get("field").asText()).as(query).isEqualTo(query.split("=")[0]);
        }
        assertThat(app.get("/api/alerts", null).statusCode()).isEqualTo(401);
    }
}
