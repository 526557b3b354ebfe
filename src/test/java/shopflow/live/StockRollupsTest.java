package shopflow.live;

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

/** The stock rollup (V8_7) after hand-made writes, and low_stock from it, expected figures worked out by hand. */
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
                + " from (select product_id, warehouse, day, sum(shipped) as shipped from rollup_stock_days"
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
            assertThat((Long) Writes.value(c, "select count(*) from rollup_stock_days_pending")).isZero();
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
        ReportResult report = new ReportRunner(database.dataSource()).run(ReportCatalog.load().get("low_stock"),
                at("2026-07-10T12:00"), Map.of("days", "9"));
        return report.rows().stream().map(row -> String.join(", ", row.stream().map(String::valueOf).toList())).toList();
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
}
