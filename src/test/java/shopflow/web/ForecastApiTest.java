package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.web.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /api/forecast: a flat shop forecasts flat, the month-end adds up; too little history says so; bad input is named. */
class ForecastApiTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    @Test
    void too_little_history_gives_the_reason_instead_of_numbers() {
        // the fixture's shop has a few orders on a few days
        JsonNode body = json(app.get("/api/forecast?as_of=2026-06-30T12:00", app.viewer));
        assertThat(body.get("days")).isEmpty();
        assertThat(body.get("month_end").isNull()).isTrue();
        assertThat(body.get("reason").asText()).startsWith("too little history to forecast: ");
    }

    @Test
    void a_flat_shop_forecasts_flat_and_projects_the_month_end_from_its_complete_days() {
        // GBP 100 of net sales every day from October 2026 to 14 March 2027 (after the fixture's orders), in
        // the sales rollup (the series steps by local days: 10:00 or 11:00 GMT)
        app.sql("""
                insert into rollups.sales_hours_pending (hour, orders, gross_sales, discounts, shipping, taxes)
                select d + interval '10 hours', 1, 100, 0, 0, 0
                from generate_series(timestamptz '2026-10-01 00:00Z', timestamptz '2027-03-14 12:00Z', interval '1 day') d""");
        JsonNode body = json(app.get("/api/forecast?as_of=2027-03-15T09:00&days=3&interval=0.9", app.viewer));
        assertThat(body.get("reason").isNull()).isTrue();
        assertThat(body.get("from").asText()).isEqualTo("2027-03-15");
        assertThat(body.get("days")).hasSize(3);
        assertThat(body.get("days").get(0).get("expected").decimalValue()).isEqualByComparingTo("100.00");
        assertThat(body.get("days").get(2).get("high").decimalValue()).isEqualByComparingTo("100.00");
        // 14 complete days of March at 100, and 17 days left (15th to 31st) forecast at 100
        assertThat(body.get("month_end").get("to_date").decimalValue()).isEqualByComparingTo("1400.00");
        assertThat(body.get("month_end").get("projected").decimalValue()).isEqualByComparingTo("3100.00");
    }

    @Test
    void an_interval_outside_zero_to_one_or_bad_days_are_a_400_naming_them() {
        for (String query : new String[] {"interval=1", "interval=0", "interval=high", "days=0", "days=400", "as_of=soon",
            "colour=red"}) {
            HttpResponse<String> bad = app.get("/api/forecast?" + query, app.viewer);
            assertThat(bad.statusCode()).as(query).isEqualTo(400);
            assertThat(json(bad).get("field").asText()).as(query).isEqualTo(query.split("=")[0]);
        }
    }
}
