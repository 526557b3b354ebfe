package shopflow.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.generate.GeneratedData.number;
import static shopflow.generate.GeneratedData.strings;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

/**
 * Every generated order's status history (scale 0.02: 10,000 orders, about 500 cancelled and 700
 * refunded): a chain of allowed changes from its creation to its status at as_of, each after a
 * lag in its range, and the stock movements at the moments the chain shipped and refunded it.
 */
class GeneratedStatusHistoryTest {

    private static final String AS_OF = "timestamptz '2026-06-30 12:00 Europe/London'";
    /** Each change with the one before it in its order's chain, and the order's time of shipping. */
    private static final String CHANGES = """
            with changes as (
                select c.*, o.created_at, o.status as order_status, o.updated_at,
                       row_number() over w as n,
                       count(*) over (partition by c.order_id) as changes,
                       lag(c.to_status) over w as previous_status,
                       lag(c.changed_at) over w as previous_at
                from order_status_changes c join orders o using (order_id)
                window w as (partition by c.order_id order by c.changed_at, c.change_id))
            """;
    private static Database db;

    @BeforeAll
    static void generate() {
        db = TestDatabases.fresh();
        GeneratedData.generate(db, 0.02, 2);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void every_order_has_its_chain_from_creation_to_its_status() {
        double orders = number(db, "select count(*) from orders");
        assertThat(number(db, "select count(distinct order_id) from order_status_changes")).as("orders with a history")
                .isEqualTo(orders).isGreaterThan(9_000);
        assertThat(number(db, CHANGES + """
                select count(*) from changes
                where n = 1 and (from_status is not null or to_status <> 'pending' or changed_at <> created_at)"""))
                .as("chains not starting with the creation row (null -> pending at created_at)").isZero();
        assertThat(number(db, CHANGES + """
                select count(*) from changes
                where n > 1 and (from_status is distinct from previous_status or changed_at <= previous_at
                                 or (from_status, to_status) not in (select from_status, to_status from order_status_transitions))"""))
                .as("changes not from the status the one before reached, not later, or not allowed").isZero();
        assertThat(number(db, CHANGES + """
                select count(*) from changes
                where n = changes and (to_status <> order_status or changed_at <> updated_at)"""))
                .as("orders whose status and updated_at are not their last change's").isZero();
        assertThat(number(db, "select count(*) from order_status_changes where changed_at > " + AS_OF))
                .as("changes after as_of").isZero();
        // Every transition the shop allows happens; most orders are delivered (four rows: created,
        // processing, shipped, delivered), cancelled ones have two or three, refunded ones five.
        assertThat(strings(db, """
                select from_status || '->' || to_status from order_status_changes where from_status is not null
                group by 1 order by 1""")).containsExactly("delivered->refunded", "pending->cancelled",
                "pending->processing", "processing->cancelled", "processing->shipped", "shipped->delivered");
        assertThat(number(db, "select avg(n) from (select count(*) as n from order_status_changes group by order_id) c"))
                .as("changes per order").isBetween(3.8, 4.1);
    }

    @Test
    void the_newest_orders_are_where_their_chain_has_got_to_at_as_of() {
        // Placed in the last three hours: pending, or processed already (10 minutes at the soonest).
        List<String> lastHour = strings(db, """
                select distinct status from orders where created_at > %s - interval '3 hours' order by 1""".formatted(AS_OF));
        assertThat(lastHour).containsAnyOf("pending", "processing").doesNotContain("shipped", "delivered", "refunded");
        // Placed one to three days ago: some shipped, none delivered yet (a day after shipping at the soonest)...
        assertThat(strings(db, """
                select distinct status from orders
                where created_at between %1$s - interval '2 days' and %1$s - interval '1 day' order by 1""".formatted(AS_OF)))
                .contains("processing", "shipped").doesNotContain("delivered", "refunded", "pending");
        // ... and refunds come nine days after placing at the soonest (shipped 1, delivered 1, refunded 7 days later).
        assertThat(number(db, "select count(*) from orders where status = 'refunded' and updated_at - created_at < interval '9 days'"))
                .isZero();
        double cancelled = number(db, "select avg((status = 'cancelled')::int) from orders");
        double refunded = number(db, "select avg((status = 'refunded')::int) from orders");
        assertThat(cancelled).as("cancelled share: %s", cancelled).isBetween(0.04, 0.06);
        assertThat(refunded).as("refunded share (by department): %s", refunded).isBetween(0.04, 0.12);
    }

    /**
     * The lag of each change from the moment it is measured from, in hours: min, 10th, 50th and
     * 90th percentile, max. Expected (the draws of StatusChain): processing 10 min-6 h after
     * placing, evenly over the logarithm (median 1 h, 10th 0.24 h, 90th 4.2 h); cancellation
     * 5 min-2 days after placing, likewise (median 2 h, 10th 0.16 h, 90th 25 h); shipping 1-3
     * days after placing, evenly (median 48 h); delivery 1 + 4u² days after shipping (median
     * 48 h, 10th 25 h, 90th 102 h); refund 7-30 days after delivery, evenly (median 444 h).
     */
    @Test
    void each_change_comes_after_a_lag_in_its_range() {
        List<double[]> rows = strings(db, CHANGES + """
                select concat_ws(' ', min(lag), percentile_cont(0.1) within group (order by lag),
                                 percentile_cont(0.5) within group (order by lag),
                                 percentile_cont(0.9) within group (order by lag), max(lag), count(*))
                from (select to_status,
                             extract(epoch from changed_at - case when to_status in ('processing', 'shipped', 'cancelled')
                                                                  then created_at else previous_at end) / 3600 as lag
                      from changes where n > 1) l
                group by to_status order by to_status""").stream()
                .map(line -> Arrays.stream(line.split(" ")).mapToDouble(Double::parseDouble).toArray()).toList();
        // to_status order: cancelled, delivered, processing, refunded, shipped
        assertLag(rows.get(0), "cancelled", 5 / 60.0, 48, 0.16, 2, 25);
        assertLag(rows.get(1), "delivered", 24, 120, 25, 48, 102);
        assertLag(rows.get(2), "processing", 10 / 60.0, 6, 0.24, 1, 4.2);
        assertLag(rows.get(3), "refunded", 7 * 24, 30 * 24, 7 * 24 + 0.1 * 23 * 24, 18.5 * 24, 7 * 24 + 0.9 * 23 * 24);
        assertLag(rows.get(4), "shipped", 24, 72, 28.8, 48, 67.2);
        assertThat(rows.get(3)[5]).as("refunds measured").isGreaterThan(200);
    }

    private static void assertLag(double[] row, String change, double min, double max, double p10, double p50,
            double p90) {
        assertThat(row[0]).as("%s: shortest lag (h)", change).isGreaterThanOrEqualTo(min);
        assertThat(row[4]).as("%s: longest lag (h)", change).isLessThanOrEqualTo(max);
        assertThat(row[1]).as("%s: 10th percentile (h)", change).isBetween(p10 * 0.8, p10 * 1.25);
        // 15 %, or three standard errors of the median of row[5] draws even over the logarithm of
        // [min, max] where that is wider: 500 cancellations' median strays by 10 % (one standard
        // error), and one seed in seven put it outside 15 %
        double slack = Math.max(Math.log(1.15), 3 * 1.2533 * Math.log(max / min) / Math.sqrt(12 * row[5]));
        assertThat(row[2]).as("%s: median (h)", change).isBetween(p50 * Math.exp(-slack), p50 * Math.exp(slack));
        assertThat(row[3]).as("%s: 90th percentile (h)", change).isBetween(p90 * 0.85, p90 * 1.15);
    }

    @Test
    void stock_moves_when_the_chain_ships_and_refunds() {
        assertThat(number(db, """
                select count(*) from stock_movements m
                left join order_status_changes c
                  on c.order_id = m.order_id and c.to_status = case m.reason when 'ship' then 'shipped' else 'refunded' end
                where m.reason in ('ship', 'return') -- restocks belong to no order
                  and c.changed_at is distinct from m.moved_at""")).as("movements not at their change's moment").isZero();
        // and every order shipped (refunded) within the ledger's 90 days has its ships (returns)
        assertThat(number(db, """
                select count(*) from order_status_changes c
                where c.to_status = 'shipped' and c.changed_at >= %s - interval '90 days'
                  and not exists (select 1 from stock_movements m where m.order_id = c.order_id and m.reason = 'ship')"""
                .formatted(AS_OF))).as("orders shipped in the ledger's window without their movements").isZero();
        assertThat(number(db, """
                select count(*) from order_status_changes r
                join order_status_changes s on s.order_id = r.order_id and s.to_status = 'shipped'
                where r.to_status = 'refunded' and s.changed_at >= %s - interval '90 days'
                  and not exists (select 1 from stock_movements m where m.order_id = r.order_id and m.reason = 'return')"""
                .formatted(AS_OF))).as("refunds of orders shipped in the ledger's window without their returns").isZero();
        assertThat(number(db, "select count(distinct order_id) from stock_movements where reason = 'return'"))
                .as("refunded orders with returns").isGreaterThan(5);
    }
}
