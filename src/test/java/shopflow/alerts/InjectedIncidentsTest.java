package shopflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

/** inject_alert_incidents() on a small hand-made shop: what each incident writes, and its ground truth. */
class InjectedIncidentsTest {

    @Test
    void the_four_incidents_are_written_through_the_tables_and_recorded_apart() throws SQLException {
        try (Database database = TestDatabases.fresh(); Connection c = database.connection();
                Statement s = c.createStatement()) {
            s.execute("insert into categories (category_id, name, slug) values (1, 'Shoes', 'shoes')");
            s.execute("insert into customers (customer_id, email, signup_date) select i, 'c' || i || '@example.com',"
                    + " timestamptz '2025-01-01 00:00Z' from generate_series(1, 10) i");
            s.execute("insert into products (product_id, sku, name, category_id, cost_price, list_price)"
                    + " values (1, 'SKU-1', 'Boot', 1, 5, 10)");
            // one order in the outage (Sun 1 Nov 12:30 GMT), one in the pricing error (Sun 8 Nov 14:30)
            s.execute("insert into orders (customer_id, order_number, status, subtotal, total_amount, created_at)"
                    + " values (1, 'ORD-1', 'pending', 20, 20, '2026-11-01 12:30Z'),"
                    + " (2, 'ORD-2', 'pending', 20, 20, '2026-11-08 14:30Z')"); // order ids 1 and 2
            s.execute("insert into order_items (order_id, product_id, quantity, unit_price, line_total)"
                    + " values (1, 1, 2, 10, 20), (2, 1, 2, 10, 20)");
            s.execute("insert into order_status_changes (order_id, from_status, to_status, changed_at)"
                    + " select order_id, null, status, created_at from orders");
            // five page views in the bot wave's hours a week before (Sun 8 Nov 10:00-13:00)
            s.execute("insert into page_views (session_id, page_url, viewed_at) select 's' || i, '/',"
                    + " timestamptz '2026-11-08 10:00Z' + i * interval '30 minutes' from generate_series(0, 4) i");

            assertThat(rows(s, "select kind || ' ' || starts_at || ' ' || ends_at from inject_alert_incidents("
                    + "'2026-12-04 23:44Z') order by starts_at")).containsExactly(
                    "checkout_outage 2026-11-01 12:00:00+00 2026-11-01 14:00:00+00",
                    "pricing_error 2026-11-08 14:00:00+00 2026-11-08 17:00:00+00",
                    "bot_wave 2026-11-15 10:00:00+00 2026-11-15 13:00:00+00",
                    "fraud_wave 2026-11-22 15:00:00+00 2026-11-22 16:00:00+00");
            assertThat(rows(s, "select count(*) from generator.incident_ground_truth")).containsExactly("4");
            assertThat(rows(s, "select order_id from orders where order_id in (1, 2)")).containsExactly("2");
            assertThat(rows(s, "select unit_price || ' ' || line_total from order_items")).containsExactly("30.00 60.00");
            assertThat(rows(s, "select count(*) || ' ' || min(viewed_at) from page_views where session_id like 'bot-%'"))
                    .containsExactly("10 2026-11-15 10:00:00+00");
            assertThat(rows(s, "select count(*) || ' ' || count(distinct customer_id) || ' ' || max(created_at)"
                    + " from orders where order_number like 'FRAUD-WAVE-%'"))
                    .containsExactly("48 8 2026-11-22 15:41:00+00");
            // through the rollups, as the alerts read them: each customer's 4th, 5th and 6th order in the hour is a burst
            assertThat(rows(s, "select kpi || ' ' || value from alert_kpi_values('hour', array['2026-11-22 15:00Z'"
                    + "::timestamptz]) where kpi in ('fraud_flags', 'orders') order by kpi"))
                    .containsExactly("fraud_flags 24", "orders 48");
        }
    }

    private static List<String> rows(Statement s, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        }
        return rows;
    }
}
