package shopflow.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

/**
 * The kept windows per category (rollups.category_windows_folded): their rows by hand as the fold
 * adds sales and a refund, as products move to another category or get another cost price, when the
 * shop day turns and after a rebuild; always the kept product rows summed by each product's
 * category and cost price now; and category_sales against its reference SQL around each step, and
 * shop_vitals (whose window's sales come from the category rows) with a product in and out of the tree.
 */
class CategoryWindowsTest {

    private static final ZoneId SHOP = ZoneId.of("Europe/London");

    /** The kept product rows summed by their products' category and cost price now. */
    private static final String SUMMED_PRODUCT_ROWS = "select concat_ws(' ', kept.window_id, products.category_id,"
            + " sum(kept.units), sum(kept.returned_units), sum(kept.gross_sales), sum(kept.discounts), sum(kept.returns),"
            + " coalesce(sum(kept.net_sales) filter (where products.cost_price is not null), 0.00),"
            + " coalesce(sum((kept.units - kept.returned_units) * products.cost_price), 0.00))"
            + " from rollups.product_windows_folded kept join products using (product_id)"
            + " where products.category_id is not null group by kept.window_id, products.category_id"
            + " having sum(kept.units) <> 0 or sum(kept.returned_units) <> 0 or sum(kept.gross_sales) <> 0"
            + " or sum(kept.discounts) <> 0 or sum(kept.returns) <> 0"
            + " or coalesce(sum(kept.net_sales) filter (where products.cost_price is not null), 0) <> 0"
            + " or coalesce(sum((kept.units - kept.returned_units) * products.cost_price), 0) <> 0"
            + " order by kept.window_id, products.category_id";

    private static Database database;

    @BeforeAll
    static void createShop() throws SQLException {
        database = TestDatabases.fresh();
        try (Connection c = database.connection()) {
            // products 1, 2, 3 at 11.00, 12.00, 13.00, each costing 5.00, in Shoes (1)
            Writes.shop(c, 3, 3);
            // Boots (2) below Shoes, Hats (3) at the top; product 2 in Boots, product 3 in Hats without a cost
            Writes.execute(c, "insert into categories (category_id, name, slug, parent_id) values (2, 'Boots', 'boots', 1),"
                    + " (3, 'Hats', 'hats', null)");
            Writes.execute(c, "update products set category_id = 2 where product_id = 2");
            Writes.execute(c, "update products set category_id = 3, cost_price = null where product_id = 3");
            Writes.execute(c, "insert into rollups.product_windows_pinned_day values ('2026-11-10')");
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void category_rows_follow_the_fold_the_products_the_day_turning_and_a_rebuild() throws SQLException {
        try (Connection c = database.connection()) {
            int a = Writes.order(c, 1, at("2026-11-10T10:00"), "pending", new BigDecimal("22.00"));
            Writes.line(c, a, 1, 2);
            int b = Writes.order(c, 2, at("2026-11-04T09:00"), "delivered", new BigDecimal("12.00"));
            Writes.line(c, b, 2, 1);
            int old = Writes.order(c, 3, at("2026-10-01T09:00"), "delivered", new BigDecimal("13.00"));
            Writes.line(c, old, 3, 1);
            assertThat(categoryRows(c)).as("nothing folded yet").isEmpty();
            assertExact(at("2026-11-10T12:00"));
            Writes.execute(c, "select fold_rollups()");

            // window, category, units, returned units, gross, discounts, returns, costed net sales, cost:
            // 7 and 30 days hold A (2 x 11.00 of product 1, cost 2 x 5.00) and B (12.00 of product 2, 5.00);
            // 90 days the old order's product 3 too (no cost price: no costed sales, no cost);
            // the 30 days before 10 Nov, and the 30 before 9 Nov, only B
            assertThat(categoryRows(c)).containsExactly(
                    "1 1 2 0 22.00 0.00 0.00 22.00 10.00", "1 2 1 0 12.00 0.00 0.00 12.00 5.00",
                    "2 1 2 0 22.00 0.00 0.00 22.00 10.00", "2 2 1 0 12.00 0.00 0.00 12.00 5.00",
                    "3 1 2 0 22.00 0.00 0.00 22.00 10.00", "3 2 1 0 12.00 0.00 0.00 12.00 5.00",
                    "3 3 1 0 13.00 0.00 0.00 0.00 0.00",
                    "4 2 1 0 12.00 0.00 0.00 12.00 5.00", "5 2 1 0 12.00 0.00 0.00 12.00 5.00");
            assertSummed(c);
            assertExact(at("2026-11-10T12:00"), at("2026-11-10T09:59:59"));

            // product 2 moved to Hats at a cost of 7.00: Boots' rows go, Hats' take B
            Writes.execute(c, "update products set category_id = 3, cost_price = 7 where product_id = 2");
            assertThat(categoryRows(c)).containsExactly(
                    "1 1 2 0 22.00 0.00 0.00 22.00 10.00", "1 3 1 0 12.00 0.00 0.00 12.00 7.00",
                    "2 1 2 0 22.00 0.00 0.00 22.00 10.00", "2 3 1 0 12.00 0.00 0.00 12.00 7.00",
                    "3 1 2 0 22.00 0.00 0.00 22.00 10.00", "3 3 2 0 25.00 0.00 0.00 12.00 7.00",
                    "4 3 1 0 12.00 0.00 0.00 12.00 7.00", "5 3 1 0 12.00 0.00 0.00 12.00 7.00");
            assertSummed(c);
            assertExact(at("2026-11-10T12:00"));

            // product 3 costed at 4.00, product 1 out of the tree (no category: no rows), in one statement
            Writes.execute(c, "update products set cost_price = case product_id when 3 then 4 else cost_price end,"
                    + " category_id = case product_id when 1 then null else category_id end where product_id in (1, 3)");
            assertThat(categoryRows(c)).containsExactly(
                    "1 3 1 0 12.00 0.00 0.00 12.00 7.00",
                    "2 3 1 0 12.00 0.00 0.00 12.00 7.00",
                    "3 3 2 0 25.00 0.00 0.00 25.00 11.00",
                    "4 3 1 0 12.00 0.00 0.00 12.00 7.00",
                    "5 3 1 0 12.00 0.00 0.00 12.00 7.00");
            assertSummed(c);
            Writes.execute(c, "update products set category_id = 1 where product_id = 1");

            // shop_vitals' window (the 30 days before 10 Nov; as of 9 Nov the 30 before it) holds B alone:
            // its sales total and shares come from the category rows, and from product 2's own row while
            // it has no category
            assertVitalsExact(at("2026-11-10T12:00"), at("2026-11-09T12:00"));
            Writes.execute(c, "update products set category_id = null where product_id = 2");
            assertThat(categoryRows(c)).doesNotContain("4 3 1 0 12.00 0.00 0.00 12.00 7.00",
                    "5 3 1 0 12.00 0.00 0.00 12.00 7.00");
            assertVitalsExact(at("2026-11-10T12:00"), at("2026-11-09T12:00"));
            Writes.execute(c, "update products set category_id = 3 where product_id = 2");
            assertSummed(c);

            // B refunded whole on 10 Nov, pending then folded: its unit back, its 12.00 returned, no costed net
            // sales left in the windows ending 10 Nov (its sale stays in the 30 days before)
            Writes.status(c, b, "refunded");
            Writes.execute(c, "update order_status_changes set changed_at = timestamptz '" + at("2026-11-10T11:00")
                    + "' where order_id = " + b + " and to_status = 'refunded'");
            assertExact(at("2026-11-10T12:00"), at("2026-11-10T10:30"));
            Writes.execute(c, "select fold_rollups()");
            assertThat(categoryRows(c)).containsExactly(
                    "1 1 2 0 22.00 0.00 0.00 22.00 10.00", "1 3 1 1 12.00 0.00 12.00 0.00 0.00",
                    "2 1 2 0 22.00 0.00 0.00 22.00 10.00", "2 3 1 1 12.00 0.00 12.00 0.00 0.00",
                    "3 1 2 0 22.00 0.00 0.00 22.00 10.00", "3 3 2 1 25.00 0.00 12.00 13.00 4.00",
                    "4 3 1 0 12.00 0.00 0.00 12.00 7.00", "5 3 1 0 12.00 0.00 0.00 12.00 7.00");
            assertSummed(c);
            assertExact(at("2026-11-10T12:00"), at("2026-11-10T10:30"));

            // the shop day turns to 12 Nov (the 7 days are 6-12 Nov: B's sale out, its return in)
            Writes.execute(c, "update rollups.product_windows_pinned_day set day = '2026-11-12'");
            Writes.execute(c, "select fold_rollups()");
            assertThat(categoryRows(c)).contains("1 3 0 1 0.00 0.00 12.00 -12.00 -7.00",
                    "4 1 2 0 22.00 0.00 0.00 22.00 10.00");
            assertSummed(c);
            assertExact(at("2026-11-12T08:00"));

            // a rebuild gives the same rows
            List<String> kept = categoryRows(c);
            Writes.execute(c, "select rebuild_rollups()");
            assertThat(categoryRows(c)).isEqualTo(kept);
            // and a move while the rollup triggers are suspended is set right by the rebuild after it
            Writes.execute(c, "select suspend_rollups()");
            Writes.execute(c, "update products set category_id = 2 where product_id = 1");
            Writes.execute(c, "select rebuild_rollups()");
            assertSummed(c);
            assertThat(categoryRows(c)).contains("2 2 2 0 22.00 0.00 0.00 22.00 10.00");
            assertExact(at("2026-11-12T08:00"));
        }
    }

    /** Each category row with something in it: window, category and the sums, in key order. */
    private static List<String> categoryRows(Connection c) throws SQLException {
        return strings(c, "select concat_ws(' ', window_id, category_id, units, returned_units, gross_sales, discounts,"
                + " returns, costed_net_sales, cost) from rollups.category_windows_folded"
                + " order by window_id, category_id");
    }

    private static void assertSummed(Connection c) throws SQLException {
        assertThat(categoryRows(c)).as("the kept product rows summed by category").isEqualTo(strings(c, SUMMED_PRODUCT_ROWS));
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        }
        return rows;
    }

    private static void assertExact(OffsetDateTime... moments) {
        RollupVerifier verifier = new RollupVerifier(database.dataSource());
        for (OffsetDateTime asOf : moments) {
            for (Map<String, String> parameters : List.of(Map.<String, String>of(), Map.of("days", "7"),
                    Map.of("days", "90"), Map.of("days", "8"))) {
                Optional<Drift> drift = verifier.compare("category_sales", asOf, parameters);
                assertThat(drift).as(() -> "category_sales " + parameters + " as of " + asOf + ": "
                        + drift.map(Drift::describe).orElse("")).isEmpty();
            }
        }
    }

    private static void assertVitalsExact(OffsetDateTime... moments) {
        RollupVerifier verifier = new RollupVerifier(database.dataSource());
        for (OffsetDateTime asOf : moments) {
            Optional<Drift> drift = verifier.compare("shop_vitals", asOf, Map.of());
            assertThat(drift).as(() -> "shop_vitals as of " + asOf + ": " + drift.map(Drift::describe).orElse(""))
                    .isEmpty();
        }
    }

    private static OffsetDateTime at(String local) {
        return LocalDateTime.parse(local).atZone(SHOP).toOffsetDateTime();
    }
}
