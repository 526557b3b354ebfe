package shopflow.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * 16 threads placing orders and moving them through random transitions on a few products and one
 * limited coupon: afterwards every stock figure and the coupon count must be exact. Run on one
 * node ({@link OrderConcurrencyTest}) and on a Citus cluster ({@code DistributedShopTest}).
 */
public final class ConcurrentOrdersScenario {

    private static final int THREADS = 16;
    private static final int OPERATIONS_PER_THREAD = 80;
    private static final int COUPON_LIMIT = 7;

    private ConcurrentOrdersScenario() {
    }

    /** Runs the writers on an empty ShopFlow database and asserts the figures are exact afterwards. */
    public static void runAndCheck(DataSource dataSource) throws Exception {
        ShopFixture shop = new ShopFixture(dataSource);
        int[] customers = {shop.customer(), shop.customer(), shop.customer()};
        int[] products = new int[4];
        for (int i = 0; i < products.length; i++) {
            products[i] = shop.product((10 + i * 7) + ".99");
            shop.stock(products[i], "north", 25);
            shop.stock(products[i], "south", 15 + i);
        }
        shop.coupon("LIMITED", "percentage", "15", "0", COUPON_LIMIT);
        shop.update("create table initial_stock as select inventory_id, quantity from inventory");

        OrderPlacement placement = new OrderPlacement(dataSource);
        OrderLifecycle lifecycle = new OrderLifecycle(dataSource);
        List<Integer> orders = new CopyOnWriteArrayList<>();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        Map<OrderException.Kind, AtomicInteger> refusals = new ConcurrentHashMap<>();
        AtomicInteger changes = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            orders.add(placement.place(new OrderRequest(customers[i % 3],
                    List.of(new OrderRequest.Line(products[i % 4], 1 + i % 3)), null, null, null), null).orderId());
        }

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> done = new java.util.ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            SplittableRandom random = new SplittableRandom(42 + t);
            done.add(pool.submit(() -> {
                for (int op = 0; op < OPERATIONS_PER_THREAD; op++) {
                    try {
                        if (random.nextInt(10) < 3) {
                            List<OrderRequest.Line> lines = new java.util.ArrayList<>();
                            for (int l = 0, n = 1 + random.nextInt(3); l < n; l++) {
                                lines.add(new OrderRequest.Line(products[random.nextInt(4)], 1 + random.nextInt(4)));
                            }
                            String coupon = random.nextBoolean() ? "LIMITED" : null;
                            orders.add(placement.place(new OrderRequest(customers[random.nextInt(3)], lines, coupon,
                                    null, null), null).orderId());
                        } else {
                            int order = orders.get(random.nextInt(orders.size()));
                            // Favour the forward path so that many orders really ship and come back.
                            OrderStatus[] statuses = OrderStatus.values();
                            OrderStatus status = statuses[random.nextInt(statuses.length)];
                            if (lifecycle.transition(order, status).changed()) {
                                changes.incrementAndGet();
                            }
                        }
                    } catch (OrderException refused) {
                        refusals.computeIfAbsent(refused.kind(), k -> new AtomicInteger()).incrementAndGet();
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(unexpected).as("errors other than refusals (deadlocks, serialization failures, bugs)").isEmpty();
        assertThat(changes.get()).as("status changes made").isGreaterThan(100);
        assertThat(shop.scalar("select count(*) from stock_movements where reason = 'ship'")).isNotEqualTo("0");

        // Every inventory row: initial - shipped + returned, exactly, and never below zero.
        assertThat(shop.scalar("""
                select count(*) from inventory i
                join initial_stock s using (inventory_id)
                left join (select product_id, warehouse,
                                  sum(-quantity) filter (where reason = 'ship')   as shipped,
                                  sum(quantity)  filter (where reason = 'return') as returned
                           from stock_movements group by 1, 2) m using (product_id, warehouse)
                where i.quantity <> s.quantity - coalesce(m.shipped, 0) + coalesce(m.returned, 0)
                   or i.quantity < 0""")).isEqualTo("0");
        // Every order's net movement matches its status: its lines are out while shipped or delivered, else nothing is.
        assertThat(shop.scalar("""
                select count(*) from orders o
                left join (select order_id, sum(quantity) as moved from stock_movements group by order_id) m
                       using (order_id)
                left join (select order_id, sum(quantity) as units from order_items group by order_id) i
                       using (order_id)
                where coalesce(m.moved, 0) <> case when o.status in ('shipped', 'delivered') then -i.units else 0 end
                """)).isEqualTo("0");
        // Every stock change is matched by a movement: total stock moved = total of movements.
        assertThat(shop.scalar("""
                select (select sum(quantity) from inventory) - (select sum(quantity) from initial_stock)
                     - (select coalesce(sum(quantity), 0) from stock_movements)""")).isEqualTo("0");
        // The coupon: used exactly up to its limit, once per order that carries it.
        assertThat(shop.scalar("select times_used from coupons where code = 'LIMITED'")).isEqualTo(String.valueOf(COUPON_LIMIT));
        assertThat(shop.scalar("select count(*) from order_coupons")).isEqualTo(String.valueOf(COUPON_LIMIT));
        assertThat(refusals).containsKey(OrderException.Kind.CONFLICT);
    }
}
