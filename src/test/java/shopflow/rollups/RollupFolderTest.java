package shopflow.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

/** The folder: folds every second while folds are quick, in larger batches when they are not. */
class RollupFolderTest {

    @Test
    void waits_a_second_after_a_quick_fold_nine_times_a_slow_one_and_five_seconds_at_most() {
        assertThat(RollupFolder.waitAfter(Duration.ofMillis(20))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RollupFolder.waitAfter(Duration.ofMillis(111))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RollupFolder.waitAfter(Duration.ofMillis(200))).isEqualTo(Duration.ofMillis(1800));
        assertThat(RollupFolder.waitAfter(Duration.ofMillis(500))).isEqualTo(Duration.ofMillis(4500));
        assertThat(RollupFolder.waitAfter(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void folds_what_writers_appended_and_keeps_folding_until_closed() throws Exception {
        List<String> log = new ArrayList<>();
        try (Database database = TestDatabases.fresh(); Connection c = database.connection()) {
            Writes.shop(c, 1, 1);
            RollupFolder folder = new RollupFolder(database.dataSource(), log::add);
            folder.start();
            for (int round = 0; round < 2; round++) {
                Writes.order(c, 1, OffsetDateTime.parse("2026-06-30T10:00+01:00").plusDays(round), "pending",
                        new BigDecimal("10.00"));
                assertThat(pendingOrderDays(c)).isPositive();
                awaitFolded(c);
            }
            folder.close();
            Writes.order(c, 1, OffsetDateTime.parse("2026-07-05T10:00+01:00"), "pending", new BigDecimal("10.00"));
            Thread.sleep(RollupFolder.INTERVAL.multipliedBy(2).toMillis());
            assertThat(pendingOrderDays(c)).isPositive();
            assertThat((Long) Writes.value(c, "select sum(orders)::bigint from rollups.sales_days_folded")).isEqualTo(2L);
        }
        assertThat(log).isEmpty();
    }

    private static long pendingOrderDays(Connection c) throws SQLException {
        return (Long) Writes.value(c, "select count(*) from rollups.sales_hours_pending");
    }

    private static void awaitFolded(Connection c) throws Exception {
        long deadline = System.nanoTime() + RollupFolder.MAX_INTERVAL.multipliedBy(2).toNanos();
        while (pendingOrderDays(c) > 0) {
            assertThat(System.nanoTime()).as("folded within twice the longest wait").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
