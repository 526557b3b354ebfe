package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shop's pace that the simulator follows, from a known history: what happened in the hour of the
 * week of as_of in each of the 4 weeks before, averaged; nothing from other hours, other weeks or as_of's own.
 */
class ShopPaceTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** as_of Wednesday 2026-03-11 14:20 (London, GMT): the hours are 14:00-15:00 on 4 March, 25, 18 and 11 February. */
    @BeforeAll
    static void history() {
        app.sql("""
                insert into orders (order_id, customer_id, order_number, status, subtotal, total_amount, created_at) values
                    (101, 1, 'P-101', 'pending', 1, 1, '2026-03-04 14:05 Europe/London'),  -- in
                    (102, 2, 'P-102', 'pending', 1, 1, '2026-03-04 14:59:59 Europe/London'), -- in
                    (103, 3, 'P-103', 'pending', 1, 1, '2026-02-25 14:30 Europe/London'),  -- in
                    (104, 1, 'P-104', 'pending', 1, 1, '2026-02-18 14:00 Europe/London'),  -- in: the hour's start
                    (105, 2, 'P-105', 'pending', 1, 1, '2026-02-11 14:45 Europe/London'),  -- in
                    (106, 3, 'P-106', 'pending', 1, 1, '2026-02-11 15:00 Europe/London'),  -- out: the next hour
                    (107, 1, 'P-107', 'pending', 1, 1, '2026-02-11 13:59 Europe/London'),  -- out: the hour before
                    (108, 2, 'P-108', 'pending', 1, 1, '2026-02-04 14:30 Europe/London'),  -- out: 5 weeks back
                    (109, 3, 'P-109', 'pending', 1, 1, '2026-03-11 14:10 Europe/London'),  -- out: as_of's own week
                    (110, 1, 'P-110', 'pending', 1, 1, '2026-03-05 14:30 Europe/London'),  -- out: a Thursday (in below)
                    -- across the clock change (29 March): Thursdays 19 March (GMT) and 26 March (BST), 14:30 local
                    (111, 2, 'P-111', 'pending', 1, 1, '2026-03-19 14:30 Europe/London'),
                    (112, 3, 'P-112', 'pending', 1, 1, '2026-03-26 14:30 Europe/London');
                insert into order_status_changes (order_id, from_status, to_status, changed_at) values
                    (101, null, 'pending', '2026-03-04 14:05 Europe/London'),        -- a placement: not a move
                    (101, 'pending', 'processing', '2026-03-04 14:50 Europe/London'), -- in
                    (103, 'pending', 'processing', '2026-02-25 14:40 Europe/London'), -- in
                    (104, 'pending', 'cancelled', '2026-02-18 14:10 Europe/London'),  -- in
                    (102, 'pending', 'processing', '2026-03-04 15:10 Europe/London'); -- out
                insert into page_views (session_id, page_url, viewed_at) values
                    ('s1', '/', '2026-03-04 14:10 Europe/London'),
                    ('s1', '/deals', '2026-03-04 14:20 Europe/London'),  -- the same session: once
                    ('s2', '/', '2026-02-25 14:40 Europe/London'),
                    ('s3', '/', '2026-02-18 14:59 Europe/London'),
                    ('s4', '/', '2026-02-04 14:30 Europe/London'),      -- out: 5 weeks back
                    ('s5', '/', '2026-03-11 14:05 Europe/London');      -- out: as_of's own week
                """);
    }

    private static JsonNode pace(String query) throws Exception {
        HttpResponse<String> response = app.get("/api/catalog/pace" + query, app.viewer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void the_same_hour_of_the_week_over_the_last_four_weeks() throws Exception {
        JsonNode pace = pace("?as_of=2026-03-11T14:20");
        assertThat(pace.get("weeks").asInt()).isEqualTo(4);
        assertThat(pace.get("orders_per_hour").decimalValue()).isEqualByComparingTo("1.25");         // 5 / 4
        assertThat(pace.get("status_changes_per_hour").decimalValue()).isEqualByComparingTo("0.75"); // 3 / 4
        assertThat(pace.get("sessions_per_hour").decimalValue()).isEqualByComparingTo("0.75");       // 3 / 4
    }

    @Test
    void a_week_back_is_the_same_local_hour_across_a_clock_change() throws Exception {
        // Thursday 2 April 14:20 BST: 26 March (BST), 19 and 5 March (GMT), each at 14:30 local
        JsonNode pace = pace("?as_of=2026-04-02T14:20");
        assertThat(pace.get("orders_per_hour").decimalValue()).isEqualByComparingTo("0.75");
        assertThat(pace.get("sessions_per_hour").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void bad_input_is_refused() {
        HttpResponse<String> bad = app.get("/api/catalog/pace?as_of=yesterday", app.viewer);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("as_of");
        HttpResponse<String> unknown = app.get("/api/catalog/pace?hour=14", app.viewer);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("hour");
        assertThat(app.get("/api/catalog/pace", null).statusCode()).isEqualTo(401);
    }
}
