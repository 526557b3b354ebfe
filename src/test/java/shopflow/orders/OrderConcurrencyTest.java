package shopflow.orders;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

/**
 * 16 threads placing orders and moving them through random transitions on a few products and one
 * limited coupon: afterwards every stock figure and the coupon count must be exact.
 */
class OrderConcurrencyTest {

    private static Database database;

    @BeforeAll
    static void open() {
        database = TestDatabases.fresh();
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void concurrent_orders_and_transitions_keep_stock_and_coupons_exact() throws Exception {
        ConcurrentOrdersScenario.runAndCheck(database.dataSource());
    }
}
