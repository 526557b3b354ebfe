package shopflow.generate;

import java.util.SplittableRandom;

/**
 * Writes one customer's orders in time order, as {@link OrderSchedule} spaces them: a basket for
 * each (honest ones mostly under a multiple of the customer's average so far, but now and then a
 * gift or a bulk buy far above it), the order itself, and every order of the fraud injected
 * labelled in {@code fraud_ground_truth} with its pattern, whether or not a rule could tell it
 * (a burst's first orders, a slow burst, card tests above the small-order limit, a spike under
 * five times the average, a new account's order hours after signing up): the ground truth is the
 * fraud, not what the review's rules look for.
 */
final class OrderHistory {

    /** A normal order costs at most this many times the customer's earlier average, but for the unusual ones. */
    private static final double NORMAL_MULTIPLE_CAP = 4.0;
    /**
     * Chance an honest repeat order is unusual: a gift or a bulk buy of 5 to 12 times the
     * customer's average (the false alarms a high-multiple rule raises in a real shop).
     */
    static final double UNUSUAL_CHANCE = 0.003;

    private final CustomerPlan plan;
    private final OrderSchedule schedule;
    private final Basket basket;
    private final OrderWriter orders;
    private final CopyBuffer fraudGroundTruth;
    private final long seed;
    private long nextOrderId;

    OrderHistory(GenerationContext context, ChunkRows rows, Basket basket, OrderWriter orders, long firstOrderId) {
        this.plan = context.plan();
        this.schedule = new OrderSchedule(context.calendar());
        this.basket = basket;
        this.orders = orders;
        this.fraudGroundTruth = rows.of(Table.FRAUD_GROUND_TRUTH);
        this.nextOrderId = firstOrderId;
        this.seed = context.seed();
    }

    /** The id the next order will get: after the chunk, one past its last order. */
    long nextOrderId() {
        return nextOrderId;
    }

    /** Writes the customer's orders in time order; returns the last order's time (0 if none). */
    long write(int id, SplittableRandom random, CustomerPlan.Kind kind, long signup, int preferred, String payment,
            String device) {
        int index = id - 1;
        long[] entries = schedule.entries(random, plan.normalOrders[index], plan.fraudOrders[index], kind, signup,
                plan.firstOrderAt(index), plan.lastOrderAt(index));
        long earlierSum = 0;
        int earlierCount = 0;
        long lastTime = 0;
        // a card tester's orders: one unit each, or up to three (some above the small-order limit)
        int testUnits = kind == CustomerPlan.Kind.CARD_TESTING && random.nextDouble() < 0.4 ? 3 : 1;
        for (long entry : entries) {
            long at = OrderSchedule.time(entry);
            int type = OrderSchedule.kind(entry);
            long orderId = nextOrderId++;
            String pattern = null;
            switch (type) {
                case OrderSchedule.NORMAL, OrderSchedule.BURST -> {
                    double average = earlierCount == 0 ? 0 : (double) earlierSum / earlierCount;
                    // drawn from a stream of the order's own: the other orders stay as they were
                    SplittableRandom unusual = type == OrderSchedule.NORMAL && earlierCount > 0
                            ? Streams.of(seed, Streams.UNUSUAL_ORDER, orderId) : null;
                    if (unusual != null && unusual.nextDouble() < UNUSUAL_CHANCE) {
                        long target = (long) (average * (5 + 7 * unusual.nextDouble()));
                        if (unusual.nextBoolean()) {
                            basket.big(unusual, target);
                        } else {
                            basket.bulk(unusual, preferred, at, target);
                        }
                    } else {
                        basket.normal(random, preferred, at, earlierCount == 0 ? Double.MAX_VALUE : NORMAL_MULTIPLE_CAP * average);
                    }
                    pattern = type == OrderSchedule.BURST ? "burst" : null;
                }
                case OrderSchedule.SPIKE -> {
                    // 3 to 20 times the average, most under 10
                    double average = earlierCount == 0 ? 5_000 : (double) earlierSum / earlierCount;
                    double u = random.nextDouble();
                    basket.big(random, (long) (average * (3 + 17 * u * u)));
                    pattern = "high_multiple";
                }
                case OrderSchedule.NEW_ACCOUNT -> {
                    basket.big(random, 30_000 + random.nextInt(120_000));
                    pattern = "new_account";
                }
                default -> {
                    basket.singleCheapItem(random, 1 + random.nextInt(testUnits));
                    pattern = "card_testing";
                }
            }
            boolean fraudulent = type != OrderSchedule.NORMAL;
            long total = orders.write(random, orderId, id, at, fraudulent,
                    type == OrderSchedule.CARD_TEST ? "credit_card" : payment, device);
            if (pattern != null) {
                fraudGroundTruth.number(orderId).text(pattern).endRow();
            }
            if (orders.lastKept()) {
                earlierSum += total;
                earlierCount++;
            }
            lastTime = at;
        }
        return lastTime;
    }
}
