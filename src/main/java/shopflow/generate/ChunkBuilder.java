package shopflow.generate;

import java.util.SplittableRandom;

/**
 * Writes one chunk of customers with everything they did: addresses, orders and their lines and
 * coupons, the sessions that led to orders, browsing sessions that did not, and injected fraud.
 * Each customer draws from a stream of their own, so a chunk's rows depend only on the seed and
 * the chunk's number.
 *
 * <p>The work is split by what it writes: {@link CustomerWriter} (customers, addresses),
 * {@link OrderHistory} with {@link OrderSchedule} (when each customer orders, fraud included),
 * {@link Basket} (what goes in an order), {@link OrderWriter} with {@link CouponPicker} and
 * {@link Shipments} (orders, lines, coupons, stock movements) and {@link SessionWriter} with
 * {@link SessionEvents} (the clickstream). They share this chunk's buffers and one basket and
 * one session, reused from order to order: a chunk is built without an object per row.
 */
final class ChunkBuilder {

    private final GenerationContext context;
    private final int chunk;
    private final ChunkRows rows = new ChunkRows();
    private final CustomerWriter customers;
    private final OrderHistory orders;
    private final SessionWriter sessions;

    ChunkBuilder(GenerationContext context, int chunk) {
        this.context = context;
        this.chunk = chunk;
        Basket basket = new Basket(context.catalog(), context.calendar());
        this.sessions = new SessionWriter(context, chunk, rows, basket);
        OrderWriter orderWriter = new OrderWriter(context, rows, basket, new CouponPicker(context, chunk),
                new Shipments(context, rows, basket), sessions);
        this.orders = new OrderHistory(context, rows, basket, orderWriter, context.plan().orderOffset(chunk) + 1);
        this.customers = new CustomerWriter(context, rows, orders);
    }

    ChunkRows build() {
        Sizes sizes = context.sizes();
        for (int id = sizes.firstCustomer(chunk); id <= sizes.lastCustomer(chunk); id++) {
            customers.write(id);
        }
        long expected = context.plan().orderOffset(chunk + 1) + 1;
        if (orders.nextOrderId() != expected) {
            throw new IllegalStateException("chunk " + chunk + " wrote orders up to " + (orders.nextOrderId() - 1)
                    + ", planned " + (expected - 1));
        }
        SplittableRandom random = Streams.of(context.seed(), Streams.CHUNK_SESSIONS, chunk);
        for (int s = sizes.browsingSessions(chunk); s > 0; s--) {
            sessions.browsingSession(random);
        }
        return rows;
    }
}
