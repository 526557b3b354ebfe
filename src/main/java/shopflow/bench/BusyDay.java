package shopflow.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import shopflow.db.Database;
import shopflow.orders.OrderException;
import shopflow.rollups.Rollups;

/**
 * Makes today a busy day: places orders dated now through place_order (as the API places them,
 * the rollups kept as usual) until today has {@code orders} more, so that {@code bench api} can show
 * whether a panel's cost grows with the day's orders. Only ever run on a scratch copy of a shop.
 */
public final class BusyDay {

    private static final int THREADS = 4;
    private static final int PROGRESS_EVERY = 5_000;

    private BusyDay() {
    }

    /**
     * Places {@code orders} orders, telling {@code progress} every {@value #PROGRESS_EVERY}; an order
     * refused (a product out of stock) is tried again with others. Folds what the triggers left
     * pending, so the rollups are as a server would have them.
     */
    public static void place(Database database, int orders, IntConsumer progress) {
        RandomTraffic traffic = new RandomTraffic(database);
        AtomicInteger placed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> placers = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            long seed = 42 + i;
            placers.add(pool.submit(() -> {
                Random random = new Random(seed);
                int refusedInARow = 0;
                while (placed.get() < orders && refusedInARow < 1_000) {
                    try {
                        traffic.placeOrder(random);
                        refusedInARow = 0;
                    } catch (OrderException refused) {
                        refusedInARow++;
                        continue;
                    }
                    int count = placed.incrementAndGet();
                    if (count % PROGRESS_EVERY == 0) {
                        progress.accept(count);
                    }
                }
            }));
        }
        pool.shutdown();
        try {
            for (Future<?> placer : placers) {
                placer.get(); // a placer's failure (the database lost) stops the bench, naming it
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while placing orders", e);
        } catch (ExecutionException e) {
            pool.shutdownNow();
            throw new IllegalStateException("placing orders failed: " + e.getCause().getMessage(), e.getCause());
        }
        if (placed.get() < orders) {
            throw new IllegalStateException("placed only " + placed.get() + " of " + orders
                    + " orders: the shop refused a thousand in a row (out of stock?)");
        }
        Rollups.fold(database.dataSource());
    }
}
