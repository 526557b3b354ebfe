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
 * The product reports' kept windows (rollups.product_windows_folded): their rows by hand as the fold
 * adds days, cancellations and partial refunds to them, when the shop day turns (a sale drops out,
 * its later return stays), after a rebuild of the product days alone (not built, read from the
 * spans), and the reports that read them against their reference SQL around each step.
 */
class ProductWindowsTest {

    private static final ZoneId SHOP = ZoneId.of("Europe/London");
    private static final List<String> PRODUCT_REPORTS = List.of("top_products", "category_sales", "shop_vitals");

    private static Database database;

    @BeforeAll
    static void createShop() throws SQLException {
        database = TestDatabases.fresh();
        try (Connection c = database.connection()) {
            // products 1, 2, 3 at 11.00, 12.00, 13.00
            Writes.shop(c, 3, 3);
            Writes.execute(c, "insert into rollups.product_windows_pinned_day values ('2026-11-10')");
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void windows_follow_the_fold_the_day_turning_and_a_rebuild() throws SQLException {
        try (Connection c = database.connection()) {
            int a = Writes.order(c, 1, at("2026-11-10T10:00"), "pending", new BigDecimal("22.00"));
            Writes.line(c, a, 1, 2);
            int b = Writes.order(c, 2, at("2026-11-04T09:00"), "delivered", new BigDecimal("12.00"));
            Writes.line(c, b, 2, 1);
            int old = Writes.order(c, 3, at("2026-10-01T09:00"), "delivered", new BigDecimal("13.00"));
            Writes.line(c, old, 3, 1);
            Writes.execute(c, "select fold_rollups()");

            // 7 days (4-10 Nov) and 30 (12 Oct-10 Nov): A and B; 90 (13 Aug-10 Nov): all three;
            // 30 ending the day before (11 Oct-9 Nov) and two days before (10 Oct-8 Nov): B
            assertThat(windowRows(c)).containsExactly(
                    "1 2026-11-04 2026-11-10 1 2 1 22.00 0.00 22.00", "1 2026-11-04 2026-11-10 2 1 1 12.00 0.00 12.00",
                    "2 2026-10-12 2026-11-10 1 2 1 22.00 0.00 22.00", "2 2026-10-12 2026-11-10 2 1 1 12.00 0.00 12.00",
                    "3 2026-08-13 2026-11-10 1 2 1 22.00 0.00 22.00", "3 2026-08-13 2026-11-10 2 1 1 12.00 0.00 12.00",
                    "3 2026-08-13 2026-11-10 3 1 1 13.00 0.00 13.00",
                    "4 2026-10-11 2026-11-09 2 1 1 12.00 0.00 12.00",
                    "5 2026-10-10 2026-11-08 2 1 1 12.00 0.00 12.00");
            assertExact(at("2026-11-10T12:00"), at("2026-11-10T09:59:59"), at("2026-11-10T00:00"));

            // pending: B refunded whole (its return on 10 Nov), a partial refund of A, a new order of product 3
            Writes.status(c, b, "refunded");
            Writes.execute(c, "update order_status_changes set changed_at = timestamptz '" + at("2026-11-10T11:00")
                    + "' where order_id = " + b + " and to_status = 'refunded'");
            Writes.execute(c, "select refund_order(" + a + ", amount => 5.00, p_at => timestamptz '"
                    + at("2026-11-10T11:30") + "')");
            int d = Writes.order(c, 3, at("2026-11-10T11:45"), "pending", new BigDecimal("13.00"));
            Writes.line(c, d, 3, 1);
            assertThat((Long) Writes.value(c, "select count(*) from rollups.product_days_pending")).isPositive();
            assertExact(at("2026-11-10T12:00"), at("2026-11-10T11:40"));

            Writes.execute(c, "select fold_rollups()");
            // B's 12.00 returned on 10 Nov; A's 5.00 refunded (no units back); D's 13.00 placed
            assertThat(windowRows(c)).contains(
                    "1 2026-11-04 2026-11-10 1 2 1 22.00 5.00 17.00", "1 2026-11-04 2026-11-10 2 1 1 12.00 12.00 0.00",
                    "1 2026-11-04 2026-11-10 3 1 1 13.00 0.00 13.00",
                    "4 2026-10-11 2026-11-09 2 1 1 12.00 0.00 12.00");
            assertExact(at("2026-11-10T12:00"), at("2026-11-10T23:59:59.999999"));

            // the shop day turns: the 7 days are 5-11 Nov, B's sale drops out and its return stays
            Writes.execute(c, "update rollups.product_windows_pinned_day set day = '2026-11-11'");
            Writes.execute(c, "select fold_rollups()");
            assertThat(windowRows(c)).contains(
                    "1 2026-11-05 2026-11-11 2 0 0 0.00 12.00 -12.00",
                    "4 2026-10-12 2026-11-10 2 1 1 12.00 12.00 0.00");
            assertExact(at("2026-11-11T08:00"), at("2026-11-11T00:00"), at("2026-11-10T12:00"));

            // the product days rebuilt alone: no window holds until the next fold, the reports stay exact
            List<String> kept = windowRows(c);
            Writes.execute(c, "select rebuild_product_sales_rollups()");
            assertThat((Long) Writes.value(c, "select count(*) from rollups.product_windows where first_day is not null"))
                    .isZero();
            assertExact(at("2026-11-11T08:00"));
            Writes.execute(c, "select fold_rollups()");
            assertThat((Long) Writes.value(c, "select count(*) from rollups.product_windows where first_day is not null"))
                    .isEqualTo(5L);
            assertThat(windowRows(c)).as("rolled by a day, then built whole").isEqualTo(kept);
            assertExact(at("2026-11-11T08:00"));

            // two days on (built whole again): the 30 days ending 12 Nov keep A, B (its sale and return) and D
            Writes.execute(c, "update rollups.product_windows_pinned_day set day = '2026-11-13'");
            Writes.execute(c, "select fold_rollups()");
            assertThat(windowRows(c)).contains("2 2026-10-15 2026-11-13 2 1 1 12.00 12.00 0.00",
                    "4 2026-10-14 2026-11-12 3 1 1 13.00 0.00 13.00");
            assertExact(at("2026-11-13T12:00"));
        }
    }

    /** Each kept row: window, its days, product, units, orders, gross sales, returns, net sales. */
    private static List<String> windowRows(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "select concat_ws(' ', kept.window_id, windows.first_day, windows.last_day, kept.product_id, kept.units,"
                        + " kept.orders, kept.gross_sales, kept.returns, kept.net_sales)"
                        + " from rollups.product_windows_folded kept join rollups.product_windows windows using (window_id)"
                        + " where kept.orders <> 0 or kept.returns <> 0 order by kept.window_id, kept.product_id")) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        }
        return rows;
    }

    private static void assertExact(OffsetDateTime... moments) {
        RollupVerifier verifier = new RollupVerifier(database.dataSource());
        for (OffsetDateTime asOf : moments) {
            for (String report : PRODUCT_REPORTS) {
                for (Map<String, String> parameters : List.of(Map.<String, String>of(), Map.of("days", "7"),
                        Map.of("days", "90", "limit", "1"), Map.of("days", "8"))) {
                    if (report.equals("category_sales") && parameters.containsKey("limit")) {
                        continue;
                    }
                    if (report.equals("shop_vitals") && parameters.containsKey("limit")) {
                        continue;
                    }
                    Optional<Drift> drift = verifier.compare(report, asOf, parameters);
                    assertThat(drift).as(() -> report + " " + parameters + " as of " + asOf + ": "
                            + drift.map(Drift::describe).orElse("")).isEmpty();
                }
            }
        }
    }

    private static OffsetDateTime at(String local) {
        return LocalDateTime.parse(local).atZone(SHOP).toOffsetDateTime();
    }
}
