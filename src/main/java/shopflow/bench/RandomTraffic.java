package shopflow.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import shopflow.db.Database;
import shopflow.db.DatabaseException;
import shopflow.ingest.Event;
import shopflow.orders.OrderPlacement;
import shopflow.orders.OrderRequest;
import shopflow.orders.PlacedOrder;

/**
 * The writes of random shoppers on a shop, dated now: orders of one to three random active products
 * by random active customers (through place_order, as the API places them), and browsing events.
 * The benches that load a shop share it.
 */
final class RandomTraffic {

    private final OrderPlacement placement;
    private final int[] customers;
    private final int[] products;

    RandomTraffic(Database database) {
        this.placement = new OrderPlacement(database.dataSource());
        this.customers = ids(database, "select customer_id from customers where is_active");
        this.products = ids(database, "select product_id from products where is_active");
    }

    PlacedOrder placeOrder(Random random) {
        List<OrderRequest.Line> lines = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            lines.add(new OrderRequest.Line(products[random.nextInt(products.length)], 1 + random.nextInt(2)));
        }
        return placement.place(new OrderRequest(customers[random.nextInt(customers.length)], lines, null, null, "card"), null);
    }

    /** Page views of product pages, every fifth event an add to cart, in random sessions. */
    List<Event> events(int count, Random random) {
        List<Event> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String session = "bench-" + random.nextInt(1_000_000);
            int product = products[random.nextInt(products.length)];
            batch.add(i % 5 == 4
                    ? new Event.CartEvent(session, null, product, "add", 1, OffsetDateTime.now())
                    : new Event.PageView(session, null, "/products/" + product, product, OffsetDateTime.now(), 12, null,
                            "mobile"));
        }
        return batch;
    }

    private static int[] ids(Database database, String sql) {
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<Integer> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
            return ids.stream().mapToInt(Integer::intValue).toArray();
        } catch (SQLException e) {
            throw new DatabaseException(sql + ": " + e.getMessage(), e);
        }
    }
}
