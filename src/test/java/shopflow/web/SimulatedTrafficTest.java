package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import shopflow.simulate.TrafficSimulator;

/**
 * The demo's simulated shoppers through the real API: sessions that browse, cart, start checkout
 * and order in the same session, or abandon, so every stage of the funnel moves on a live demo; and
 * its warehouse restocking a row that fell to its reorder level.
 */
class SimulatedTrafficTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static TrafficSimulator.Summary summary;

    @BeforeAll
    static void simulate() throws InterruptedException {
        // The fixture's mug: plenty in Bristol, so no order is refused for stock; none in Leeds, under its
        // reorder level of 10 with no sales to size a reorder: the warehouse brings it to twice the level.
        app.sql("insert into inventory (product_id, warehouse, quantity, reorder_level) values"
                + " (201, 'Bristol', 100000, 10), (201, 'Leeds', 0, 10)");
        StringWriter log = new StringWriter();
        // The fixture has no orders in the last weeks: the pace's floor, sped up past the ceiling of 80
        // steps a second, so restocks' lead times (2 to 10 shop days) take under a second.
        summary = new TrafficSimulator(URI.create(app.url("")), app.admin, 7, new PrintWriter(log))
                .run(1_000_000, 80, Duration.ofSeconds(5));
    }

    private static long count(String sql) {
        try (Connection c = app.database.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Test
    void every_simulated_order_comes_from_a_session_that_started_checkout() {
        assertThat(summary.failed()).isZero();
        assertThat(summary.ordersPlaced()).isPositive();
        assertThat(count("select count(*) from orders where session_id like 'sim-%'")).isEqualTo(summary.ordersPlaced());
        assertThat(count("select count(*) from orders o where session_id like 'sim-%' and (not exists ("
                + " select 1 from cart_events e where e.session_id = o.session_id and e.action = 'begin_checkout')"
                + " or not exists (select 1 from page_views v where v.session_id = o.session_id and v.page_url = '/checkout'))"))
                .isZero();
        // what each order holds is what its session put in the cart
        assertThat(count("select count(*) from order_items i join orders o using (order_id) where o.session_id like 'sim-%'"
                + " and i.quantity <> (select sum(e.quantity) from cart_events e where e.session_id = o.session_id"
                + " and e.action = 'add' and e.product_id = i.product_id)")).isZero();
        assertThat(count("select count(*) from order_items i join orders o using (order_id) where o.session_id like 'sim-%'"))
                .isPositive();
    }

    @Test
    void the_warehouse_restocks_the_row_at_its_reorder_level_once() {
        assertThat(summary.restocks()).isEqualTo(1);
        assertThat(count("select count(*) from stock_movements where reason = 'restock'")).isEqualTo(1);
        assertThat(count("select quantity from stock_movements where reason = 'restock' and product_id = 201"
                + " and warehouse = 'Leeds'")).isEqualTo(20);
        // shipments take from the best stocked row, Bristol: Leeds holds what arrived
        assertThat(count("select quantity from inventory where product_id = 201 and warehouse = 'Leeds'")).isEqualTo(20);
    }

    @Test
    void some_sessions_abandon_at_checkout() {
        long started = count("select count(distinct session_id) from cart_events where action = 'begin_checkout'"
                + " and session_id like 'sim-%'");
        long abandoned = count("select count(distinct session_id) from cart_events e where action = 'begin_checkout'"
                + " and session_id like 'sim-%' and not exists (select 1 from orders o where o.session_id = e.session_id)");
        assertThat(abandoned).isPositive().isLessThan(started);
    }

    @Test
    void the_funnel_shows_the_checkouts_and_the_orders() throws Exception {
        JsonNode rows = new ObjectMapper().readTree(app.get("/api/reports/conversion_funnel?days=1", app.viewer).body())
                .get("rows");
        // stage 4 checkout started, 5 order; today's sessions are the simulator's
        long checkouts = rows.get(3).get("sessions").asLong();
        long orders = rows.get(4).get("sessions").asLong();
        assertThat(orders).isPositive().isLessThan(checkouts);
        assertThat(checkouts).isEqualTo(count("select count(distinct session_id) from cart_events"
                + " where action = 'begin_checkout' and session_id like 'sim-%'"));
        assertThat(orders).isEqualTo(summary.ordersPlaced());
    }
}
