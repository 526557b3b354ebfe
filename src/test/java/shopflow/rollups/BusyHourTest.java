package shopflow.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
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
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportRunner;

/**
 * An hour with many orders, cancellations and partial refunds: the reports that add a window's
 * last hour up to its end (from that hour's rollup less the raw rows after the end, or from the raw
 * rows up to it, whichever are fewer) equal their reference SQL at moments all through the hour,
 * with its changes pending and folded, and read the hour's rollup where they should.
 */
class BusyHourTest {

    private static final ZoneId SHOP = ZoneId.of("Europe/London");
    /** The busy hour: Black Friday 2026, 14:00 to 15:00 in the shop. */
    private static final OffsetDateTime HOUR = LocalDateTime.parse("2026-11-27T14:00").atZone(SHOP).toOffsetDateTime();
    private static final List<String> REPORTS = List.of("revenue_summary", "daily_revenue", "kpi_tiles", "kpi_days");

    private static Database database;

    @BeforeAll
    static void createShop() throws SQLException {
        database = TestDatabases.fresh();
        try (Connection c = database.connection()) {
            Writes.shop(c, 40, 10);
            // the day before the hour, a week and a month before it (the compare windows' ends)
            for (OffsetDateTime earlier : List.of(HOUR.minusHours(3), HOUR.minusDays(7).plusMinutes(20),
                    HOUR.minusMonths(1).plusMinutes(40))) {
                int id = Writes.order(c, 1, earlier, "pending", new BigDecimal("30.00"));
                Writes.line(c, id, 1, 2);
            }
            // 240 orders through the hour, one every 15 seconds, a line or two each; every 7th cancelled and
            // every 5th partly refunded, 4 minutes after it was placed (in the hour, or the next one)
            for (int i = 0; i < 240; i++) {
                OffsetDateTime placed = HOUR.plusSeconds(15L * i).plusNanos(1000L * i);
                int id = Writes.order(c, 1 + i % 40, placed, "processing", new BigDecimal("50.00"));
                Writes.line(c, id, 1 + i % 10, 1 + i % 3);
                if (i % 2 == 0) {
                    Writes.line(c, id, 1 + (i + 3) % 10, 1);
                }
                OffsetDateTime later = placed.plusMinutes(4);
                if (i % 7 == 0) {
                    Writes.status(c, id, "cancelled");
                    Writes.execute(c, "update order_status_changes set changed_at = timestamptz '" + later
                            + "' where order_id = " + id + " and to_status = 'cancelled'");
                } else if (i % 5 == 0) {
                    Writes.execute(c, "select refund_order(" + id + ", amount => 5.00, p_at => timestamptz '" + later + "')");
                }
                if (i == 120) {
                    Writes.execute(c, "select fold_rollups()"); // half the hour folded, half pending
                }
            }
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void reports_equal_their_reference_all_through_a_busy_hour_pending_and_folded() throws SQLException {
        RollupVerifier verifier = new RollupVerifier(database.dataSource());
        List<OffsetDateTime> moments = new ArrayList<>();
        // the hour's start, early (raw rows up to it), at an order, just before one, past the half
        // (the rollup less the rows after), after the last order but before the last returns, the hour's end
        for (long micros : new long[] {0, 1, 600_000_000L, 900_000_000L + 60, 900_000_000L + 59,
                1_950_000_000L, 2_400_000_000L + 160, 3_590_000_000L, 3_599_999_999L}) {
            moments.add(HOUR.plusNanos(micros * 1000));
        }
        moments.add(HOUR.plusHours(1).plusMinutes(3)); // the next hour: its returns of orders of this one
        for (boolean folded : new boolean[] {false, true}) {
            if (folded) {
                try (Connection c = database.connection()) {
                    Writes.execute(c, "select fold_rollups()");
                }
            }
            for (OffsetDateTime asOf : moments) {
                for (String report : REPORTS) {
                    for (Map<String, String> parameters : REPORTS_CASES(report)) {
                        Optional<Drift> drift = verifier.compare(report, asOf, parameters);
                        assertThat(drift).as(() -> (folded ? "folded: " : "pending: ")
                                + drift.map(Drift::describe).orElse("")).isEmpty();
                    }
                }
            }
        }
        // not vacuous: the day holds the hour's orders up to 14:59 and the one of 11:00, and returns
        var runner = new ReportRunner(database.dataSource());
        var today = runner.run(ReportCatalog.load().get("revenue_summary"), HOUR.plusMinutes(59), Map.of());
        assertThat(((Number) today.value(0, "orders")).longValue()).isEqualTo(236L + 1);
        assertThat((BigDecimal) today.value(0, "returns")).isPositive();
    }

    @Test
    void the_hour_up_to_a_moment_is_its_raw_rows_read_from_the_cheaper_side() throws SQLException {
        try (Connection c = database.connection()) {
            // past the half hour, the same sums either way; before it, with orders after, the raw rows
            for (long minutes : new long[] {10, 40, 59}) {
                OffsetDateTime moment = HOUR.plusMinutes(minutes).plusSeconds(7);
                String sums = "select row(orders, gross_sales, discounts, shipping, taxes)::text from hour_sales_to("
                        + "timestamptz '" + HOUR + "', timestamptz '" + moment + "')";
                String raw = "select row(count(*), coalesce(sum(gross_sales), 0), coalesce(sum(discounts), 0),"
                        + " coalesce(sum(shipping), 0), coalesce(sum(taxes), 0))::text from order_sales"
                        + " where created_at between timestamptz '" + HOUR + "' and timestamptz '" + moment + "'";
                assertThat(Writes.value(c, sums)).as("sales to " + moment).isEqualTo(Writes.value(c, raw));
                String returns = "select row(returns, shipping, taxes)::text from hour_returns_to(timestamptz '" + HOUR
                        + "', timestamptz '" + moment + "')";
                String rawReturns = "select row(coalesce(sum(net_sales), 0), coalesce(sum(shipping), 0),"
                        + " coalesce(sum(taxes), 0))::text from order_returns where returned_at between timestamptz '"
                        + HOUR + "' and timestamptz '" + moment + "'";
                assertThat(Writes.value(c, returns)).as("returns to " + moment).isEqualTo(Writes.value(c, rawReturns));
            }
            // which side was read: a row only the rollup has (rolled back) shows past the half hour, not before
            c.setAutoCommit(false);
            Writes.execute(c, "insert into rollups.sales_hours_pending (hour, orders, gross_sales, discounts, shipping,"
                    + " taxes) values (timestamptz '" + HOUR + "', 1000, 0, 0, 0, 0)");
            assertThat(Writes.value(c, "select orders from hour_sales_to(timestamptz '" + HOUR + "', timestamptz '"
                    + HOUR.plusMinutes(40) + "')")).isEqualTo(1160L);
            assertThat(Writes.value(c, "select orders from hour_sales_to(timestamptz '" + HOUR + "', timestamptz '"
                    + HOUR.plusMinutes(10) + "')")).isEqualTo(40L);
            c.rollback();
            c.setAutoCommit(true);
            // a moment before the hour (a window ending on a day's last microsecond): nothing
            assertThat(Writes.value(c, "select orders from hour_sales_to(timestamptz '" + HOUR
                    + "', timestamptz '" + HOUR.minusNanos(1000) + "')")).isEqualTo(0L);
        }
    }

    private static List<Map<String, String>> REPORTS_CASES(String report) {
        return switch (report) {
            case "daily_revenue" -> List.of(Map.of(), Map.of("days", "1"));
            case "kpi_tiles" -> List.of(Map.of(), Map.of("period", "today"), Map.of("period", "last_7_days"));
            case "kpi_days" -> List.of(Map.of());
            default -> List.of(Map.of());
        };
    }
}
