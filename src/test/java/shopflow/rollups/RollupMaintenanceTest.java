package shopflow.rollups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

/** The rollups after small hand-made writes, with the expected rows worked out by hand. */
class RollupMaintenanceTest {

    private static Database database;

    @BeforeAll
    static void createShop() throws SQLException {
        database = TestDatabases.fresh();
        try (Connection c = database.connection()) {
            Writes.shop(c, 3, 2);
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @BeforeEach
    void noOrders() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.execute(c, "truncate orders cascade"); // its trigger empties the rollup too
        }
    }

    private static OffsetDateTime at(String local) {
        return OffsetDateTime.parse(local + "+01:00"); // June: British Summer Time
    }

    /** The rollup as "day status orders revenue" lines, folded and pending rows summed by key. */
    private static String rollup(Connection c) throws SQLException {
        return (String) Writes.value(c, "select coalesce(string_agg(to_char(day, 'MM-DD')"
                + " || ' ' || status || ' ' || orders || ' ' || revenue, ', ' order by day, status), '')"
                + " from (select day, status, sum(orders) as orders, sum(revenue) as revenue"
                + " from rollups.order_days group by day, status) as rollup");
    }

    @Test
    void placed_orders_are_counted_in_their_shop_day_and_status() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.order(c, 1, at("2026-06-30T00:00"), "pending", new BigDecimal("10.00"));
            // 22:59:59 UTC, still 30 June in London; the next order is 1 July in London, 30 June in UTC
            Writes.order(c, 2, at("2026-06-30T23:59:59.999999"), "pending", new BigDecimal("20.50"));
            Writes.order(c, 3, at("2026-07-01T00:00"), "delivered", new BigDecimal("5.25"));

            assertThat(rollup(c)).isEqualTo("06-30 pending 2 30.50, 07-01 delivered 1 5.25");
        }
    }

    @Test
    void a_status_change_moves_the_order_between_statuses() throws SQLException {
        try (Connection c = database.connection()) {
            int first = Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("10.00"));
            Writes.order(c, 2, at("2026-06-30T10:45"), "pending", new BigDecimal("20.00"));

            Writes.status(c, first, "cancelled");

            assertThat(rollup(c)).isEqualTo("06-30 cancelled 1 10.00, 06-30 pending 1 20.00");
        }
    }

    @Test
    void folding_moves_pending_changes_into_one_row_per_key_without_changing_the_figures() throws SQLException {
        try (Connection c = database.connection()) {
            int first = Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("10.00"));
            Writes.order(c, 2, at("2026-06-30T10:45"), "pending", new BigDecimal("20.00"));
            Writes.status(c, first, "cancelled");
            assertThat(Writes.value(c, "select count(*) from rollups.order_days_pending")).isEqualTo(4L);

            Writes.execute(c, "select fold_rollups()");

            assertThat(Writes.value(c, "select count(*) from rollups.order_days_pending")).isEqualTo(0L);
            assertThat(Writes.value(c, "select string_agg(status || ' ' || orders || ' ' || revenue, ', '"
                    + " order by status) from rollups.order_days_folded"))
                    .isEqualTo("cancelled 1 10.00, pending 1 20.00");
            assertThat(rollup(c)).isEqualTo("06-30 cancelled 1 10.00, 06-30 pending 1 20.00");
        }
    }

    @Test
    void one_statement_changing_many_orders_moves_each_of_them() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("10.00"));
            Writes.order(c, 2, at("2026-07-01T12:45"), "processing", new BigDecimal("20.00"));
            Writes.order(c, 3, at("2026-07-01T12:50"), "shipped", new BigDecimal("1.00"));

            Writes.execute(c, "update orders set status = 'cancelled' where status in ('pending', 'processing')");

            assertThat(rollup(c)).isEqualTo("06-30 cancelled 1 10.00, 06-30 pending 0 0.00,"
                    + " 07-01 cancelled 1 20.00, 07-01 processing 0 0.00, 07-01 shipped 1 1.00");
        }
    }

    @Test
    void a_deleted_order_leaves_the_rollup() throws SQLException {
        try (Connection c = database.connection()) {
            int order = Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("10.00"));
            Writes.order(c, 1, at("2026-06-30T10:20"), "pending", new BigDecimal("3.00"));

            Writes.execute(c, "delete from order_status_changes where order_id = " + order); // its history first
            Writes.execute(c, "delete from orders where order_id = " + order);

            assertThat(rollup(c)).isEqualTo("06-30 pending 1 3.00");
        }
    }

    @Test
    void a_failing_statement_after_the_rollup_update_rolls_back_order_and_rollup_together() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("10.00"));
            c.setAutoCommit(false);
            int order = Writes.order(c, 2, at("2026-06-30T10:30"), "pending", new BigDecimal("99.00"));
            Writes.status(c, order, "processing");
            assertThat(rollup(c)).isEqualTo("06-30 pending 1 10.00, 06-30 processing 1 99.00");

            assertThatThrownBy(() -> Writes.order(c, 3, at("2026-06-30T10:40"), "pending", new BigDecimal("-1")))
                    .hasMessageContaining("violates check constraint");
            c.rollback();
            c.setAutoCommit(true);

            assertThat(Writes.value(c, "select count(*) from orders")).isEqualTo(1L);
            assertThat(rollup(c)).isEqualTo("06-30 pending 1 10.00");
        }
    }

    @Test
    void a_statement_failing_on_one_row_changes_neither_the_orders_nor_the_rollup() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("10.00"));
            Writes.order(c, 2, at("2026-07-01T11:15"), "pending", new BigDecimal("20.00"));

            assertThatThrownBy(() -> Writes.execute(c, "update orders set status = 'lost' where customer_id = 2"))
                    .hasMessageContaining("cannot become lost");

            assertThat(rollup(c)).isEqualTo("06-30 pending 1 10.00, 07-01 pending 1 20.00");
        }
    }

    @Test
    void rebuilding_catches_up_with_writes_made_while_maintenance_was_suspended() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("10.00"));
            Writes.execute(c, "select suspend_rollups()");
            try {
                Writes.order(c, 2, at("2026-07-01T11:15"), "delivered", new BigDecimal("20.00"));
                assertThat(rollup(c)).isEqualTo("06-30 pending 1 10.00");
            } finally {
                Rollups.rebuild(database.dataSource());
            }

            assertThat(rollup(c)).isEqualTo("06-30 pending 1 10.00, 07-01 delivered 1 20.00");
            Writes.order(c, 3, at("2026-07-01T11:30"), "delivered", new BigDecimal("1.00"));
            assertThat(rollup(c)).isEqualTo("06-30 pending 1 10.00, 07-01 delivered 2 21.00");
        }
    }

    /**
     * The product rollups over all days as "product units gross_sales orders basket_orders returned_units
     * returns" and "pair orders" lines, and the basket total.
     */
    private static String products(Connection c) throws SQLException {
        return Writes.value(c, "select coalesce(string_agg(concat_ws(' ', product_id, units, gross_sales, orders,"
                + " basket_orders, returned_units, returns), ', ' order by product_id), '') from (select product_id,"
                + " sum(units) as units, sum(gross_sales) as gross_sales, sum(orders) as orders,"
                + " sum(basket_orders) as basket_orders, sum(returned_units) as returned_units, sum(returns) as returns"
                + " from rollups.product_days group by product_id) as sales")
                + " | " + Writes.value(c, "select coalesce(string_agg(product_1_id || '+' || product_2_id || ' ' || orders,"
                + " ', ' order by product_1_id, product_2_id), '') from (select product_1_id, product_2_id,"
                + " sum(orders) as orders from rollups.pair_days group by 1, 2) as pairs")
                + " | " + Writes.value(c, "select coalesce(sum(orders), 0) from rollups.basket_days");
    }

    @Test
    void order_lines_count_each_product_and_pair_once_per_order_and_a_cancellation_is_a_return() throws SQLException {
        try (Connection c = database.connection()) {
            int first = Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("34.00"));
            Writes.line(c, first, 1, 2); // 2 x 11.00, into an order without lines
            Writes.line(c, first, 2, 1); // 1 x 12.00, into an order with lines: a new pair
            int second = Writes.order(c, 2, at("2026-06-30T11:00"), "delivered", new BigDecimal("44.00"));
            Writes.line(c, second, 1, 1);
            Writes.line(c, second, 1, 3); // the same product again: units and sales, not another order

            assertThat(products(c)).isEqualTo("1 6 66.00 2 2 0 0.00, 2 1 12.00 1 1 0 0.00 | 1+2 1 | 2");

            Writes.execute(c, "select fold_rollups()");
            assertThat(Writes.value(c, "select count(*) from rollups.product_days_pending")).isEqualTo(0L);
            assertThat(Writes.value(c, "select count(*) from rollups.pair_days_folded")).isEqualTo(1L);
            assertThat(products(c)).isEqualTo("1 6 66.00 2 2 0 0.00, 2 1 12.00 1 1 0 0.00 | 1+2 1 | 2");

            // the sales stay on their day; the cancellation returns them on its own, and leaves the baskets
            Writes.status(c, first, "cancelled");
            assertThat(products(c)).isEqualTo("1 6 66.00 2 1 2 22.00, 2 1 12.00 1 0 1 12.00 | 1+2 0 | 1");

            Writes.execute(c, "delete from order_items where order_id = " + second + " and quantity = 3");
            Writes.execute(c, "select fold_rollups()");
            assertThat(products(c)).isEqualTo("1 3 33.00 2 1 2 22.00, 2 1 12.00 1 0 1 12.00 | 1+2 0 | 1");
        }
    }

    @Test
    void truncating_the_orders_empties_their_rollup() throws SQLException {
        try (Connection c = database.connection()) {
            int order = Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("10.00"));
            Writes.line(c, order, 1, 1);
            Writes.execute(c, "select fold_rollups()");
            Writes.line(c, order, 2, 1);
            assertThat(products(c)).isEqualTo("1 1 11.00 1 1 0 0.00, 2 1 12.00 1 1 0 0.00 | 1+2 1 | 1");
            Writes.execute(c, "truncate orders cascade");
            assertThat(Writes.value(c, "select count(*) from orders")).isEqualTo(0L);

            assertThat(rollup(c)).isEmpty();
            assertThat(products(c)).isEqualTo(" |  | 0");
        }
    }

    @Test
    void verify_names_the_report_and_row_of_a_rollup_out_of_step_and_refresh_repairs_it() throws SQLException {
        OffsetDateTime asOf = at("2026-07-01T18:00");
        try (Connection c = database.connection()) {
            Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("10.00"));
            RollupVerifier verifier = new RollupVerifier(database.dataSource());
            assertThat(verifier.verify(asOf)).isEmpty();

            Writes.execute(c, "insert into rollups.order_days_pending values ('2026-06-30', 'pending', 0, 1)");

            assertThat(verifier.compare("daily_revenue", asOf, Map.of("days", "3")))
                    .hasValueSatisfying(drift -> assertThat(drift.describe()).isEqualTo(
                            "report daily_revenue {days=3} as of 2026-07-01T18:00+01:00: row 2, column revenue:"
                                    + " rollups say 11.00, reference SQL says 10.00"));
            assertThat(verifier.verify(asOf)).extracting(Drift::report)
                    .containsExactly("daily_revenue", "revenue_summary");

            Rollups.rebuild(database.dataSource());
            assertThat(verifier.verify(asOf)).isEmpty();
        }
    }
}
