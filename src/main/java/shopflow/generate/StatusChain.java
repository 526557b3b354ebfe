package shopflow.generate;

import java.util.SplittableRandom;

/**
 * One order's status history, as {@code order_status_changes} holds it: placed pending, processed
 * within hours, shipped a day or three after it was placed, delivered a day to five later; a
 * cancellation comes before shipping (from pending or processing), a refund a week to a month
 * after delivery. Only the changes {@code order_status_transitions} allows, each after the one
 * before. The chain stops at the generation's end: an order placed yesterday is where its chain
 * had got by then (pending, processing or shipped), and a refund still to come is not there.
 *
 * <p>Drawn from a stream of the order's own, so the other rows are those the customer's stream
 * gives whatever the chain. Reused from order to order (no object per order).
 */
final class StatusChain {

    /** What becomes of an order, given time. */
    enum Fate {
        DELIVERED, CANCELLED, REFUNDED
    }

    static final String PENDING = "pending";
    static final String PROCESSING = "processing";
    static final String SHIPPED = "shipped";
    static final String DELIVERED = "delivered";
    static final String CANCELLED = "cancelled";
    static final String REFUNDED = "refunded";
    /** Not in the chain. */
    static final long NONE = -1;

    // the lags, in seconds
    static final long MINUTE = 60;
    static final long HOUR = 3600;
    static final long DAY = 86_400;
    static final long PROCESSING_MIN = 10 * MINUTE;
    static final long PROCESSING_MAX = 6 * HOUR;
    static final long SHIPPING_MIN = DAY;
    static final long SHIPPING_MAX = 3 * DAY;
    static final long DELIVERY_MIN = DAY;
    static final long DELIVERY_MAX = 5 * DAY;
    static final long REFUND_MIN = 7 * DAY;
    static final long REFUND_MAX = 30 * DAY;
    static final long CANCEL_MIN = 5 * MINUTE;
    static final long CANCEL_MAX = 2 * DAY;

    private final long seed;
    private final long end;
    private final String[] status = new String[5];
    private final long[] at = new long[5];
    private int count;

    StatusChain(long seed, long end) {
        this.seed = seed;
        this.end = end;
    }

    /** The chain of order {@code orderId}, placed at {@code placedAt}, headed for {@code fate}. */
    void build(long orderId, long placedAt, Fate fate) {
        SplittableRandom random = Streams.of(seed, Streams.STATUS_CHAIN, orderId);
        count = 0;
        add(PENDING, placedAt);
        // Most orders are picked within the hour, a few wait for the next shift: spread evenly
        // over the logarithm of the lag (median about an hour), likewise cancellations (about two
        // hours: most change their mind soon, a few the next day).
        long processed = placedAt + logUniform(random, PROCESSING_MIN, PROCESSING_MAX);
        if (fate == Fate.CANCELLED) {
            long cancelled = placedAt + logUniform(random, CANCEL_MIN, CANCEL_MAX);
            if (processed < cancelled) {
                add(PROCESSING, processed);
            }
            add(CANCELLED, cancelled);
            return;
        }
        add(PROCESSING, processed);
        long shipped = placedAt + SHIPPING_MIN + random.nextLong(SHIPPING_MAX - SHIPPING_MIN);
        add(SHIPPED, shipped);
        // most parcels arrive in a day or two, a few take the whole five
        double u = random.nextDouble();
        long delivered = shipped + DELIVERY_MIN + (long) ((DELIVERY_MAX - DELIVERY_MIN) * u * u);
        add(DELIVERED, delivered);
        if (fate == Fate.REFUNDED) {
            add(REFUNDED, delivered + REFUND_MIN + random.nextLong(REFUND_MAX - REFUND_MIN));
        }
    }

    /** A change, if it happened by the end (later ones neither: the chain's times increase). */
    private void add(String to, long moment) {
        if (moment <= end) {
            status[count] = to;
            at[count] = moment;
            count++;
        }
    }

    private static long logUniform(SplittableRandom random, long min, long max) {
        return Math.round(Math.exp(Math.log(min) + random.nextDouble() * Math.log((double) max / min)));
    }

    /** The order's status at the end: its last change's. */
    String status() {
        return status[count - 1];
    }

    /** When it reached {@link #status()}: the order's updated_at. */
    long updatedAt() {
        return at[count - 1];
    }

    /** When it reached {@code wanted}, or {@link #NONE}. */
    long reached(String wanted) {
        for (int i = 0; i < count; i++) {
            if (status[i].equals(wanted)) {
                return at[i];
            }
        }
        return NONE;
    }

    /** Its rows of order_status_changes: the creation (from null), then each change. */
    void writeTo(CopyBuffer out, long orderId) {
        for (int i = 0; i < count; i++) {
            out.number(orderId).text(i == 0 ? null : status[i - 1]).text(status[i]).timestamp(at[i]).endRow();
        }
    }
}
