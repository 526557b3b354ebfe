package shopflow.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.generate.GeneratedData.number;
import static shopflow.generate.GeneratedData.strings;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.orders.OrderLifecycle;
import shopflow.orders.OrderStatus;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;

/** The generated stock ledger (scale 0.01: 500 customers, 5,000 orders), as the order lifecycle would have written it. */
class GeneratedStockLedgerTest {

    private static final String AS_OF = "timestamptz '2026-06-30 12:00 Europe/London'";
    private static Database db;

    @BeforeAll
    static void generate() {
        db = TestDatabases.fresh();
        GeneratedData.generate(db, 0.01, 2);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void every_shipment_is_a_line_of_a_shipped_order_and_ships_exactly_its_quantity() {
        double ships = number(db, "select count(*) from stock_movements where reason = 'ship'");
        assertThat(ships).as("ship movements: %s", ships).isGreaterThan(500);
        assertThat(number(db, """
                select count(*) from stock_movements m
                left join order_items i on i.item_id = m.item_id
                left join orders o on o.order_id = m.order_id
                where m.reason = 'ship'
                  and (i.order_id is distinct from m.order_id or i.product_id <> m.product_id
                       or o.status not in ('shipped', 'delivered', 'refunded')
                       or m.moved_at <= o.created_at or m.moved_at > %1$s
                       or m.moved_at < %1$s - interval '90 days')""".formatted(AS_OF)))
                .as("ship movements without their order line, of an unshipped order, or outside (created_at, as_of]")
                .isZero();
        assertThat(number(db, """
                select count(*) from order_items i
                join (select item_id, -sum(quantity) as shipped from stock_movements where reason = 'ship' group by item_id) m
                  using (item_id)
                where m.shipped <> i.quantity""")).as("order lines whose shipments do not add up to their quantity").isZero();
        // Every order shipped in the ledger's window has its shipments: 'shipped' ones all are (recent).
        assertThat(number(db, """
                select count(*) from orders o where o.status = 'shipped'
                and not exists (select 1 from stock_movements m where m.order_id = o.order_id)""")).isZero();
        // Each warehouse ships what it holds: the line's warehouse always stocks the product.
        assertThat(number(db, """
                select count(*) from stock_movements m
                where not exists (select 1 from inventory v where v.product_id = m.product_id and v.warehouse = m.warehouse)"""))
                .isZero();
    }

    @Test
    void stock_is_never_negative_and_rows_are_restocked_when_at_their_reorder_level() {
        double restocks = number(db, "select count(*) from stock_movements where reason = 'restock'");
        assertThat(restocks).as("restocks: %s", restocks).isGreaterThan(20);
        assertThat(number(db, "select count(*) from stock_movements where reason = 'restock' and (order_id is not null"
                + " or item_id is not null or quantity <= 0)")).as("restocks of an order, or not into the warehouse").isZero();
        // The stock at every moment: inventory's quantity less the movements after that moment; and
        // before the ledger's first movement.
        assertThat(number(db, """
                with moments as (
                    select product_id, warehouse, moved_at, sum(quantity) as moved from stock_movements group by 1, 2, 3
                ),
                after_each as (
                    select inventory.quantity - coalesce(sum(moments.moved) over later, 0) as stock,
                           inventory.quantity - sum(moments.moved) over whole as before_ledger
                    from moments join inventory using (product_id, warehouse)
                    window later as (partition by product_id, warehouse order by moved_at desc
                                     rows between unbounded preceding and 1 preceding),
                           whole as (partition by product_id, warehouse)
                )
                select count(*) from after_each where stock < 0 or before_ledger < 0""")).as("moments of negative stock").isZero();
        assertThat(number(db, "select count(*) from inventory where quantity < 0")).isZero();
        // A restock comes because the row reached its reorder level (or a shipment needed it first).
        double atLevel = number(db, """
                select avg((v.quantity - (select sum(later.quantity) from stock_movements later
                                          where later.product_id = m.product_id and later.warehouse = m.warehouse
                                            and later.moved_at >= m.moved_at) <= v.reorder_level)::int)
                from stock_movements m join inventory v using (product_id, warehouse)
                where m.reason = 'restock'""");
        assertThat(atLevel).as("share of restocks arriving at a row at or under its reorder level").isGreaterThan(0.9);
    }

    /** A restock arrives a lead time (2 to 10 days, a late one up to 35) after its row reached its reorder level. */
    @Test
    void restocks_arrive_a_lead_time_after_the_row_reached_its_reorder_level() {
        String leads = """
                with moments as (
                    select product_id, warehouse, moved_at, sum(quantity) as moved, bool_or(reason = 'restock') as restocked
                    from stock_movements group by 1, 2, 3
                ),
                levels as (
                    select moments.*, v.reorder_level, v.quantity - coalesce(sum(moments.moved) over later, 0) as after_it
                    from moments join inventory v using (product_id, warehouse)
                    window later as (partition by moments.product_id, moments.warehouse order by moments.moved_at desc
                                     rows between unbounded preceding and 1 preceding)
                ),
                reached as (
                    select levels.*,
                           max(moved_at) filter (where after_it - moved > reorder_level and after_it <= reorder_level)
                               over (partition by product_id, warehouse order by moved_at
                                     rows between unbounded preceding and 1 preceding) as reached_level
                    from levels
                )
                select moved_at - reached_level as lead from reached where restocked and reached_level is not null""";
        double restocks = number(db, "select count(*) from (" + leads + ") l");
        assertThat(restocks).as("restocks after their row reached its level").isGreaterThan(10);
        assertThat(number(db, "select count(*) from (" + leads + ") l where lead >= interval '2 days'") / restocks)
                .as("share arriving 2 days or more after").isGreaterThan(0.9);
        assertThat(number(db, "select count(*) from (" + leads + ") l where lead > interval '35 days'") / restocks)
                .as("share arriving over 35 days after (the row stayed at its level through a restock)").isLessThan(0.02);
    }

    @Test
    void refunds_put_back_what_shipped_and_nothing_else_comes_back() {
        double refundedWithShipments = number(db, "select count(distinct order_id) from stock_movements m "
                + "join orders o using (order_id) where o.status = 'refunded'");
        assertThat(refundedWithShipments).as("refunded orders in the ledger: %s", refundedWithShipments).isGreaterThan(5);
        assertThat(number(db, """
                select count(*) from (
                    select m.order_id, m.item_id, m.warehouse
                    from stock_movements m join orders o using (order_id)
                    where o.status = 'refunded'
                    group by 1, 2, 3
                    having sum(m.quantity) <> 0
                        or count(*) filter (where m.reason = 'return') <> 1
                        or max(m.moved_at) filter (where m.reason = 'return') <> max(o.updated_at)
                        or max(m.moved_at) filter (where m.reason = 'return') <= max(m.moved_at) filter (where m.reason = 'ship')) r"""))
                .as("refunded lines without exactly one matching return at the refund moment").isZero();
        assertThat(number(db, """
                select count(*) from stock_movements m join orders o using (order_id)
                where m.reason = 'return' and o.status <> 'refunded'""")).as("returns of orders not refunded").isZero();
    }

    @Test
    void low_stock_shows_each_warehouses_velocity_for_the_popular_products() {
        ReportResult result = new ReportRunner(db.dataSource()).run(ReportCatalog.load().get("low_stock"),
                OffsetDateTime.parse("2026-06-30T12:00+01:00"), Map.of("show", "all", "days", "30", "limit", "100000"));
        int shipped = result.columns().indexOf("shipped_in_window");
        int warehouse = result.columns().indexOf("warehouse");
        long total = 0;
        long warehousesShipping = 0;
        for (List<Object> row : result.rows()) {
            long units = ((Number) row.get(shipped)).longValue();
            total += units;
        }
        warehousesShipping = result.rows().stream().filter(r -> ((Number) r.get(shipped)).longValue() > 0)
                .map(r -> r.get(warehouse)).distinct().count();
        double expected = number(db, """
                select -sum(m.quantity) from stock_movements m join products p using (product_id)
                where p.is_active and m.reason = 'ship' and m.moved_at > %1$s - interval '30 days' and m.moved_at <= %1$s"""
                .formatted(AS_OF));
        assertThat(total).as("units shipped in the report's window").isEqualTo((long) expected).isPositive();
        assertThat(warehousesShipping).as("warehouses with a velocity of their own").isEqualTo(3);
        // The ten best sellers of the last 30 days (by order lines) all move in the report.
        List<String> bestSellers = strings(db, """
                select p.sku from order_items i join orders o using (order_id) join products p using (product_id)
                where p.is_active and o.status in ('shipped', 'delivered', 'refunded') and o.created_at > %1$s - interval '30 days'
                group by p.sku order by sum(i.quantity) desc, p.sku limit 10""".formatted(AS_OF));
        int sku = result.columns().indexOf("sku");
        int velocity = result.columns().indexOf("daily_velocity");
        for (String best : bestSellers) {
            double fastest = result.rows().stream().filter(r -> r.get(sku).equals(best))
                    .mapToDouble(r -> ((Number) r.get(velocity)).doubleValue()).max().orElse(0);
            assertThat(fastest).as("daily velocity of best seller %s", best).isGreaterThan(0);
        }
    }

    @Test
    void refunding_a_generated_delivered_order_puts_its_stock_back_where_it_came_from() {
        int orderId = (int) number(db, """
                select o.order_id from orders o
                where o.status = 'delivered' and exists (select 1 from stock_movements m where m.order_id = o.order_id)
                order by o.order_id limit 1""");
        String stockOfItsProducts = """
                select string_agg(v.product_id || '@' || v.warehouse || '=' || v.quantity, ' ' order by v.product_id, v.warehouse)
                from inventory v where v.product_id in (select product_id from order_items where order_id = %d)""".formatted(orderId);
        String before = strings(db, stockOfItsProducts).get(0);
        String expectedAfter = strings(db, """
                select string_agg(v.product_id || '@' || v.warehouse || '=' || (v.quantity - coalesce(m.moved, 0)), ' '
                                  order by v.product_id, v.warehouse)
                from inventory v
                left join (select product_id, warehouse, sum(quantity) as moved from stock_movements
                           where order_id = %1$d group by 1, 2) m using (product_id, warehouse)
                where v.product_id in (select product_id from order_items where order_id = %1$d)""".formatted(orderId)).get(0);

        new OrderLifecycle(db.dataSource()).transition(orderId, OrderStatus.REFUNDED);

        assertThat(expectedAfter).isNotEqualTo(before);
        assertThat(strings(db, stockOfItsProducts).get(0)).isEqualTo(expectedAfter);
        assertThat(number(db, "select sum(quantity) from stock_movements where order_id = " + orderId)).isZero();
    }
}
