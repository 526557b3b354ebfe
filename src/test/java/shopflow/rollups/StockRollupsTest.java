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

    /** low_stock as of 10 July 12:00 over 9 days (7 days of lead time, 7 of safety), one line per row. */
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

            // product 1 in MAN: plenty now, but only 5 before a restock after as_of; nothing shipped, so no
            // velocity: REORDER NOW at or under its reorder level, no quantity suggested
            move(c, "1 MAN 99995 restock 2026-07-10T13:00");
            String restocked = "SKU-1, Product 1, MAN, 5, 10, 0, 9, 0.00, null, null, REORDER NOW";
            Map<String, String> parameters = Map.of("days", "9", "lead_time_days", "10", "safety_days", "9");

            // MAN: stock 12 now, 13 units left after as_of, so 25 then; 9 shipped in 9 days: 25 days of stock, OK
            assertThat(lowStock("2026-07-10T12:00", parameters)).containsExactly(restocked);

            Writes.execute(c, "update inventory set quantity = 5 where product_id = 2 and warehouse = 'MAN'");
            // stock 5 + 13 = 18 at as_of, never out of stock in the window; shipped 2 + 3 + 4 = 9 in 9 days:
            // 1.00 a day, 18 days of stock: under 10 + 9, Low Stock; reorder ceil(9 x (10 + 9 + 30) / 9) - 18 = 31
            assertThat(lowStock("2026-07-10T12:00", parameters))
                    .containsExactly(restocked, "SKU-2, Product 2, MAN, 18, 10, 9, 9, 1.00, 18.0, 31, Low Stock");
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

            // Never out of stock (29 before these movements, 8 after them). With 10 days of lead time and 6 of
            // safety, a reorder covers 10 + 6 + 30 = 46 days.
            // As of 10 July 09:00 over 9 days, the window is (1 July 09:00, 10 July 09:00]: 2 + 5 + 1 = 8 shipped
            // (the first day counted whole, less its 4 + 3 up to 09:00). Stock 8 + 6 shipped after = 14;
            // 0.89 a day; 14 x 9 / 8 = 15.75 days: under 16, Low Stock; reorder ceil(8 x 46 / 9 = 40.9) - 14 = 27
            String morning = "SKU-1, Product 1, MAN, 14, 10, 8, 9, 0.89, 15.8, 27, Low Stock";
            // as of 15:00: (1 July 15:00, 10 July 15:00] (the first day left out, nothing of it after 15:00):
            // 5 + 1 + 6 = 12; stock 8; 1.33 a day; 8 x 9 / 12 = 6.0 days: under 10, REORDER NOW;
            // ceil(12 x 46 / 9 = 61.3) - 8 = 54
            String afternoon = "SKU-1, Product 1, MAN, 8, 10, 12, 9, 1.33, 6.0, 54, REORDER NOW";
            Map<String, String> parameters = Map.of("days", "9", "lead_time_days", "10", "safety_days", "6");
            assertThat(lowStock("2026-07-10T09:00", parameters)).containsExactly(morning);
            assertThat(lowStock("2026-07-10T15:00", parameters)).containsExactly(afternoon);
            sameAsReference("2026-07-10T09:00");
            sameAsReference("2026-07-10T15:00");

            Writes.execute(c, "select fold_rollups()");
            assertThat((Long) Writes.value(c, "select count(*) from rollups.stock_days_pending")).isZero();
            assertThat(lowStock("2026-07-10T09:00", parameters)).containsExactly(morning);
            assertThat(lowStock("2026-07-10T15:00", parameters)).containsExactly(afternoon);
            // a day earlier, the 9 July window (30 June 15:00, 9 July 15:00] holds 4 + 3 + 2 + 5 = 14; stock 8 + 7 = 15;
            // 15 x 9 / 14 = 9.6 days: REORDER NOW; ceil(14 x 46 / 9 = 71.6) - 15 = 57
            assertThat(lowStock("2026-07-09T15:00", parameters))
                    .containsExactly("SKU-1, Product 1, MAN, 15, 10, 14, 9, 1.56, 9.6, 57, REORDER NOW");
        }
    }

    @Test
    void a_row_comes_and_goes_at_each_moment_around_its_writes() throws SQLException {
        try (Connection c = database.connection()) {
            // 5 left, nothing shipped: no velocity, at or under its reorder level of 10
            Writes.execute(c, "update inventory set quantity = 5 where product_id = 2 and warehouse = 'LON'");
            String unsold = "SKU-2, Product 2, LON, 5, 10, 0, 9, 0.00, null, null, REORDER NOW";
            assertThat(lowStock("2026-07-20T12:00", Map.of("days", "9"))).containsExactly(unsold);

            // restocked at 13:00: above its level now, still low as of 12:00
            move(c, "2 LON 30 restock 2026-07-20T13:00");
            Writes.execute(c, "update inventory set quantity = 35 where product_id = 2 and warehouse = 'LON'");
            assertThat(lowStock("2026-07-20T12:00", Map.of("days", "9"))).containsExactly(unsold);
            assertThat(lowStock("2026-07-20T14:00", Map.of("days", "9"))).isEmpty();

            // 30 shipped at 15:00: low again after it, not between the restock and it
            move(c, "2 LON -30 ship 2026-07-20T15:00");
            Writes.execute(c, "update inventory set quantity = 5 where product_id = 2 and warehouse = 'LON'");
            assertThat(lowStock("2026-07-20T12:00", Map.of("days", "9"))).containsExactly(unsold);
            assertThat(lowStock("2026-07-20T14:00", Map.of("days", "9"))).isEmpty();
            // 30 in 9 days in stock: 3.33 a day, 5 x 9 / 30 = 1.5 days; reorder ceil(30 x 44 / 9 = 146.7) - 5 = 142
            String reorder = "SKU-2, Product 2, LON, 5, 10, 30, 9, 3.33, 1.5, 142, REORDER NOW";
            assertThat(lowStock("2026-07-20T16:00", Map.of("days", "9"))).containsExactly(reorder);
            Writes.execute(c, "select fold_rollups()");
            assertThat(lowStock("2026-07-20T16:00", Map.of("days", "9"))).containsExactly(reorder);
            sameAsReference("2026-07-20T12:00");
            sameAsReference("2026-07-20T16:00");

            // with a velocity, the reorder level no longer decides
            Writes.execute(c, "update inventory set reorder_level = 2 where product_id = 2 and warehouse = 'LON'");
            assertThat(lowStock("2026-07-20T16:00", Map.of("days", "9")))
                    .containsExactly("SKU-2, Product 2, LON, 5, 2, 30, 9, 3.33, 1.5, 142, REORDER NOW");

            // emptied by hand, with no movement: read back from 0 now, the row had no stock before the restock
            // (0 - 30 + 30) nor after the shipment: of the window's days, (D-1 16:00, D 16:00] from 12 to 20 July,
            // only the last had stock (13:00 to 15:00): 1 day in stock, 30.00 a day, 0.0 days of stock;
            // reorder ceil(30 x 44 / 1) = 1,320
            Writes.execute(c, "update inventory set quantity = 0 where product_id = 2 and warehouse = 'LON'");
            String emptied = "SKU-2, Product 2, LON, 0, 2, 30, 1, 30.00, 0.0, 1320, REORDER NOW";
            assertThat(lowStock("2026-07-20T16:00", Map.of("days", "9"))).containsExactly(emptied);
            sameAsReference("2026-07-20T16:00");
            Writes.execute(c, "select fold_rollups()");
            assertThat(lowStock("2026-07-20T16:00", Map.of("days", "9"))).containsExactly(emptied);
            sameAsReference("2026-07-20T16:00");
            sameAsReference("2026-07-20T14:00");
        }
    }

    @Test
    void low_stock_counts_velocity_over_the_time_in_stock_only() throws SQLException {
        try (Connection c = database.connection()) {
            // As of 10 July 12:00 over 9 days, the window is (1 July 12:00, 10 July 12:00], its days (D-1 12:00, D 12:00].
            // Product 2 in MAN: 15 now; 6 at the window's start, 4 after a shipment of 2, none after one of 4 at
            // 18:00 on 3 July, until 20 came in at 06:00 on 6 July: the day ending 5 July 12:00 had no stock at
            // any moment (those ending 4 and 6 July had some), 8 days in stock. 11 shipped: 11 / 8 = 1.38 a day
            // (1.22 over all 9 days); 15 x 8 / 11 = 10.9 days of stock (12.3 over 9 days): under 7 + 7, Low
            // Stock; a reorder for 7 + 7 + 30 days: ceil(11 x 44 / 8 = 60.5) - 15 = 46.
            Writes.execute(c, "update inventory set quantity = 15 where product_id = 2 and warehouse = 'MAN'");
            move(c, "2 MAN -2 ship 2026-07-02T12:00", "2 MAN -4 ship 2026-07-03T18:00", "2 MAN 20 restock 2026-07-06T06:00",
                    "2 MAN -5 ship 2026-07-08T12:00");
            // Product 1 in LON: its last 3 shipped at 12:00 on 7 July: none the last 3 days, 6 in stock:
            // 0.50 a day, 0.0 days of stock; ceil(3 x 44 / 6) - 0 = 22
            Writes.execute(c, "update inventory set quantity = 0 where product_id = 1 and warehouse = 'LON'");
            move(c, "1 LON -3 ship 2026-07-07T12:00");
            // Product 2 in LON: none the whole window: no velocity (no stock to sell from), at or under its level
            Writes.execute(c, "update inventory set quantity = 0 where product_id = 2 and warehouse = 'LON'");

            String lonOne = "SKU-1, Product 1, LON, 0, 10, 3, 6, 0.50, 0.0, 22, REORDER NOW";
            String lonTwo = "SKU-2, Product 2, LON, 0, 10, 0, 0, null, null, null, REORDER NOW";
            String man = "SKU-2, Product 2, MAN, 15, 10, 11, 8, 1.38, 10.9, 46, Low Stock";
            assertThat(lowStock()).containsExactly(lonOne, lonTwo, man);
            sameAsReference("2026-07-10T12:00");

            // 11 days of lead time: 10.9 days of stock are too few, REORDER NOW (12.3 over all 9 days would not
            // be); reorders for 11 + 7 + 30 = 48 days: ceil(11 x 48 / 8) = 66 exactly, less 15: 51; 3 x 48 / 6 = 24
            Map<String, String> longerLead = Map.of("days", "9", "lead_time_days", "11");
            List<String> reorderNow = List.of("SKU-1, Product 1, LON, 0, 10, 3, 6, 0.50, 0.0, 24, REORDER NOW",
                    "SKU-2, Product 2, MAN, 15, 10, 11, 8, 1.38, 10.9, 51, REORDER NOW", lonTwo);
            assertThat(lowStock("2026-07-10T12:00", longerLead)).isEqualTo(reorderNow);

            // over the default 30 days, (10 June 12:00, 10 July 12:00], as of after every movement: the rows the
            // report reads are those that can be low (see low_stock.sql), before and after the fold computes
            // their stock-outs. MAN: 29 days in stock, 0.38 a day, 15 x 29 / 11 = 39.5 days of stock: OK, but Low
            // Stock under 33 + 7 days (ceil(11 x 70 / 29 = 26.6) - 15 = 12); LON 1: 27 days, 0.11 a day,
            // ceil(3 x 44 / 27) = 5, or ceil(3 x 70 / 27 = 7.8) = 8 with 33 days of lead time
            List<String> lowIn30Days = List.of("SKU-1, Product 1, LON, 0, 10, 3, 27, 0.11, 0.0, 5, REORDER NOW", lonTwo);
            String lonOneLongLead = "SKU-1, Product 1, LON, 0, 10, 3, 27, 0.11, 0.0, 8, REORDER NOW";
            String manLow = "SKU-2, Product 2, MAN, 15, 10, 11, 29, 0.38, 39.5, 12, Low Stock";
            for (boolean folded : new boolean[] {false, true}) {
                if (folded) {
                    Writes.execute(c, "select fold_rollups()");
                }
                assertThat(lowStock("2026-07-10T12:00", Map.of())).isEqualTo(lowIn30Days);
                assertThat(lowStock("2026-07-10T12:00", Map.of("lead_time_days", "33")))
                        .containsExactly(lonOneLongLead, lonTwo, manLow);
                for (Map<String, String> parameters : List.of(Map.<String, String>of(), Map.of("lead_time_days", "33"),
                        Map.of("lead_time_days", "0", "safety_days", "0"))) {
                    assertThat(new RollupVerifier(database.dataSource()).compare("low_stock", at("2026-07-10T12:00"),
                            parameters)).isEmpty();
                }
                assertThat(lowStock("2026-07-10T12:00", longerLead)).isEqualTo(reorderNow);
            }

            // what the fold keeps: when the last stock-out ended (infinity: out now) and the cover key, the
            // quantity x 30 / the units shipped in the 31 days to the last movement (rounded down): 15 x 30 / 11
            assertThat((String) Writes.value(c, "select string_agg(concat_ws(' ', product_id, warehouse, out_until,"
                    + " cover_key, out_stale), ', ' order by product_id, warehouse) from rollups.stock_levels"))
                    .isEqualTo("1 LON infinity 0 f, 1 MAN -infinity f, 2 LON infinity f,"
                            + " 2 MAN 2026-07-06 06:00:00+01 40 f");
            String kept = (String) Writes.value(c, "select string_agg(concat_ws(' ', out_until, cover_key), ', '"
                    + " order by product_id, warehouse) from rollups.stock_levels");
            Writes.execute(c, "select rebuild_rollups()");
            assertThat((String) Writes.value(c, "select string_agg(concat_ws(' ', out_until, cover_key), ', '"
                    + " order by product_id, warehouse) from rollups.stock_levels")).isEqualTo(kept);
        }
    }

    @Test
    void low_stock_reads_a_page_of_rows_out_of_stock_with_those_that_rank_among_them() throws SQLException {
        try (Connection c = database.connection()) {
            // As of 10 July 12:00 over the default 30 days, the window is (10 June 12:00, 10 July 12:00].
            // Product 1 in MAN: its last 2 shipped at 14:00 on the window's first day (after window_start), none
            // since: in stock on its first day only, 2.00 a day, 0.0 days of stock; ceil(2 x 44 / 1) = 88
            Writes.execute(c, "update inventory set quantity = 0 where product_id = 1 and warehouse = 'MAN'");
            move(c, "1 MAN -2 ship 2026-06-10T14:00");
            // Product 2 in LON: its last 3 shipped at 12:00 on 7 July: 27 days in stock, 0.11 a day, 0.0 days
            Writes.execute(c, "update inventory set quantity = 0 where product_id = 2 and warehouse = 'LON'");
            move(c, "2 LON -3 ship 2026-07-07T12:00");
            String manOne = "SKU-1, Product 1, MAN, 0, 10, 2, 1, 2.00, 0.0, 88, REORDER NOW";
            String lonTwo = "SKU-2, Product 2, LON, 0, 10, 3, 27, 0.11, 0.0, 5, REORDER NOW";

            // Folded, a page of one is read from the rows at zero stock that surely shipped on a whole day of
            // the window, LON 2, and the rows that can rank among them: MAN 1, which shipped on the window's
            // first day only, ranks first. Before the fold both have movements pending: every row that can be low.
            for (boolean folded : new boolean[] {false, true}) {
                if (folded) {
                    Writes.execute(c, "select fold_rollups()");
                }
                assertThat(lowStock("2026-07-10T12:00", Map.of())).containsExactly(manOne, lonTwo);
                assertThat(lowStock("2026-07-10T12:00", Map.of("limit", "1"))).containsExactly(manOne);
                assertThat(lowStock("2026-07-10T12:00", Map.of("limit", "2"))).containsExactly(manOne, lonTwo);
            }

            // Product 1 in LON keeps 1 of 701 after shipping 700 on 5 July: in stock throughout, 23.33 a day,
            // 1 x 30 / 700 = 0.04 days of stock, 0.0 to one decimal (cover_key 1 x 30 / 700 = 0), so it ranks
            // first among the rows with 0.0 days: ceil(700 x 44 / 30) - 1 = 1026
            Writes.execute(c, "update inventory set quantity = 1 where product_id = 1 and warehouse = 'LON'");
            move(c, "1 LON -700 ship 2026-07-05T12:00");
            Writes.execute(c, "select fold_rollups()");
            String lonOne = "SKU-1, Product 1, LON, 1, 10, 700, 30, 23.33, 0.0, 1026, REORDER NOW";
            assertThat(lowStock("2026-07-10T12:00", Map.of())).containsExactly(lonOne, manOne, lonTwo);
            assertThat(lowStock("2026-07-10T12:00", Map.of("limit", "1"))).containsExactly(lonOne);
            assertThat(lowStock("2026-07-10T12:00", Map.of("limit", "2"))).containsExactly(lonOne, manOne);
            for (String limit : List.of("1", "2", "3", "50")) {
                for (Map<String, String> parameters : List.of(Map.of("limit", limit),
                        Map.of("limit", limit, "lead_time_days", "0"), Map.of("limit", limit, "lead_time_days", "1",
                                "safety_days", "0"))) {
                    assertThat(new RollupVerifier(database.dataSource()).compare("low_stock", at("2026-07-10T12:00"),
                            parameters)).isEmpty();
                }
            }
        }
    }

    @Test
    void products_renamed_or_deactivated_and_warehouse_rows_added_or_removed_follow() throws SQLException {
        try (Connection c = database.connection()) {
            // out of stock and back: the kept counts of active rows and rows out follow each write
            Writes.execute(c, "update inventory set quantity = 0 where product_id = 1 and warehouse = 'LON'");
            assertCounted(c);
            Writes.execute(c, "update inventory set quantity = 4 where product_id = 1 and warehouse = 'LON'");
            assertCounted(c);
            Writes.execute(c, "update products set sku = 'BOOT-1', name = 'Boots' where product_id = 1");
            // nothing shipped: no velocity, at or under its reorder level, no quantity suggested
            assertThat(lowStock()).containsExactly("BOOT-1, Boots, LON, 4, 10, 0, 9, 0.00, null, null, REORDER NOW");
            Writes.execute(c, "update products set is_active = false where product_id = 1");
            assertThat(lowStock()).isEmpty();
            assertCounted(c);
            Writes.execute(c, "update products set is_active = null where product_id = 1"); // not active either
            assertThat(lowStock()).isEmpty();
            Writes.execute(c, "update products set is_active = true, sku = 'SKU-1', name = 'Product 1' where product_id = 1");
            assertThat(lowStock()).containsExactly("SKU-1, Product 1, LON, 4, 10, 0, 9, 0.00, null, null, REORDER NOW");
            assertCounted(c);

            // a new warehouse row, low from the start (reorder level 5), then gone
            Writes.execute(c, "insert into inventory (product_id, warehouse, quantity, reorder_level) values (2, 'EDI', 1, 5)");
            assertThat(lowStock()).containsExactly("SKU-1, Product 1, LON, 4, 10, 0, 9, 0.00, null, null, REORDER NOW",
                    "SKU-2, Product 2, EDI, 1, 5, 0, 9, 0.00, null, null, REORDER NOW");
            sameAsReference("2026-07-10T12:00");
            assertCounted(c);
            Writes.execute(c, "update inventory set warehouse = 'GLA' where warehouse = 'EDI'"); // moved, with no movements
            assertThat(lowStock()).containsExactly("SKU-1, Product 1, LON, 4, 10, 0, 9, 0.00, null, null, REORDER NOW",
                    "SKU-2, Product 2, GLA, 1, 5, 0, 9, 0.00, null, null, REORDER NOW");
            assertThat((Long) Writes.value(c, "select count(*) from rollups.stock_levels where warehouse = 'EDI'")).isZero();
            Writes.execute(c, "delete from inventory where warehouse = 'GLA'");
            assertThat(lowStock()).containsExactly("SKU-1, Product 1, LON, 4, 10, 0, 9, 0.00, null, null, REORDER NOW");
            assertCounted(c);

            // what the triggers kept is what a rebuild finds
            String levels = "select string_agg(concat_ws(' ', product_id, warehouse, sku, product_name, is_active, quantity,"
                    + " reorder_level, days, shipped_through, out_until, cover_key, out_stale), ', '"
                    + " order by product_id, warehouse) from rollups.stock_levels";
            move(c, "2 MAN -3 ship 2026-07-08T10:00", "2 MAN -2 ship 2026-07-09T10:00");
            Writes.execute(c, "select fold_rollups()");
            String kept = (String) Writes.value(c, levels);
            // never out of stock; cover key 100,000 x 30 / 5 shipped in the 31 days to 9 July
            assertThat(kept).contains("2 MAN SKU-2 Product 2 t 100000 10 {2026-07-08,2026-07-09} {3,5} -infinity 600000 f");
            Writes.execute(c, "select rebuild_rollups()");
            assertThat((String) Writes.value(c, levels)).isEqualTo(kept);
            assertCounted(c);
            // the rebuild's delete and insert of the stock rows appended their changes; the fold sums them into one row
            Writes.execute(c, "select fold_rollups()");
            assertCounted(c);
            assertThat((Long) Writes.value(c, "select count(*) from rollups.stock_level_counts")).as("one row after the fold")
                    .isEqualTo(1L);
        }
    }

    /** The kept counts (rollups.stock_level_counts) are the active rows and those out of stock, counted. */
    private static void assertCounted(Connection c) throws SQLException {
        assertThat((String) Writes.value(c, "select sum(active_rows) || ' ' || sum(out_rows) from rollups.stock_level_counts"))
                .isEqualTo((String) Writes.value(c, "select count(*) filter (where is_active) || ' '"
                        + " || count(*) filter (where is_active and quantity <= 0) from rollups.stock_levels"));
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
            // and its stock-outs computed from the quantity the writer left: 99,998, never out
            assertThat((String) Writes.value(c, "select concat_ws(' ', out_until, out_stale) from rollups.stock_levels"
                    + " where product_id = 1 and warehouse = 'LON'")).isEqualTo("-infinity f");
            Writes.execute(c, "reset statement_timeout");
        }
    }
}
