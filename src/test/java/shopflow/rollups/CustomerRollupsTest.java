package shopflow.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

/**
 * The customer rollups (rollups.customer_orders_*, rollups.customer_months_*) after small hand-made
 * writes, expected rows worked out by hand: first and last order kept exact through removals,
 * before and after the fold, as of any moment.
 */
class CustomerRollupsTest {

    private static final OffsetDateTime END = at("2026-12-31T00:00");

    private static Database database;

    @BeforeAll
    static void createShop() throws SQLException {
        database = TestDatabases.fresh();
        try (Connection c = database.connection()) {
            Writes.shop(c, 8, 2);
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @BeforeEach
    void noOrders() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.execute(c, "truncate orders cascade"); // its trigger empties the rollups too
        }
    }

    private static OffsetDateTime at(String local) {
        return OffsetDateTime.parse(local + "+01:00"); // June: British Summer Time
    }

    /** customer_orders_as_of(asOf) as "customer orders spend first last" lines, times in London. */
    private static String customers(Connection c, OffsetDateTime asOf) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select coalesce(string_agg(customer_id || ' ' || orders || ' '"
                + " || spend || ' ' || to_char(first_order_at, 'MM-DD HH24:MI') || ' '"
                + " || to_char(last_order_at, 'MM-DD HH24:MI'), ', ' order by customer_id), '')"
                + " from customer_orders_as_of(?)")) {
            s.setObject(1, asOf);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** An order (Writes.order) with one line of its total: its net sales. */
    private static int order(Connection c, int customerId, OffsetDateTime createdAt, String status, BigDecimal total)
            throws SQLException {
        int order = Writes.order(c, customerId, createdAt, status, total);
        Writes.execute(c, "insert into order_items (order_id, product_id, quantity, unit_price, line_total)"
                + " values (" + order + ", 1, 1, " + total + ", " + total + ")");
        return order;
    }

    private static long pendingRows(Connection c) throws SQLException {
        return (Long) Writes.value(c, "select count(*) from rollups.customer_orders_pending");
    }

    @Test
    void counted_orders_add_up_per_customer_with_the_first_and_the_last() throws SQLException {
        try (Connection c = database.connection()) {
            order(c, 1, at("2026-06-20T10:00"), "pending", new BigDecimal("20.00"));
            order(c, 1, at("2026-06-10T10:00"), "delivered", new BigDecimal("10.50"));
            order(c, 2, at("2026-06-15T10:00"), "cancelled", new BigDecimal("99.00"));
            order(c, 3, at("2026-06-16T10:00"), "refunded", new BigDecimal("99.00"));

            assertThat(customers(c, END)).isEqualTo("1 2 30.50 06-10 10:00 06-20 10:00");
        }
    }

    @Test
    void a_status_step_between_counted_statuses_appends_nothing() throws SQLException {
        try (Connection c = database.connection()) {
            int order = order(c, 1, at("2026-06-20T10:00"), "pending", new BigDecimal("20.00"));
            long before = pendingRows(c);

            Writes.status(c, order, "processing");
            Writes.status(c, order, "shipped");

            assertThat(pendingRows(c)).isEqualTo(before).isEqualTo(2L); // the order, then its line
            assertThat(customers(c, END)).isEqualTo("1 1 20.00 06-20 10:00 06-20 10:00");
        }
    }

    @Test
    void cancelling_the_last_order_and_refunding_the_first_bring_back_their_neighbours_before_and_after_the_fold()
            throws SQLException {
        try (Connection c = database.connection()) {
            int first = order(c, 1, at("2026-06-10T10:00"), "delivered", new BigDecimal("10.00"));
            order(c, 1, at("2026-06-20T10:00"), "delivered", new BigDecimal("20.00"));
            int last = order(c, 1, at("2026-06-25T10:00"), "pending", new BigDecimal("40.00"));
            Writes.execute(c, "select fold_rollups()");

            Writes.status(c, last, "cancelled");
            assertThat(customers(c, END)).isEqualTo("1 2 30.00 06-10 10:00 06-20 10:00");
            Writes.execute(c, "select fold_rollups()");
            assertThat(pendingRows(c)).isZero();
            assertThat(customers(c, END)).isEqualTo("1 2 30.00 06-10 10:00 06-20 10:00");

            Writes.status(c, first, "refunded");
            assertThat(customers(c, END)).isEqualTo("1 1 20.00 06-20 10:00 06-20 10:00");
            Writes.execute(c, "select fold_rollups()");
            assertThat(customers(c, END)).isEqualTo("1 1 20.00 06-20 10:00 06-20 10:00");
            assertThat(Writes.value(c, "select last_order_at = timestamptz '2026-06-20 10:00+01'"
                    + " from rollups.customer_orders_folded where customer_id = 1")).isEqualTo(true);
        }
    }

    @Test
    void a_customer_whose_orders_all_go_away_leaves_the_answer() throws SQLException {
        try (Connection c = database.connection()) {
            int order = order(c, 1, at("2026-06-10T10:00"), "delivered", new BigDecimal("10.00"));
            order(c, 2, at("2026-06-11T10:00"), "delivered", new BigDecimal("11.00"));
            Writes.execute(c, "select fold_rollups()");

            Writes.execute(c, "delete from order_items where order_id = " + order);
            Writes.execute(c, "delete from order_status_changes where order_id = " + order);
            Writes.execute(c, "delete from orders where order_id = " + order);
            assertThat(customers(c, END)).isEqualTo("2 1 11.00 06-11 10:00 06-11 10:00");
            Writes.execute(c, "select fold_rollups()");
            assertThat(customers(c, END)).isEqualTo("2 1 11.00 06-11 10:00 06-11 10:00");
            assertThat(Writes.value(c, "select orders from rollups.customer_orders_folded where customer_id = 1"))
                    .isEqualTo(0L);
        }
    }

    /** shop_vitals' buyers by the days of their first and last orders follow the folded rows. */
    @Test
    void buyer_days_count_each_buyers_first_and_last_day_through_folds_and_moves() throws SQLException {
        String days = "select coalesce(string_agg(to_char(day, 'MM-DD') || ' ' || first_buyers || ' ' || last_buyers"
                + " || ' ' || last_repeaters, ', ' order by day), '') from rollups.buyer_days"
                + " where (first_buyers, last_buyers, last_repeaters) <> (0, 0, 0)";
        try (Connection c = database.connection()) {
            order(c, 1, at("2026-06-10T10:00"), "delivered", new BigDecimal("10.00"));
            int moved = order(c, 1, at("2026-06-20T10:00"), "delivered", new BigDecimal("20.00"));
            int refunded = order(c, 2, at("2026-06-11T10:00"), "delivered", new BigDecimal("11.00"));
            Writes.execute(c, "select fold_rollups()");
            // customer 1: first 06-10, last 06-20 with two orders; customer 2: 06-11 both
            assertThat(Writes.value(c, days)).isEqualTo("06-10 1 0 0, 06-11 1 1 0, 06-20 0 1 1");

            Writes.execute(c, "update orders set customer_id = 2 where order_id = " + moved);
            Writes.execute(c, "select fold_rollups()");
            // customer 1: 06-10 both; customer 2: first 06-11, last 06-20 with two orders
            assertThat(Writes.value(c, days)).isEqualTo("06-10 1 1 0, 06-11 1 0 0, 06-20 0 1 1");

            Writes.status(c, refunded, "refunded");
            Writes.execute(c, "select fold_rollups()");
            // customer 2 recounted: the 06-20 order alone
            assertThat(Writes.value(c, days)).isEqualTo("06-10 1 1 0, 06-20 1 1 0");

            Writes.execute(c, "select rebuild_customer_orders_rollups()");
            assertThat(Writes.value(c, days)).isEqualTo("06-10 1 1 0, 06-20 1 1 0");
        }
    }

    @Test
    void an_order_moved_to_another_customer_or_moment_moves_their_first_and_last_orders() throws SQLException {
        try (Connection c = database.connection()) {
            order(c, 1, at("2026-06-10T10:00"), "delivered", new BigDecimal("10.00"));
            int moved = order(c, 1, at("2026-06-20T10:00"), "delivered", new BigDecimal("20.00"));
            Writes.execute(c, "select fold_rollups()");

            Writes.execute(c, "update orders set customer_id = 2 where order_id = " + moved);
            assertThat(customers(c, END))
                    .isEqualTo("1 1 10.00 06-10 10:00 06-10 10:00, 2 1 20.00 06-20 10:00 06-20 10:00");

            Writes.execute(c, "update orders set created_at = timestamptz '2026-06-05 09:00+01', customer_id = 1"
                    + " where order_id = " + moved);
            assertThat(customers(c, END)).isEqualTo("1 2 30.00 06-05 09:00 06-10 10:00");
            Writes.execute(c, "select fold_rollups()");
            assertThat(customers(c, END)).isEqualTo("1 2 30.00 06-05 09:00 06-10 10:00");
        }
    }

    @Test
    void as_of_a_moment_only_orders_placed_by_then_count() throws SQLException {
        try (Connection c = database.connection()) {
            order(c, 1, at("2026-06-10T10:00"), "delivered", new BigDecimal("10.00"));
            order(c, 1, at("2026-06-20T10:00"), "delivered", new BigDecimal("20.00"));
            order(c, 2, at("2026-06-20T10:00"), "delivered", new BigDecimal("5.00"));
            Writes.execute(c, "select fold_rollups()");

            assertThat(customers(c, at("2026-06-20T10:00")))
                    .isEqualTo("1 2 30.00 06-10 10:00 06-20 10:00, 2 1 5.00 06-20 10:00 06-20 10:00");
            assertThat(customers(c, at("2026-06-20T09:59:59.999999"))).isEqualTo("1 1 10.00 06-10 10:00 06-10 10:00");
            assertThat(customers(c, at("2026-06-10T09:00"))).isEmpty();
        }
    }

    @Test
    void recounting_every_customer_gives_what_recounting_them_by_id_gives() throws SQLException {
        try (Connection c = database.connection()) {
            int refunded = order(c, 1, at("2026-06-10T10:00"), "delivered", new BigDecimal("10.00"));
            order(c, 1, at("2026-06-20T10:00"), "delivered", new BigDecimal("20.00"));
            order(c, 1, at("2026-06-30T10:00"), "delivered", new BigDecimal("7.00"));
            int partlyRefunded = order(c, 2, at("2026-06-11T10:00"), "delivered", new BigDecimal("11.00"));
            order(c, 3, at("2026-07-01T10:00"), "delivered", new BigDecimal("9.00"));
            order(c, 4, at("2026-06-12T10:00"), "delivered", new BigDecimal("12.00"));
            Writes.execute(c, "select fold_rollups()");
            Writes.status(c, refunded, "refunded"); // now, after as_of: it still counts then
            Writes.execute(c, "select refund_order(" + partlyRefunded + ", amount => 1.00, p_at => '2026-06-22 10:00+01')");
            Writes.execute(c, "select refund_order(" + partlyRefunded + ", amount => 2.00, p_at => '2026-07-05 10:00+01')");
            OffsetDateTime asOf = at("2026-06-25T10:00");
            // customer 1: the refunded order and the second, not the one after as_of; customer 2:
            // 11.00 less the refund made by then; customer 3: nothing by then; 4: unchanged since
            String expected = "1 2 30.00 06-10 10:00 06-20 10:00, 2 1 10.00 06-11 10:00 06-11 10:00,"
                    + " 4 1 12.00 06-12 10:00 06-12 10:00";
            String cohorts = "select string_agg(cohort_month || ' ' || activity_month || ' ' || customers, ', '"
                    + " order by cohort_month, activity_month) from cohort_months_as_of('2026-06-25 10:00+01')";

            assertThat(customers(c, asOf)).isEqualTo(expected);
            assertThat(Writes.value(c, cohorts)).isEqualTo("2026-06-01 2026-06-01 3");
            Writes.execute(c, "set shopflow.recount_by_id_limit = 0"); // every customer recounted
            try {
                assertThat(customers(c, asOf)).isEqualTo(expected);
                assertThat(Writes.value(c, cohorts)).isEqualTo("2026-06-01 2026-06-01 3");
            } finally {
                Writes.execute(c, "reset shopflow.recount_by_id_limit");
            }
        }
    }

    @Test
    void spend_is_net_sales_and_follows_the_lines_and_the_coupon() throws SQLException {
        try (Connection c = database.connection()) {
            int order = order(c, 1, at("2026-06-10T10:00"), "delivered", new BigDecimal("30.00"));
            Writes.line(c, order, 1, 2);  // 2 x product 1 at £11.00
            assertThat(customers(c, END)).isEqualTo("1 1 52.00 06-10 10:00 06-10 10:00");
            Writes.execute(c, "select fold_rollups()");

            // a coupon of £2.50, a line corrected, a line taken away: 52.00 - 2.50 + 1.00 - 22.00
            Writes.execute(c, "update orders set discount_amount = 2.50 where order_id = " + order);
            Writes.execute(c, "update order_items set line_total = 31.00 where order_id = " + order + " and product_id = 1"
                    + " and quantity = 1");
            Writes.execute(c, "delete from order_items where order_id = " + order + " and quantity = 2");
            assertThat(customers(c, END)).isEqualTo("1 1 28.50 06-10 10:00 06-10 10:00");
            Writes.execute(c, "select fold_rollups()");
            assertThat(customers(c, END)).isEqualTo("1 1 28.50 06-10 10:00 06-10 10:00");

            // lines of a cancelled order count for nobody; cancelling takes the whole order away
            int cancelled = order(c, 2, at("2026-06-11T10:00"), "cancelled", new BigDecimal("40.00"));
            Writes.line(c, cancelled, 2, 1);
            Writes.status(c, order, "refunded");
            assertThat(customers(c, END)).isEmpty();
            Writes.execute(c, "select rebuild_customer_orders_rollups()");
            assertThat(customers(c, END)).isEmpty();
        }
    }

    @Test
    void as_of_a_moment_before_a_refund_the_order_still_counts() throws SQLException {
        try (Connection c = database.connection()) {
            int refunded = order(c, 1, at("2026-06-10T10:00"), "delivered", new BigDecimal("10.00"));
            order(c, 1, at("2026-06-20T10:00"), "delivered", new BigDecimal("20.00"));
            Writes.execute(c, "select fold_rollups()");

            Writes.status(c, refunded, "refunded"); // now (December 2026): after June
            assertThat(customers(c, at("2026-06-25T10:00"))).isEqualTo("1 2 30.00 06-10 10:00 06-20 10:00");
            assertThat(customers(c, END)).isEqualTo("1 1 20.00 06-20 10:00 06-20 10:00");
            Writes.execute(c, "select fold_rollups()");
            assertThat(customers(c, at("2026-06-25T10:00"))).isEqualTo("1 2 30.00 06-10 10:00 06-20 10:00");
            assertThat(customers(c, END)).isEqualTo("1 1 20.00 06-20 10:00 06-20 10:00");
        }
    }

    @Test
    void rfm_scores_cut_the_values_at_their_quintile_boundaries_for_any_number_of_customers_ties_included()
            throws SQLException {
        // the reference: each score 1 + how many of the 20/40/60/80th percentiles (percentile_disc) the
        // value is above; recency as the last order's day (later is better)
        String base = "select customer_id, (timestamptz '2026-07-01 12:00+01')::date - max(created_at)::date"
                + " as recency_days, max(created_at)::date as last_day, count(*) as frequency,"
                + " sum(subtotal) as monetary from orders where status not in ('cancelled', 'refunded') group by customer_id";
        String percentiles = "percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by ";
        String reference = "select customer_id, recency_days, frequency, monetary,"
                + " 1 + (select count(*) from unnest(b.r) x where last_day > x)::int,"
                + " 1 + (select count(*) from unnest(b.f) x where frequency > x)::int,"
                + " 1 + (select count(*) from unnest(b.m) x where monetary > x)::int"
                + " from (" + base + ") as base, (select " + percentiles + "last_day) as r, " + percentiles
                + "frequency) as f, " + percentiles + "monetary) as m from (" + base + ") as base) as b";
        String scores = "select customer_id, recency_days, frequency, monetary, r_score, f_score, m_score"
                + " from rfm_scores(timestamptz '2026-07-01 12:00+01')";
        try (Connection c = database.connection()) {
            for (int customer = 1; customer <= 8; customer++) {
                // ties: customers 2k-1 and 2k have the same recency, spend and order count
                int pair = (customer + 1) / 2;
                for (int order = 0; order < pair % 3 + 1; order++) {
                    order(c, customer, at("2026-06-" + (10 + pair) + "T1" + order + ":00"), "delivered",
                            new BigDecimal(pair % 2 == 0 ? "10.00" : "25.00"));
                }
                assertThat(Writes.value(c, "select count(*) from (" + scores + ") s")).isEqualTo((long) customer);
                assertThat(Writes.value(c, "select count(*) from ((" + reference + " except all " + scores
                        + ") union all (" + scores + " except all " + reference + ")) as different"))
                        .as("%d customers", customer).isEqualTo(0L);
            }
            // 8 buyers, boundaries at positions 2, 4, 5, 7 (ceil(8k/5)) of the sorted values:
            //   last day: 11, 11, 12, 12, 13, 13, 14, 14 June -> 11, 12, 13, 14: pairs score 1, 2, 3, 4
            //   orders (1 + pair % 3): pairs 1-4 have 2, 3, 1, 2 -> sorted 1 1 2 2 2 2 3 3: boundaries 1, 2, 2, 3;
            //     1 order -> 1, 2 orders -> 2, 3 orders -> 4 (both ties stay whole)
            //   spend: pairs 1-4 have 50, 30, 25, 20 -> sorted 20 20 25 25 30 30 50 50: boundaries 20, 25, 30, 50
            //     -> 20: 1, 25: 2, 30: 3, 50: 4 (not above the last boundary, itself)
            assertThat(Writes.value(c, "select string_agg(r_score || '' || f_score || m_score, ' '"
                    + " order by customer_id) from (" + scores + ") s"))
                    .isEqualTo("124 124 243 243 312 312 421 421");
        }
    }

    @Test
    void rebuilding_gives_the_figures_the_writes_maintained() throws SQLException {
        try (Connection c = database.connection()) {
            order(c, 1, at("2026-06-10T10:00"), "delivered", new BigDecimal("10.00"));
            int cancelled = order(c, 1, at("2026-06-20T10:00"), "pending", new BigDecimal("20.00"));
            order(c, 2, at("2026-06-21T10:00"), "pending", new BigDecimal("7.00"));
            Writes.status(c, cancelled, "cancelled");
            String maintained = customers(c, END);

            Writes.execute(c, "select rebuild_customer_orders_rollups()");

            assertThat(pendingRows(c)).isZero();
            assertThat(customers(c, END)).isEqualTo(maintained)
                    .isEqualTo("1 1 10.00 06-10 10:00 06-10 10:00, 2 1 7.00 06-21 10:00 06-21 10:00");
        }
    }
}
