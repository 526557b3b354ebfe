package shopflow.rollups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import shopflow.Main;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.reports.ReportCatalog;

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

    /**
     * The day rollups, folded and pending rows summed by day, rows of zeros left out: "sales: day orders
     * gross_sales discounts shipping taxes, ... | returns: day orders returns shipping taxes, ...".
     */
    private static String rollup(Connection c) throws SQLException {
        return "sales: " + Writes.value(c, "select coalesce(string_agg(to_char(day, 'MM-DD') || ' ' || orders || ' '"
                + " || gross_sales || ' ' || discounts || ' ' || shipping || ' ' || taxes, ', ' order by day), '')"
                + " from (select day, sum(orders) as orders, sum(gross_sales) as gross_sales, sum(discounts) as discounts,"
                + " sum(shipping) as shipping, sum(taxes) as taxes from rollups.sales_days group by day) as rollup"
                + " where (orders, gross_sales, discounts, shipping, taxes) <> (0, 0, 0, 0, 0)")
                + " | returns: " + Writes.value(c, "select coalesce(string_agg(to_char(day, 'MM-DD') || ' ' || orders"
                + " || ' ' || returns || ' ' || shipping || ' ' || taxes, ', ' order by day), '')"
                + " from (select day, sum(orders) as orders, sum(returns) as returns, sum(shipping) as shipping,"
                + " sum(taxes) as taxes from rollups.return_days group by day) as rollup"
                + " where (orders, returns, shipping, taxes) <> (0, 0, 0, 0)");
    }

    /** Cancels an order at a given moment, its history row and all, as order_transition would then. */
    private static void cancel(Connection c, int order, OffsetDateTime at) throws SQLException {
        Writes.execute(c, "insert into order_status_changes (order_id, from_status, to_status, changed_at)"
                + " select order_id, status, 'cancelled', timestamptz '" + at + "' from orders where order_id = " + order);
        Writes.execute(c, "update orders set status = 'cancelled' where order_id = " + order);
    }

    // Products: 1 at 11.00, 2 at 12.00 (Writes.shop); Writes.line prices a line at list price.

    @Test
    void placed_orders_are_counted_on_their_shop_day() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.line(c, Writes.order(c, 1, at("2026-06-30T00:00"), "pending", new BigDecimal("22.00")), 1, 2);
            // 22:59:59 UTC, still 30 June in London; the next order is 1 July in London, 30 June in UTC
            Writes.line(c, Writes.order(c, 2, at("2026-06-30T23:59:59.999999"), "pending", new BigDecimal("12.00")), 2, 1);
            Writes.line(c, Writes.order(c, 3, at("2026-07-01T00:00"), "delivered", new BigDecimal("11.00")), 1, 1);

            assertThat(rollup(c)).isEqualTo("sales: 06-30 2 34.00 0.00 0.00 0.00, 07-01 1 11.00 0.00 0.00 0.00 | returns: ");
        }
    }

    @Test
    void a_cancellation_is_a_return_on_its_own_day_and_leaves_the_sale_on_its_day() throws SQLException {
        try (Connection c = database.connection()) {
            int first = Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("11.00"));
            Writes.line(c, first, 1, 1);
            Writes.line(c, Writes.order(c, 2, at("2026-06-30T10:45"), "pending", new BigDecimal("12.00")), 2, 1);

            cancel(c, first, at("2026-07-02T09:00"));

            assertThat(rollup(c)).isEqualTo("sales: 06-30 2 23.00 0.00 0.00 0.00 | returns: 07-02 1 11.00 0.00 0.00");
        }
    }

    @Test
    void folding_moves_pending_changes_into_one_row_per_key_without_changing_the_figures() throws SQLException {
        try (Connection c = database.connection()) {
            int first = Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("11.00"));
            Writes.line(c, first, 1, 1);
            Writes.line(c, Writes.order(c, 2, at("2026-06-30T10:45"), "pending", new BigDecimal("12.00")), 2, 1);
            cancel(c, first, at("2026-06-30T11:00"));
            // two orders and two lines, each statement its row; one return
            assertThat(Writes.value(c, "select count(*) from rollups.sales_hours_pending")).isEqualTo(4L);
            assertThat(Writes.value(c, "select count(*) from rollups.return_hours_pending")).isEqualTo(1L);

            Writes.execute(c, "select fold_rollups()");

            assertThat(Writes.value(c, "select count(*) from rollups.sales_hours_pending")).isEqualTo(0L);
            assertThat(Writes.value(c, "select orders || ' ' || gross_sales from rollups.sales_days_folded"))
                    .isEqualTo("2 23.00");
            assertThat(Writes.value(c, "select orders || ' ' || returns from rollups.return_days_folded"))
                    .isEqualTo("1 11.00");
            assertThat(rollup(c)).isEqualTo("sales: 06-30 2 23.00 0.00 0.00 0.00 | returns: 06-30 1 11.00 0.00 0.00");
        }
    }

    @Test
    void one_statement_changing_many_orders_changes_each_of_their_sales_and_returns() throws SQLException {
        try (Connection c = database.connection()) {
            int first = Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("11.00"));
            Writes.line(c, first, 1, 1);
            Writes.line(c, Writes.order(c, 2, at("2026-07-01T12:45"), "processing", new BigDecimal("12.00")), 2, 1);
            Writes.line(c, Writes.order(c, 3, at("2026-07-01T12:50"), "shipped", new BigDecimal("11.00")), 1, 1);

            // a batch cancellation on 2 July: one statement for the history, one for the orders
            Writes.execute(c, "insert into order_status_changes (order_id, from_status, to_status, changed_at)"
                    + " select order_id, status, 'cancelled', timestamptz '2026-07-02T09:00+01:00' from orders"
                    + " where status in ('pending', 'processing')");
            Writes.execute(c, "update orders set status = 'cancelled' where status in ('pending', 'processing')");
            assertThat(rollup(c)).isEqualTo("sales: 06-30 1 11.00 0.00 0.00 0.00, 07-01 2 23.00 0.00 0.00 0.00"
                    + " | returns: 07-02 2 23.00 0.00 0.00");

            // shipping, VAT and a coupon set afterwards: on each sale's day, and taken back by each return
            Writes.execute(c, "update orders set shipping_cost = 3.00, tax_amount = 2.00, discount_amount = 1.00");
            assertThat(rollup(c)).isEqualTo("sales: 06-30 1 11.00 1.00 3.00 2.00, 07-01 2 23.00 2.00 6.00 4.00"
                    + " | returns: 07-02 2 21.00 6.00 4.00");

            // a line added to a cancelled order: its sale and its return both grow
            Writes.line(c, first, 2, 1);
            assertThat(rollup(c)).isEqualTo("sales: 06-30 1 23.00 1.00 3.00 2.00, 07-01 2 23.00 2.00 6.00 4.00"
                    + " | returns: 07-02 2 33.00 6.00 4.00");

            // and an order moved to another day takes its lines along
            Writes.execute(c, "update orders set created_at = created_at - interval '1 day' where order_id = " + first);
            assertThat(rollup(c)).isEqualTo("sales: 06-29 1 23.00 1.00 3.00 2.00, 07-01 2 23.00 2.00 6.00 4.00"
                    + " | returns: 07-02 2 33.00 6.00 4.00");
        }
    }

    @Test
    void a_deleted_order_leaves_the_rollup() throws SQLException {
        try (Connection c = database.connection()) {
            int order = Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("11.00"));
            Writes.line(c, order, 1, 1);
            cancel(c, order, at("2026-06-30T11:00"));
            Writes.line(c, Writes.order(c, 1, at("2026-06-30T10:20"), "pending", new BigDecimal("12.00")), 2, 1);

            Writes.execute(c, "update orders set shipping_cost = 2.00 where order_id = " + order);
            assertThat(rollup(c)).isEqualTo("sales: 06-30 2 23.00 0.00 2.00 0.00 | returns: 06-30 1 11.00 2.00 0.00");

            // its lines, then the order: its history goes with it (the key cascades), its return too
            Writes.execute(c, "delete from order_items where order_id = " + order);
            Writes.execute(c, "delete from orders where order_id = " + order);

            assertThat(rollup(c)).isEqualTo("sales: 06-30 1 12.00 0.00 0.00 0.00 | returns: ");
        }
    }

    @Test
    void a_failing_statement_after_the_rollup_update_rolls_back_order_and_rollup_together() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.line(c, Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("11.00")), 1, 1);
            c.setAutoCommit(false);
            int order = Writes.order(c, 2, at("2026-06-30T10:30"), "pending", new BigDecimal("12.00"));
            Writes.line(c, order, 2, 1);
            cancel(c, order, at("2026-06-30T10:40"));
            assertThat(rollup(c)).isEqualTo("sales: 06-30 2 23.00 0.00 0.00 0.00 | returns: 06-30 1 12.00 0.00 0.00");

            assertThatThrownBy(() -> Writes.order(c, 3, at("2026-06-30T10:40"), "pending", new BigDecimal("-1")))
                    .hasMessageContaining("violates check constraint");
            c.rollback();
            c.setAutoCommit(true);

            assertThat(Writes.value(c, "select count(*) from orders")).isEqualTo(1L);
            assertThat(rollup(c)).isEqualTo("sales: 06-30 1 11.00 0.00 0.00 0.00 | returns: ");
        }
    }

    @Test
    void a_statement_failing_on_one_row_changes_neither_the_orders_nor_the_rollup() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.line(c, Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("11.00")), 1, 1);
            Writes.line(c, Writes.order(c, 2, at("2026-07-01T11:15"), "pending", new BigDecimal("12.00")), 2, 1);

            assertThatThrownBy(() -> Writes.execute(c, "update orders set status = 'lost', shipping_cost = 1"
                    + " where customer_id = 2")).hasMessageContaining("cannot become lost");

            assertThat(rollup(c)).isEqualTo("sales: 06-30 1 11.00 0.00 0.00 0.00, 07-01 1 12.00 0.00 0.00 0.00 | returns: ");
        }
    }

    @Test
    void rebuilding_catches_up_with_writes_made_while_maintenance_was_suspended() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.line(c, Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("11.00")), 1, 1);
            Writes.execute(c, "select suspend_rollups()");
            try {
                int order = Writes.order(c, 2, at("2026-07-01T11:15"), "pending", new BigDecimal("12.00"));
                Writes.line(c, order, 2, 1);
                cancel(c, order, at("2026-07-02T11:15"));
                assertThat(rollup(c)).isEqualTo("sales: 06-30 1 11.00 0.00 0.00 0.00 | returns: ");
            } finally {
                Rollups.rebuild(database.dataSource());
            }

            assertThat(rollup(c)).isEqualTo("sales: 06-30 1 11.00 0.00 0.00 0.00, 07-01 1 12.00 0.00 0.00 0.00"
                    + " | returns: 07-02 1 12.00 0.00 0.00");
            Writes.line(c, Writes.order(c, 3, at("2026-07-01T11:30"), "delivered", new BigDecimal("11.00")), 1, 1);
            assertThat(rollup(c)).isEqualTo("sales: 06-30 1 11.00 0.00 0.00 0.00, 07-01 2 23.00 0.00 0.00 0.00"
                    + " | returns: 07-02 1 12.00 0.00 0.00");
        }
    }

    /**
     * Rebuilds share their source locks (so a new shop's rebuild runs in parts side by side: the
     * pairs rebuilt while the product days' rebuild is uncommitted), yet a second rebuild of the
     * same rollups waits for the first and inserts nothing twice, and a writer waits for both.
     */
    @Test
    void a_second_rebuild_waits_for_the_first_and_a_writer_for_both() throws Exception {
        try (Connection c = database.connection()) {
            int order = Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("23.00"));
            Writes.line(c, order, 1, 1);
            Writes.line(c, order, 2, 1);
        }
        ExecutorService others = Executors.newFixedThreadPool(2);
        try (Connection first = database.connection()) {
            first.setAutoCommit(false);
            Writes.execute(first, "select rebuild_product_days()");
            // another part of a rebuild, of other rollups from the same sources, does not wait
            others.submit(() -> {
                try (Connection c = database.connection()) {
                    Writes.execute(c, "select rebuild_market_baskets()");
                }
                return null;
            }).get(60, TimeUnit.SECONDS);
            Future<?> second = others.submit(() -> {
                Rollups.rebuild(database.dataSource());
                return null;
            });
            Future<?> writer = others.submit(() -> {
                try (Connection c = database.connection()) {
                    Writes.line(c, Writes.order(c, 2, at("2026-07-01T09:00"), "pending", new BigDecimal("11.00")), 1, 1);
                }
                return null;
            });
            Thread.sleep(1_500);
            assertThat(second.isDone()).as("the second rebuild waits for the first").isFalse();
            assertThat(writer.isDone()).as("a writer waits for the rebuilds").isFalse();
            first.commit();
            second.get(60, TimeUnit.SECONDS);
            writer.get(60, TimeUnit.SECONDS);
        } finally {
            others.shutdownNow();
        }
        try (Connection c = database.connection()) {
            assertThat(products(c)).isEqualTo("1 2 22.00 2 2 0 0.00, 2 1 12.00 1 1 0 0.00 | 1+2 1 | 2");
            assertThat(Writes.value(c, "select count(*) from rollups.pair_days_folded")).isEqualTo(1L);
            assertThat(rollup(c)).isEqualTo("sales: 06-30 1 23.00 0.00 0.00 0.00, 07-01 1 11.00 0.00 0.00 0.00"
                    + " | returns: ");
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

    /** The pair months, "MM-DD product_1+product_2 orders, ..." (the month's first day). */
    private static String pairMonths(Connection c) throws SQLException {
        return (String) Writes.value(c, "select coalesce(string_agg(to_char(month, 'MM-DD') || ' ' || product_1_id || '+'"
                + " || product_2_id || ' ' || orders, ', ' order by month, product_1_id, product_2_id), '')"
                + " from rollups.pair_months_folded");
    }

    @Test
    void a_pair_month_is_kept_from_two_orders_together_and_dropped_below() throws SQLException {
        try (Connection c = database.connection()) {
            List<Integer> orders = new ArrayList<>();
            for (String moment : List.of("2026-06-10T10:00", "2026-06-20T10:00", "2026-07-05T10:00")) {
                int order = Writes.order(c, 1, at(moment), "pending", new BigDecimal("23.00"));
                Writes.line(c, order, 1, 1);
                Writes.line(c, order, 2, 1);
                orders.add(order);
            }
            Writes.execute(c, "select fold_rollups()");
            // June has the pair twice, July once: only June is kept
            assertThat(pairMonths(c)).isEqualTo("06-01 1+2 2");

            // one of June's cancelled: below two, the month row goes; the days keep the other orders
            Writes.status(c, orders.get(1), "cancelled");
            Writes.execute(c, "select fold_rollups()");
            assertThat(pairMonths(c)).isEmpty();
            assertThat(Writes.value(c, "select string_agg(to_char(day, 'MM-DD') || ' ' || orders, ', ' order by day)"
                    + " from rollups.pair_days_folded where orders <> 0")).isEqualTo("06-10 1, 07-05 1");

            // a second July order with the pair: July reaches two
            int july = Writes.order(c, 2, at("2026-07-15T10:00"), "pending", new BigDecimal("23.00"));
            Writes.line(c, july, 2, 1);
            Writes.line(c, july, 1, 1);
            Writes.execute(c, "select fold_rollups()");
            assertThat(pairMonths(c)).isEqualTo("07-01 1+2 2");
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

            assertThat(rollup(c)).isEqualTo("sales:  | returns: ");
            assertThat(products(c)).isEqualTo(" |  | 0");
        }
    }

    @Test
    void truncating_the_clickstream_leaves_the_orders_without_a_device() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.execute(c, "insert into page_views (session_id, viewed_at, device_type)"
                    + " values ('truncated-session', '2026-06-30 10:10+01', 'mobile')");
            int order = Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("10.00"));
            Writes.line(c, order, 1, 1);
            Writes.execute(c, "update orders set session_id = 'truncated-session' where order_id = " + order);
            Writes.execute(c, "select fold_rollups()");
            String devices = "select string_agg(distinct device, ' ' order by device) from rollups.order_facet_hours"
                    + " where device <> '*'";
            assertThat(Writes.value(c, devices)).isEqualTo("mobile");

            Writes.execute(c, "truncate page_views");

            // the facets read each order's device from the drill rows: rebuilt first, not before them
            assertThat(Writes.value(c, devices)).isEqualTo("unknown");
            assertThat(Writes.value(c, "select string_agg(device, ' ') from rollups.order_drill_rows_folded"))
                    .isEqualTo("unknown");
        }
    }

    @Test
    void verify_names_the_report_and_row_of_a_rollup_out_of_step_and_refresh_repairs_it() throws SQLException {
        OffsetDateTime asOf = at("2026-07-01T18:00");
        try (Connection c = database.connection()) {
            Writes.line(c, Writes.order(c, 1, at("2026-06-30T10:15"), "pending", new BigDecimal("11.00")), 1, 1);
            RollupVerifier verifier = new RollupVerifier(database.dataSource());
            assertThat(verifier.verifyUnfiltered(asOf)).isEmpty();

            Writes.execute(c, "insert into rollups.sales_hours_pending values ('2026-06-30 10:00+01', 0, 1, 0, 0, 0)");

            assertThat(verifier.compare("daily_revenue", asOf, Map.of("days", "3")))
                    .hasValueSatisfying(drift -> assertThat(drift.describe()).isEqualTo(
                            "report daily_revenue {days=3} as of 2026-07-01T18:00+01:00: row 2, column gross_sales:"
                                    + " rollups say 12.00, reference SQL says 11.00"));
            // shop_vitals reads the same day rollup (its mean order value), and so do kpi_days' 14 days
            // (kpi_tiles' month to date starts on 1 July, after the drift)
            assertThat(verifier.verifyUnfiltered(asOf)).extracting(Drift::report)
                    .containsExactly("daily_revenue", "kpi_days", "revenue_summary", "shop_vitals");
            // the command: each check on stderr as it ends, the drifts on stdout, exit code 1
            String drifted = verifyCommand("--no-filters", "--as-of", "2026-07-01T18:00+01:00");
            int checks = ReportCatalog.load().all().size();
            assertThat(drifted).startsWith("1\n")
                    .contains("DRIFT report daily_revenue as of", "column gross_sales: rollups say 12.00, reference SQL"
                            + " says 11.00", "4 report answer(s) drifted")
                    .contains("verify: as of 2026-07-01T18:00+01:00\n")
                    .containsPattern("verify: 1 of " + checks + ": \\w+ .*agrees \\(")
                    .containsPattern("verify: \\d+ of " + checks + ": daily_revenue .*DRIFTS \\(");

            Rollups.rebuild(database.dataSource());
            assertThat(verifier.verifyUnfiltered(asOf)).isEmpty();
            assertThat(verifyCommand("--no-filters", "--as-of", "2026-07-01T18:00+01:00")).startsWith("0\n")
                    .contains("ok: " + checks + " reports from rollups equal their reference SQL at 1 moment(s)")
                    .doesNotContain("DRIFTS");
        }
    }

    /** {@code shopflow verify} on this database: its exit code, then its stdout and stderr. */
    private static String verifyCommand(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Main.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("verify"));
        all.addAll(List.of(args));
        all.addAll(List.of("--jdbc-url", database.jdbcUrl(), "--db-password", TestDatabases.password()));
        return command.execute(all.toArray(String[]::new)) + "\n" + out + err;
    }
}
