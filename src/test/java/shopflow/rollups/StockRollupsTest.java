package shopflow.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;

/**
 * The stock rollup (rollups.stock_days_*) after hand-made writes, and low_stock from it, expected
 * figures worked out by hand.
 */
class StockRollupsTest {

    private static Database database;

    @BeforeAll
    static void createShop() throws SQLException {
        database = TestDatabases.fresh();
        try (Connection c = database.connection()) {
            Writes.shop(c, 1, 2); // products 1 and 2, 100,000 units each in LON and MAN, reorder level 10
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @BeforeEach
    void noMovements() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.execute(c, "truncate orders cascade"); // stock_movements too: its trigger empties the rollup
            Writes.execute(c, "update inventory set quantity = 100000, reorder_level = 10");
        }
    }

    private static OffsetDateTime at(String local) {
        return OffsetDateTime.parse(local + "+01:00"); // June and July: British Summer Time
    }

    /** Inserts movements "product warehouse quantity reason moment" in one statement. */
    private static void move(Connection c, String... movements) throws SQLException {
        List<String> rows = Arrays.stream(movements).map(m -> {
            String[] f = m.split(" ");
            return "(" + f[0] + ", '" + f[1] + "', " + f[2] + ", '" + f[3] + "', timestamptz '" + at(f[4]) + "')";
        }).toList();
        Writes.execute(c, "insert into stock_movements (product_id, warehouse, quantity, reason, moved_at) values "
                + String.join(", ", rows));
    }

    /** The rollup as "product warehouse MM-DD shipped" lines, folded and pending rows summed, zeros left out. */
    private static String rollup(Connection c) throws SQLException {
        return (String) Writes.value(c, "select coalesce(string_agg(product_id || ' ' || warehouse || ' '"
                + " || to_char(day, 'MM-DD') || ' ' || shipped, ', ' order by product_id, warehouse, day), '')"
                + " from (select product_id, warehouse, day, sum(shipped) as shipped from rollups.stock_days"
                + " group by 1, 2, 3 having sum(shipped) <> 0) as rollup");
    }

    @Test
    void shipments_count_on_their_shop_day_and_follow_every_correction() throws SQLException {
        try (Connection c = database.connection()) {
            // 00:10 on 1 July in London is still 30 June in UTC; the return and the adjustment are not shipments
            move(c, "1 LON -2 ship 2026-06-30T23:30", "1 LON -3 ship 2026-07-01T00:10", "1 LON 1 return 2026-07-01T09:00",
                    "1 MAN -4 adjust 2026-07-01T09:00", "2 MAN -1 ship 2026-07-01T09:00", "2 MAN -6 ship 2026-07-01T18:00");
            assertThat(rollup(c)).isEqualTo("1 LON 06-30 2, 1 LON 07-01 3, 2 MAN 07-01 7");
            Writes.execute(c, "select fold_rollups()");
            assertThat((Long) Writes.value(c, "select count(*) from rollups.stock_days_pending")).isZero();
            assertThat(rollup(c)).isEqualTo("1 LON 06-30 2, 1 LON 07-01 3, 2 MAN 07-01 7");

            // re-timed past midnight, recounted as an adjustment, deleted, moved to another warehouse
            Writes.execute(c, "update stock_movements set moved_at = moved_at + interval '1 hour' where quantity = -2");
            assertThat(rollup(c)).isEqualTo("1 LON 07-01 5, 2 MAN 07-01 7");
            Writes.execute(c, "update stock_movements set reason = 'adjust' where quantity = -3");
            Writes.execute(c, "update stock_movements set reason = 'ship' where quantity = -4");
            assertThat(rollup(c)).isEqualTo("1 LON 07-01 2, 1 MAN 07-01 4, 2 MAN 07-01 7");
            Writes.execute(c, "delete from stock_movements where quantity = -6");
            Writes.execute(c, "update stock_movements set warehouse = 'LON' where quantity = -1");
            assertThat(rollup(c)).isEqualTo("1 LON 07-01 2, 1 MAN 07-01 4, 2 LON 07-01 1");
            Writes.execute(c, "select fold_rollups()");
            assertThat(rollup(c)).isEqualTo("1 LON 07-01 2, 1 MAN 07-01 4, 2 LON 07-01 1");

            // a rolled-back statement leaves nothing behind; the rebuild finds what the triggers kept
            c.setAutoCommit(false);
            move(c, "2 MAN -9 ship 2026-07-02T10:00");
            c.rollback();
            c.setAutoCommit(true);
            String kept = rollup(c);
            Writes.execute(c, "select rebuild_rollups()");
            assertThat(rollup(c)).isEqualTo(kept);
        }
    }

    @Test
    void an_order_shipped_through_its_lifecycle_counts_on_the_day_it_ships() throws SQLException {
        try (Connection c = database.connection()) {
            int order = Writes.placeOrder(c, 1, "[{\"product_id\": 2, \"quantity\": 3}]");
            // the choice-th allowed next status, in name order
            assertThat(Writes.transition(c, order, 1)).isTrue(); // processing
            assertThat(Writes.transition(c, order, 1)).isTrue(); // shipped: from the best-stocked warehouse, ties by name
            String shipped = "2 LON " + Writes.value(c, "select to_char(shop_day(now()), 'MM-DD')") + " 3";
            assertThat(rollup(c)).isEqualTo(shipped);
            assertThat(Writes.transition(c, order, 0)).isTrue(); // delivered
            assertThat(Writes.transition(c, order, 0)).isTrue(); // refunded: the units come back, the shipment stays demand
            assertThat((Long) Writes.value(c, "select count(*) from stock_movements where reason = 'return'")).isOne();
            assertThat(rollup(c)).isEqualTo(shipped);
        }
    }

    /** low_stock as of 10 July 12:00 over 9 days, one line per row. */
    private static List<String> lowStock() {
        return lowStock("2026-07-10T12:00", Map.of("days", "9"));
    }

    /** low_stock as of a moment of the shop's summer, one line per row. */
    private static List<String> lowStock(String asOf, Map<String, String> parameters) {
        ReportResult report = new ReportRunner(database.dataSource()).run(ReportCatalog.load().get("low_stock"),
                at(asOf), parameters);
        return report.rows().stream().map(row -> String.join(", ", row.stream().map(String::valueOf).toList())).toList();
    }

    /** low_stock equals its reference SQL with every row shown, as of that moment over 9 days. */
    private static void sameAsReference(String asOf) {
        assertThat(new RollupVerifier(database.dataSource()).compare("low_stock", at(asOf),
                Map.of("days", "9", "show", "all"))).isEmpty();
    }

    @Test
    void low_stock_counts_the_shipments_of_its_window_to_the_microsecond() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.execute(c, "update inventory set quantity = 12 where product_id = 2 and warehouse = 'MAN'");
            // as of 10 July 12:00 over 9 days: the window is (1 July 12:00, 10 July 12:00]
            move(c, "2 MAN -5 ship 2026-07-01T11:59", "2 MAN -1 ship 2026-07-01T12:00",
                    "2 MAN -2 ship 2026-07-01T12:00:00.000001", "2 MAN 1 return 2026-07-05T10:00");
            move(c, "2 MAN -3 ship 2026-07-05T10:00", "2 MAN -4 ship 2026-07-10T12:00", "2 MAN -6 ship 2026-07-10T12:30",
                    "2 LON -50 ship 2026-07-05T10:00");
            Writes.execute(c, "select fold_rollups()");
            move(c, "2 MAN -7 ship 2026-07-10T12:00:00.000001"); // pending, after as_of

            // product 1 in MAN: plenty now, but only 5 before a restock after as_of
            move(c, "1 MAN 99995 restock 2026-07-10T13:00");
            String restocked = "SKU-1, Product 1, MAN, 5, 10, 0, 0.00, null, 5, REORDER NOW";

            // MAN: stock 12 now, 13 units left after as_of, so 25 then: above twice the level of 10, not shown
            assertThat(lowStock()).containsExactly(restocked);

            Writes.execute(c, "update inventory set quantity = 5 where product_id = 2 and warehouse = 'MAN'");
            // stock 5 + 13 = 18 at as_of (Low Stock: at most 20); shipped 2 + 3 + 4 = 9 in 9 days: 1.00 a day,
            // 18 days of stock; reorder ceil(9 x 30 / 9) + 10 - 18 = 22
            assertThat(lowStock()).containsExactly(restocked, "SKU-2, Product 2, MAN, 18, 10, 9, 1.00, 18.0, 22, Low Stock");
            assertThat(new RollupVerifier(database.dataSource()).compare("low_stock", at("2026-07-10T12:00"),
                    Map.of("days", "9", "show", "all"))).isEmpty();
        }
    }

    @Test
    void low_stock_as_of_a_morning_or_an_afternoon_counts_shipments_folded_or_not() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.execute(c, "update inventory set quantity = 8 where product_id = 1 and warehouse = 'MAN'");
            move(c, "1 MAN -4 ship 2026-07-01T08:00", "1 MAN -3 ship 2026-07-01T09:00", "1 MAN -2 ship 2026-07-01T09:30",
                    "1 MAN -5 ship 2026-07-06T23:30");
            Writes.execute(c, "select fold_rollups()");
            // today's shipments, not folded yet: one before 09:00, one just after
            move(c, "1 MAN -1 ship 2026-07-10T08:59", "1 MAN -6 ship 2026-07-10T09:00:00.000001");

            // as of 10 July 09:00 over 9 days, the window is (1 July 09:00, 10 July 09:00]: 2 + 5 + 1 = 8 shipped
            // (the first day counted whole, less its 4 + 3 up to 09:00). Stock 8 + 6 shipped after = 14: Low Stock;
            // 0.89 a day; 14 x 9 / 8 = 15.75 days; reorder ceil(8 x 30 / 9) + 10 - 14 = 23
            String morning = "SKU-1, Product 1, MAN, 14, 10, 8, 0.89, 15.8, 23, Low Stock";
            // as of 15:00: (1 July 15:00, 10 July 15:00] (the first day left out, nothing of it after 15:00):
            // 5 + 1 + 6 = 12; stock 8; 1.33 a day; 8 x 9 / 12 = 6.0 days; ceil(12 x 30 / 9) + 10 - 8 = 42
            String afternoon = "SKU-1, Product 1, MAN, 8, 10, 12, 1.33, 6.0, 42, REORDER NOW";
            assertThat(lowStock("2026-07-10T09:00", Map.of("days", "9"))).containsExactly(morning);
            assertThat(lowStock("2026-07-10T15:00", Map.of("days", "9"))).containsExactly(afternoon);
            sameAsReference("2026-07-10T09:00");
            sameAsReference("2026-07-10T15:00");

            Writes.execute(c, "select fold_rollups()");
            assertThat((Long) Writes.value(c, "select count(*) from rollups.stock_days_pending")).isZero();
            assertThat(lowStock("2026-07-10T09:00", Map.of("days", "9"))).containsExactly(morning);
            assertThat(lowStock("2026-07-10T15:00", Map.of("days", "9"))).containsExactly(afternoon);
            // a day earlier, the 9 July window (30 June 15:00, 9 July 15:00] holds 4 + 3 + 2 + 5 = 14; stock 8 + 7 = 15
            assertThat(lowStock("2026-07-09T15:00", Map.of("days", "9")))
                    .containsExactly("SKU-1, Product 1, MAN, 15, 10, 14, 1.56, 9.6, 42, Low Stock");
        }
    }

    @Test
    void a_row_crossing_its_reorder_level_both_ways_comes_and_goes_at_each_moment() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.execute(c, "update inventory set quantity = 15 where product_id = 2 and warehouse = 'LON'");
            assertThat(lowStock("2026-07-20T12:00", Map.of("days", "9")))
                    .containsExactly("SKU-2, Product 2, LON, 15, 10, 0, 0.00, null, 0, Low Stock");

            // restocked at 13:00: above twice its level now, still low as of 12:00
            move(c, "2 LON 30 restock 2026-07-20T13:00");
            Writes.execute(c, "update inventory set quantity = 45 where product_id = 2 and warehouse = 'LON'");
            assertThat(lowStock("2026-07-20T12:00", Map.of("days", "9")))
                    .containsExactly("SKU-2, Product 2, LON, 15, 10, 0, 0.00, null, 0, Low Stock");
            assertThat(lowStock("2026-07-20T14:00", Map.of("days", "9"))).isEmpty();

            // 40 shipped at 15:00: low again after it, not between the restock and it
            move(c, "2 LON -40 ship 2026-07-20T15:00");
            Writes.execute(c, "update inventory set quantity = 5 where product_id = 2 and warehouse = 'LON'");
            assertThat(lowStock("2026-07-20T12:00", Map.of("days", "9")))
                    .containsExactly("SKU-2, Product 2, LON, 15, 10, 0, 0.00, null, 0, Low Stock");
            assertThat(lowStock("2026-07-20T14:00", Map.of("days", "9"))).isEmpty();
            // 40 in 9 days: 4.44 a day, 5 x 9 / 40 = 1.125 days; reorder ceil(40 x 30 / 9) + 10 - 5 = 139
            String reorder = "SKU-2, Product 2, LON, 5, 10, 40, 4.44, 1.1, 139, REORDER NOW";
            assertThat(lowStock("2026-07-20T16:00", Map.of("days", "9"))).containsExactly(reorder);
            Writes.execute(c, "select fold_rollups()");
            assertThat(lowStock("2026-07-20T16:00", Map.of("days", "9"))).containsExactly(reorder);
            sameAsReference("2026-07-20T12:00");
            sameAsReference("2026-07-20T16:00");

            // the reorder level lowered, then none set (0), then the row emptied
            Writes.execute(c, "update inventory set reorder_level = 2 where product_id = 2 and warehouse = 'LON'");
            assertThat(lowStock("2026-07-20T16:00", Map.of("days", "9"))).isEmpty();
            Writes.execute(c, "update inventory set reorder_level = null where product_id = 2 and warehouse = 'LON'");
            assertThat(lowStock("2026-07-20T16:00", Map.of("days", "9"))).isEmpty();
            Writes.execute(c, "update inventory set quantity = 0 where product_id = 2 and warehouse = 'LON'");
            // 0 left, 40 shipped: 0 days; reorder ceil(40 x 30 / 9) + 0 - 0 = 134
            assertThat(lowStock("2026-07-20T16:00", Map.of("days", "9")))
                    .containsExactly("SKU-2, Product 2, LON, 0, 0, 40, 4.44, 0.0, 134, REORDER NOW");
            sameAsReference("2026-07-20T16:00");
        }
    }

    @Test
    void products_renamed_or_deactivated_and_warehouse_rows_added_or_removed_follow() throws SQLException {
        try (Connection c = database.connection()) {
            Writes.execute(c, "update inventory set quantity = 4 where product_id = 1 and warehouse = 'LON'");
            Writes.execute(c, "update products set sku = 'BOOT-1', name = 'Boots' where product_id = 1");
            assertThat(lowStock()).containsExactly("BOOT-1, Boots, LON, 4, 10, 0, 0.00, null, 6, REORDER NOW");
            Writes.execute(c, "update products set is_active = false where product_id = 1");
            assertThat(lowStock()).isEmpty();
            Writes.execute(c, "update products set is_active = null where product_id = 1"); // not active either
            assertThat(lowStock()).isEmpty();
            Writes.execute(c, "update products set is_active = true, sku = 'SKU-1', name = 'Product 1' where product_id = 1");
            assertThat(lowStock()).containsExactly("SKU-1, Product 1, LON, 4, 10, 0, 0.00, null, 6, REORDER NOW");

            // a new warehouse row, low from the start (reorder level 5), then gone
            Writes.execute(c, "insert into inventory (product_id, warehouse, quantity, reorder_level) values (2, 'EDI', 1, 5)");
            assertThat(lowStock()).containsExactly("SKU-1, Product 1, LON, 4, 10, 0, 0.00, null, 6, REORDER NOW",
                    "SKU-2, Product 2, EDI, 1, 5, 0, 0.00, null, 4, REORDER NOW");
            sameAsReference("2026-07-10T12:00");
            Writes.execute(c, "update inventory set warehouse = 'GLA' where warehouse = 'EDI'"); // moved, with no movements
            assertThat(lowStock()).containsExactly("SKU-1, Product 1, LON, 4, 10, 0, 0.00, null, 6, REORDER NOW",
                    "SKU-2, Product 2, GLA, 1, 5, 0, 0.00, null, 4, REORDER NOW");
            assertThat((Long) Writes.value(c, "select count(*) from rollups.stock_levels where warehouse = 'EDI'")).isZero();
            Writes.execute(c, "delete from inventory where warehouse = 'GLA'");
            assertThat(lowStock()).containsExactly("SKU-1, Product 1, LON, 4, 10, 0, 0.00, null, 6, REORDER NOW");

            // what the triggers kept is what a rebuild finds
            String levels = "select string_agg(concat_ws(' ', product_id, warehouse, sku, product_name, is_active, quantity,"
                    + " reorder_level, days, shipped_through), ', ' order by product_id, warehouse) from rollups.stock_levels";
            move(c, "2 MAN -3 ship 2026-07-08T10:00", "2 MAN -2 ship 2026-07-09T10:00");
            Writes.execute(c, "select fold_rollups()");
            String kept = (String) Writes.value(c, levels);
            assertThat(kept).contains("2 MAN SKU-2 Product 2 t 100000 10 {2026-07-08,2026-07-09} {3,5}");
            Writes.execute(c, "select rebuild_rollups()");
            assertThat((String) Writes.value(c, levels)).isEqualTo(kept);
        }
    }

    @Test
    void the_fold_leaves_a_row_a_writer_holds_for_the_next_fold() throws SQLException {
        try (Connection c = database.connection(); Connection writer = database.connection()) {
            move(c, "1 LON -2 ship 2026-07-08T10:00");
            writer.setAutoCommit(false);
            // a shipping writer updates the warehouse row (its rollup row with it) and has not committed yet
            Writes.execute(writer, "update inventory set quantity = quantity - 2 where product_id = 1 and warehouse = 'LON'");
            Writes.execute(c, "set statement_timeout = '10s'"); // the fold must not wait for the writer
            Writes.execute(c, "select fold_rollups()");
            assertThat((Long) Writes.value(c, "select count(*) from rollups.stock_days_pending")).isOne();
            assertThat(rollup(c)).isEqualTo("1 LON 07-08 2");
            writer.commit();
            Writes.execute(c, "select fold_rollups()");
            assertThat((Long) Writes.value(c, "select count(*) from rollups.stock_days_pending")).isZero();
            assertThat((String) Writes.value(c, "select days::text || ' ' || shipped_through::text from rollups.stock_levels"
                    + " where product_id = 1 and warehouse = 'LON'")).isEqualTo("{2026-07-08} {2}");
            Writes.execute(c, "reset statement_timeout");
        }
    }
}
