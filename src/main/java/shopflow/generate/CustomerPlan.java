package shopflow.generate;

import java.util.SplittableRandom;

/**
 * Who the customers are before any row is written: when each signed up, what kind of buyer they
 * are, and how many orders they place in the shop's history and between which moments. Computed
 * once, in one pass (cheap: a few numbers per customer), so every chunk knows where its order ids
 * start and order ids are contiguous and the same whatever the threads.
 *
 * <p>Each buyer lives a timeline of their own, as a real shop's customers do: a first order soon
 * after signing up, then, for about half of them, more orders after gaps of a few months each,
 * until they drift away (each order is followed by another with a chance of their own). So most
 * buyers order once or twice, a few loyal ones often, a month's cohort comes back less and less
 * each month, and the new customers' first orders are a good share of every month's orders. The
 * shop had customers before its history begins (signed up in the two years before, on the same
 * growth): their orders inside the history are its returning trade from the first day, so a year
 * grows on the one before by the signups' growth, not by filling an empty shop.
 */
final class CustomerPlan {

    enum Kind { NEVER, ONCE, REPEAT, BURST, HIGH_MULTIPLE, NEW_ACCOUNT, CARD_TESTING }

    /** Customers who never order (accounts opened and left). */
    private static final double NEVER_SHARE = 0.28;
    /** Buyers who may come back after their first order; the others order once. */
    private static final double RETURNING_SHARE = 0.6;
    /** The typical gap between two orders of a returning buyer, days (each buyer's own spread around it). */
    private static final double GAP_DAYS = 60;
    private static final double GAP_SIGMA = 0.7;
    /** A returning buyer orders again after each order with a chance between these. */
    private static final double MIN_LOYALTY = 0.5;
    private static final double MAX_LOYALTY = 0.9;
    /** Signups grow by this factor a year (as DemandCalendar's), before the history too. */
    private static final double SIGNUP_GROWTH_PER_YEAR = DemandCalendar.SIGNUP_GROWTH_PER_YEAR;

    final long[] signup;
    final Kind[] kind;
    final int[] normalOrders;
    final int[] fraudOrders;
    /** The first and last normal order's moment, seconds after the history's start (0 without orders). */
    final int[] firstOrder;
    final int[] lastOrder;
    private final long[] chunkOrderOffset;
    private final Sizes sizes;
    private final long historyStart;

    CustomerPlan(Sizes sizes, DemandCalendar calendar, long seed) {
        this.sizes = sizes;
        int n = sizes.customers();
        signup = new long[n];
        kind = new Kind[n];
        normalOrders = new int[n];
        fraudOrders = new int[n];
        firstOrder = new int[n];
        lastOrder = new int[n];
        historyStart = calendar.start();
        long end = calendar.end();
        long span = end - historyStart;
        // the share of the customers who signed up in the two years before the history, growth
        // included: the integral of growth^t over [-2, 0] against [-2, 2] years
        double g = Math.log(SIGNUP_GROWTH_PER_YEAR);
        double before = (1 - Math.exp(-2 * g)) / (Math.exp(2 * g) - Math.exp(-2 * g));
        for (int i = 0; i < n; i++) {
            SplittableRandom random = Streams.of(seed, Streams.PLAN, i);
            if (random.nextDouble() < before) {
                // growth-weighted moment in the two years before: inverse of the exponential's CDF
                double u = random.nextDouble();
                double years = Math.log(Math.exp(-2 * g) + u * (1 - Math.exp(-2 * g))) / g;
                signup[i] = historyStart + (long) (years * span / 2);
            } else {
                signup[i] = calendar.sampleSignup(random);
            }
            timeline(i, random, calendar, end);
        }
        injectFraud(seed, calendar);
        chunkOrderOffset = new long[sizes.chunks() + 1];
        for (int c = 0; c < sizes.chunks(); c++) {
            long sum = 0;
            for (int id = sizes.firstCustomer(c); id <= sizes.lastCustomer(c); id++) {
                sum += orders(id - 1);
            }
            chunkOrderOffset[c + 1] = chunkOrderOffset[c] + sum;
        }
    }

    /** The customer's orders inside the history: how many, the first and the last moment. */
    private void timeline(int i, SplittableRandom random, DemandCalendar calendar, long end) {
        kind[i] = Kind.NEVER;
        if (random.nextDouble() < NEVER_SHARE) {
            return;
        }
        // most first orders come within a day of signing up (an account opened to check out), the
        // rest after a few weeks; never in the first hour (that is the new-account fraud signal)
        long delay = random.nextDouble() < 0.6 ? 3600 + random.nextInt(23 * 3600)
                : 3600 + (long) (-Math.log(1 - random.nextDouble()) * 20 * 86_400);
        long at = firstOrderMoment(random, calendar, signup[i], delay, end);
        boolean returning = random.nextDouble() < RETURNING_SHARE;
        double gap = GAP_DAYS * 86_400 * Math.exp(GAP_SIGMA * Streams.gaussian(random));
        double loyalty = MIN_LOYALTY + random.nextDouble() * (MAX_LOYALTY - MIN_LOYALTY);
        int count = 0;
        long first = 0;
        long last = 0;
        while (at < end - 60) {
            if (at >= historyStart) {
                if (count == 0) {
                    first = at;
                }
                last = at;
                count++;
            }
            if (!returning || random.nextDouble() >= loyalty) {
                break;
            }
            // at least a day between two orders of one buyer
            at = buyingMoment(random, calendar, at + 86_400 + (long) (-Math.log(1 - random.nextDouble()) * gap), end);
        }
        normalOrders[i] = count;
        if (count > 0) {
            kind[i] = count == 1 ? Kind.ONCE : Kind.REPEAT;
            firstOrder[i] = (int) (first - historyStart);
            lastOrder[i] = (int) (last - historyStart);
        }
    }

    /**
     * The first order, {@code delay} after signing up: within the day after, at the hours people shop
     * (a delay drawn uniformly put Cyber Monday's signups' first orders at 4 in the morning: 43 orders
     * in an hour of 17), or, after a longer wait, as {@link #buyingMoment}. Before the history there
     * is no calendar to follow.
     */
    private long firstOrderMoment(SplittableRandom random, DemandCalendar calendar, long signedUp, long delay, long end) {
        if (delay >= 86_400) {
            return buyingMoment(random, calendar, signedUp + delay, end);
        }
        if (signedUp + 86_400 <= historyStart) {
            return signedUp + delay;
        }
        return calendar.sampleInstant(random, signedUp + 3600, signedUp + 86_400);
    }

    /**
     * When a buyer ready to order again at {@code ready} (or a few weeks after signing up) does: on
     * a day of the week that follows, as busy as the shop's calendar makes it (a Black Friday
     * email, the week's rhythm), or not yet ({@code end}) for the share of that week after as_of.
     * The timeline's gaps alone ignored the calendar: only the orders between a buyer's first and
     * last followed it, so near as_of, where few buyers have one, Black Friday had 1.4 times a
     * November day's orders against 4 times its sessions, and its conversion fell by two thirds.
     */
    private long buyingMoment(SplittableRandom random, DemandCalendar calendar, long ready, long end) {
        long week = 7 * 86_400L;
        if (ready < historyStart) {
            return ready + random.nextLong(week); // no calendar before the history
        }
        long limit = end - 60;
        if (ready + week > limit && random.nextDouble() * week >= limit - ready) {
            return end;
        }
        return calendar.sampleInstant(random, ready, Math.min(ready + week, limit));
    }

    /** The first normal order's moment (epoch second). */
    long firstOrderAt(int i) {
        return historyStart + firstOrder[i];
    }

    /** The last normal order's moment (epoch second). */
    long lastOrderAt(int i) {
        return historyStart + lastOrder[i];
    }

    /**
     * A handful of customers per pattern, well under 1% of orders. Bursts and high multiples happen to
     * established customers (history needed to compare with), the other two to fresh accounts.
     */
    private void injectFraud(long seed, DemandCalendar calendar) {
        SplittableRandom random = Streams.of(seed, Streams.FRAUD, 0);
        SplittableRandom spikeEnds = Streams.of(seed, Streams.FRAUD, 1);
        double scale = sizes.customers() / (double) Sizes.CUSTOMERS_AT_SCALE_1;
        long end = calendar.end();
        pick(calendar, random, spikeEnds, Kind.BURST, Math.max(3, (int) Math.round(80 * scale)), end - 60L * 86_400, end, i -> 3 + random.nextInt(8));
        pick(calendar, random, spikeEnds, Kind.HIGH_MULTIPLE, Math.max(3, (int) Math.round(150 * scale)), end - 60L * 86_400, end, i -> 1);
        pick(calendar, random, spikeEnds, Kind.NEW_ACCOUNT, Math.max(3, (int) Math.round(120 * scale)), end - 6 * 3600L, end, i -> 1);
        pick(calendar, random, spikeEnds, Kind.CARD_TESTING, Math.max(2, (int) Math.round(50 * scale)), end - 6 * 3600L, end, i -> 4 + random.nextInt(13));
    }

    private void pick(DemandCalendar calendar, SplittableRandom random, SplittableRandom spikeEnds, Kind pattern, int count,
            long signedUpBefore, long end,
            java.util.function.IntUnaryOperator fraudCount) {
        int n = kind.length;
        int picked = 0;
        for (int attempt = 0; attempt < count * 50 && picked < count; attempt++) {
            int i = random.nextInt(n);
            boolean fresh = kind[i] == Kind.NEVER || kind[i] == Kind.ONCE || kind[i] == Kind.REPEAT;
            if (!fresh || signup[i] >= signedUpBefore) {
                continue;
            }
            boolean freshAccount = pattern == Kind.NEW_ACCOUNT || pattern == Kind.CARD_TESTING;
            if (freshAccount && signup[i] < historyStart) {
                continue;
            }
            kind[i] = pattern;
            fraudOrders[i] = fraudCount.applyAsInt(i);
            if (pattern == Kind.BURST || pattern == Kind.HIGH_MULTIPLE) {
                // an established customer: a few normal orders to compare with, over their time here
                long from = Math.max(historyStart, signup[i] + 3600);
                if (normalOrders[i] < 3) {
                    normalOrders[i] = 3;
                    firstOrder[i] = (int) (from - historyStart);
                    // The normal orders end at a moment 4 to 40 days before as_of drawn by the
                    // calendar, so that the spikes after them spread over the last weeks instead of
                    // piling onto the history's last three days (where they tripled the days' sales),
                    // and no hour holds every burst account's last order (all at as_of less 3 days
                    // before: 79 orders in a night hour, a conversion of 35 %). Its own stream: the
                    // picks stay as they were.
                    long last = calendar.sampleInstant(spikeEnds, end - 40 * 86_400L, end - 4 * 86_400L);
                    lastOrder[i] = (int) (Math.max(last, from + 86_400L) - historyStart);
                }
            } else {
                normalOrders[i] = 0;
            }
            picked++;
        }
    }

    int orders(int customerIndex) {
        return normalOrders[customerIndex] + fraudOrders[customerIndex];
    }

    /** The id of the chunk's first order, less one. */
    long orderOffset(int chunk) {
        return chunkOrderOffset[chunk];
    }

    long totalOrders() {
        return chunkOrderOffset[chunkOrderOffset.length - 1];
    }
}
