package shopflow.generate;

import java.util.SplittableRandom;

/**
 * Writes one customer's orders in time order, as {@link OrderSchedule} spaces them: a basket for
 * each (honest ones kept under a multiple of the customer's average so far), the order itself, and
 * the fraud injected labelled in {@code fraud_ground_truth} once it is recognisable (a burst from
 * its fourth order on, card testing likewise, a spike when it is five times the average).
 */
final class OrderHistory {

    /** A normal order never costs more than this many times the customer's earlier average. */
    private static final double NORMAL_MULTIPLE_CAP = 4.0;

    private final CustomerPlan plan;
    private final OrderSchedule schedule;
    private final Basket basket;
    private final OrderWriter orders;
    private final CopyBuffer fraudGroundTruth;
    private long nextOrderId;

    OrderHistory(GenerationContext context, ChunkRows rows, Basket basket, OrderWriter orders, long firstOrderId) {
        this.plan = context.plan();
        this.schedule = new OrderSchedule(context.calendar());
        this.basket = basket;
        this.orders = orders;
        this.fraudGroundTruth = rows.of(Table.FRAUD_GROUND_TRUTH);
        this.nextOrderId = firstOrderId;
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
        int burstSeen = 0;
        int cardSeen = 0;
        long lastTime = 0;
        for (long entry : entries) {
            long at = OrderSchedule.time(entry);
            int type = OrderSchedule.kind(entry);
            long orderId = nextOrderId++;
            String pattern = null;
            switch (type) {
                case OrderSchedule.NORMAL, OrderSchedule.BURST -> {
                    double cap = earlierCount == 0 ? Double.MAX_VALUE : NORMAL_MULTIPLE_CAP * earlierSum / earlierCount;
                    basket.normal(random, preferred, at, cap);
                    if (type == OrderSchedule.BURST && burstSeen++ >= 3) {
                        pattern = "burst";
                    }
                }
                case OrderSchedule.SPIKE -> {
                    double average = earlierCount == 0 ? 5_000 : (double) earlierSum / earlierCount;
                    basket.big(random, (long) (average * 10));
                }
                case OrderSchedule.NEW_ACCOUNT -> {
                    basket.big(random, 60_000 + random.nextInt(90_000));
                    pattern = "new_account";
                }
                default -> {
                    basket.singleCheapItem(random);
                    if (cardSeen++ >= 3) {
                        pattern = "card_testing";
                    }
                }
            }
            boolean fraudulent = type != OrderSchedule.NORMAL;
            long total = orders.write(random, orderId, id, at, fraudulent,
                    type == OrderSchedule.CARD_TEST ? "credit_card" : payment, device);
            if (type == OrderSchedule.SPIKE && earlierCount > 0 && total > 5.0 * earlierSum / earlierCount) {
                pattern = "high_multiple";
            }
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
