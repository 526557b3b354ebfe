package shopflow.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

/**
 * Alerts on a hand-made series of orders per shop hour (written straight into the sales rollup
 * the alerts read), nine weeks of British Summer Time: 30 orders an hour from 08:00 to 22:00
 * (31 and 29 in turn, so the baseline has a spread), 2 an hour at night, each order GBP 50. In
 * the last week, Monday 29 June 2026 has a dip (3 orders from 11:00) and a spike (57 from 14:00),
 * the day's total unchanged; Wednesday night has 6 orders from 03:00 and none from 04:00 and 05:00.
 * Tuesday 7 July, after the series, has real orders in two hours (one test).
 */
class AlertsTest {

    private static final OffsetDateTime FIRST_HOUR = OffsetDateTime.parse("2026-05-04T00:00+01:00");
    private static final OffsetDateTime LAST_WEEK = OffsetDateTime.parse("2026-06-29T00:00+01:00");
    private static final OffsetDateTime END = OffsetDateTime.parse("2026-07-06T00:00+01:00");
    private static Database database;

    @BeforeAll
    static void series() throws SQLException {
        database = TestDatabases.fresh();
        try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement("""
                insert into rollups.sales_hours_pending (hour, orders, gross_sales, discounts, shipping, taxes)
                select hour, orders, orders * 50, 0, 0, 0
                from (select hour, case hour
                        when '2026-06-29 11:00+01' then 3
                        when '2026-06-29 14:00+01' then 57
                        when '2026-07-01 03:00+01' then 6
                        when '2026-07-01 04:00+01' then 0
                        when '2026-07-01 05:00+01' then 0
                        else case when extract(hour from hour at time zone 'Europe/London') between 8 and 21
                                  then 30 + case when (extract(hour from hour at time zone 'Europe/London')::int
                                                       + (extract(epoch from hour - ?) / 604800)::int) % 2 = 0
                                                 then 1 else -1 end
                                  else 2 end
                      end as orders
                      from generate_series(?::timestamptz, ?::timestamptz - interval '1 hour', interval '1 hour') as hour) h
                """)) {
            s.setObject(1, FIRST_HOUR);
            s.setObject(2, FIRST_HOUR);
            s.setObject(3, END);
            s.executeUpdate();
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void a_series_with_one_spike_and_one_dip_finds_both_and_nothing_else() throws SQLException {
        List<String> hours = alerting("hour");
        assertThat(hours).containsExactly(
                "orders 2026-06-29T10:00Z down observed 3 expected 30 warning",
                "orders 2026-06-29T13:00Z up observed 57 expected 30 warning");
        assertThat(alerting("day")).as("the day's total did not change").isEmpty();
    }

    @Test
    void a_quiet_night_below_the_minimum_volume_raises_nothing() throws SQLException {
        try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement("""
                select window_start, observed, expected, severity from alert_evaluations('hour', ?, ?)
                where kpi = 'orders' order by window_start""")) {
            s.setObject(1, OffsetDateTime.parse("2026-07-01T03:00+01:00"));
            s.setObject(2, OffsetDateTime.parse("2026-07-01T06:00+01:00"));
            List<String> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(r.getObject(1, OffsetDateTime.class).toInstant() + " " + r.getBigDecimal(2).stripTrailingZeros()
                            .toPlainString() + " vs " + r.getBigDecimal(3).stripTrailingZeros().toPlainString() + " "
                            + r.getString(4));
                }
            }
            // three times and none of the usual 2 orders: below the 10 an hour it takes to judge an hour
            assertThat(rows).containsExactly("2026-07-01T02:00:00Z 6 vs 2 null", "2026-07-01T03:00:00Z 0 vs 2 null",
                    "2026-07-01T04:00:00Z 0 vs 2 null");
        }
    }

    @Test
    void the_server_raises_each_alert_once_a_minute_after_its_window_and_says_it_in_words() {
        Alerts alerts = new Alerts(database.dataSource());
        // the hours ended 12:01 to 15:00 were not judged yet: the spike's hour among them, not the dip's
        List<Alert> raised = alerts.evaluate(OffsetDateTime.parse("2026-06-29T15:01+01:00"));
        assertThat(raised).extracting(Alert::kpi, Alert::direction).containsExactly(
                tuple("orders", "up"));
        Alert spike = raised.get(0);
        assertThat(spike.message()).isEqualTo("Orders from 14:00 to 15:00 on Mon 29 Jun 2026 rose: 57 against about 30"
                + " usually (the same hour of the last 8 weeks), 90 % higher.");
        assertThat(spike.observed()).isEqualByComparingTo("57");
        assertThat(spike.expected()).isEqualByComparingTo("30");
        assertThat(spike.score()).isEqualByComparingTo(new BigDecimal("4.93")); // 27 / sqrt(30)
        assertThat(alerts.evaluate(OffsetDateTime.parse("2026-06-29T15:02+01:00"))).as("judged once").isEmpty();
        assertThat(alerts.list(null, null, 50)).extracting(Alert::alertId).containsExactly(spike.alertId());
        assertThat(alerts.list("orders", LAST_WEEK, 50)).hasSize(1);
        assertThat(alerts.list("net_sales", null, 50)).isEmpty();
    }

    @Test
    void a_rise_in_sales_that_one_order_makes_raises_nothing_one_in_every_order_does() throws SQLException {
        // Tuesday 7 July, after the series (30 orders of GBP 50 an hour usually): at 16:00 29 orders of
        // GBP 50 and one of GBP 4,000 (a bulk buy); at 18:00 30 orders of GBP 150 (a pricing error)
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute("insert into categories (category_id, name, slug) values (1, 'Shoes', 'shoes')");
            s.execute("insert into customers (customer_id, email, signup_date) values (1, 'c1@example.com',"
                    + " '2025-01-01 00:00Z')");
            s.execute("insert into products (product_id, sku, name, category_id, cost_price, list_price)"
                    + " values (1, 'SKU-1', 'Boot', 1, 5, 50)");
            s.execute("""
                    insert into orders (customer_id, order_number, status, subtotal, total_amount, created_at)
                    select 1, 'ORD-' || hour || '-' || i, 'pending', amount, amount,
                           timestamptz '2026-07-07 00:00+01' + make_interval(hours => hour, mins => i)
                    from (select 16 as hour, i, case when i = 0 then 4000 else 50 end as amount
                          from generate_series(0, 29) as i
                          union all
                          select 18, i, 150 from generate_series(0, 29) as i) as o""");
            s.execute("insert into order_items (order_id, product_id, quantity, unit_price, line_total)"
                    + " select order_id, 1, 1, subtotal, subtotal from orders");
            s.execute("insert into order_status_changes (order_id, from_status, to_status, changed_at)"
                    + " select order_id, null, status, created_at from orders");
        }
        List<String> judged = new ArrayList<>();
        try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement("""
                select kpi, window_start, round(observed, 2), round(expected, 2), severity from alert_evaluations('hour', ?, ?)
                where kpi in ('net_sales', 'average_order_value')
                  and window_start in ('2026-07-07 16:00+01', '2026-07-07 18:00+01')
                order by window_start, kpi""")) {
            s.setObject(1, OffsetDateTime.parse("2026-07-07T16:00+01:00"));
            s.setObject(2, OffsetDateTime.parse("2026-07-07T19:00+01:00"));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    judged.add(r.getString(1) + " " + r.getObject(2, OffsetDateTime.class).toInstant() + " "
                            + r.getBigDecimal(3).stripTrailingZeros().toPlainString() + " vs "
                            + r.getBigDecimal(4).stripTrailingZeros().toPlainString() + " " + r.getString(5));
                }
            }
        }
        // without the GBP 4,000 order 16:00 is a usual hour (GBP 1,450, GBP 50 an order); 18:00 is
        // GBP 4,350 and GBP 150 an order without its largest. (Expected net sales: GBP 1,500 scaled to
        // the 7 days before, of which the series fills 6.)
        assertThat(judged).containsExactly(
                "average_order_value 2026-07-07T15:00:00Z 181.67 vs 50 null",
                "net_sales 2026-07-07T15:00:00Z 5450 vs 1285.71 null",
                "average_order_value 2026-07-07T17:00:00Z 150 vs 50 warning",
                "net_sales 2026-07-07T17:00:00Z 4500 vs 1285.71 warning");
    }

    @Test
    void an_unknown_kpi_or_a_limit_out_of_range_is_refused_by_name() {
        Alerts alerts = new Alerts(database.dataSource());
        assertThatThrownBy(() -> alerts.list("orderz", null, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown KPI 'orderz'; alerts watch add_to_cart_rate, average_order_value,"
                        + " checkout_abandonment, conversion_rate, fraud_flags, ingested_events, net_sales, orders");
        assertThatThrownBy(() -> alerts.list(null, null, 0)).hasMessage("limit must be between 1 and 10000, not 0");
    }

    @Test
    void black_friday_to_cyber_monday_is_the_planned_peak() throws SQLException {
        try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement(
                "select d, alert_sales_peak(d) from unnest(?::date[]) as d order by d")) {
            s.setString(1, "{2025-11-27,2025-11-28,2025-12-01,2025-12-02,2026-11-26,2026-11-27,2026-11-30,2026-12-01}");
            List<String> peak = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (r.getBoolean(2)) {
                        peak.add(r.getString(1));
                    }
                }
            }
            // Thanksgiving is the fourth Thursday: 27 November 2025, 26 November 2026
            assertThat(peak).containsExactly("2025-11-28", "2025-12-01", "2026-11-27", "2026-11-30");
        }
    }

    /** The alerts alert_evaluations() finds over the last week, one line each. */
    private static List<String> alerting(String grain) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement("""
                select kpi, window_start, direction, observed, expected, severity
                from alert_evaluations(?, ?, ?) where severity is not null order by window_start, kpi""")) {
            s.setString(1, grain);
            s.setObject(2, LAST_WEEK);
            s.setObject(3, END);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.add(r.getString(1) + " " + r.getObject(2, OffsetDateTime.class).toInstant().toString()
                            .replace(":00Z", "Z") + " " + r.getString(3) + " observed "
                            + r.getBigDecimal(4).stripTrailingZeros().toPlainString() + " expected "
                            + r.getBigDecimal(5).stripTrailingZeros().toPlainString() + " " + r.getString(6));
                }
            }
        }
        return found;
    }
}
