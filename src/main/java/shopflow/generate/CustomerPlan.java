package shopflow.generate;

import java.util.SplittableRandom;

/**
 * Who the customers are before any row is written: when each signed up, what kind of buyer they
 * are, and how many orders they place. Computed once, in one pass (cheap: a few numbers per
 * customer), so every chunk knows where its order ids start and order ids are contiguous and the
 * same whatever the threads.
 *
 * <p>Buyers are on a heavy tail: a third never order, three in ten order once, the rest order at
 * a rate drawn from a wide log-normal, times how long they have been customers.
 */
final class CustomerPlan {

    enum Kind { NEVER, ONCE, REPEAT, BURST, HIGH_MULTIPLE, NEW_ACCOUNT, CARD_TESTING }

    private static final double NEVER_SHARE = 0.33;
    private static final double ONCE_SHARE = 0.30;
    private static final double RATE_SIGMA = 1.15;

    final long[] signup;
    final Kind[] kind;
    final int[] normalOrders;
    final int[] fraudOrders;
    private final long[] chunkOrderOffset;
    private final Sizes sizes;

    CustomerPlan(Sizes sizes, DemandCalendar calendar, long seed) {
        this.sizes = sizes;
        int n = sizes.customers();
        signup = new long[n];
        kind = new Kind[n];
        normalOrders = new int[n];
        fraudOrders = new int[n];
        double[] weight = new double[n];
        double[] jitter = new double[n];
        long end = calendar.end();
        for (int i = 0; i < n; i++) {
            SplittableRandom random = Streams.of(seed, Streams.PLAN, i);
            signup[i] = calendar.sampleSignup(random);
            double u = random.nextDouble();
            double activeDays = (end - signup[i]) / 86_400.0;
            kind[i] = u < NEVER_SHARE ? Kind.NEVER : u < NEVER_SHARE + ONCE_SHARE ? Kind.ONCE : Kind.REPEAT;
            if (kind[i] == Kind.REPEAT && activeDays < 2) {
                kind[i] = Kind.ONCE;
            }
            if (kind[i] == Kind.ONCE && activeDays < 0.25) {
                kind[i] = Kind.NEVER;
            }
            weight[i] = Math.exp(RATE_SIGMA * Streams.gaussian(random)) * Math.max(activeDays, 1) / 365.0;
            jitter[i] = random.nextDouble();
        }
        injectFraud(seed, calendar);
        int fixedOrders = 0;
        for (int i = 0; i < n; i++) {
            if (kind[i] == Kind.ONCE) {
                normalOrders[i] = 1;
            }
            if (kind[i] != Kind.REPEAT && kind[i] != Kind.BURST && kind[i] != Kind.HIGH_MULTIPLE) {
                fixedOrders += normalOrders[i];
            }
            fixedOrders += fraudOrders[i];
        }
        spreadRepeatOrders(Math.max(0, sizes.orders() - fixedOrders), weight, jitter, end);
        chunkOrderOffset = new long[sizes.chunks() + 1];
        for (int c = 0; c < sizes.chunks(); c++) {
            long sum = 0;
            for (int id = sizes.firstCustomer(c); id <= sizes.lastCustomer(c); id++) {
                sum += orders(id - 1);
            }
            chunkOrderOffset[c + 1] = chunkOrderOffset[c] + sum;
        }
    }

    /** Scales repeat buyers' rates so all orders together come close to the target. */
    private void spreadRepeatOrders(int target, double[] weight, double[] jitter, long end) {
        double sum = 0;
        for (int i = 0; i < kind.length; i++) {
            if (isRepeat(i)) {
                sum += weight[i];
            }
        }
        double factor = sum == 0 ? 0 : target / sum;
        for (int round = 0; round < 5; round++) {
            long total = 0;
            for (int i = 0; i < kind.length; i++) {
                if (isRepeat(i)) {
                    int minimum = kind[i] == Kind.REPEAT ? 2 : 3;
                    // At most one order every two days on average: a heavy buyer, not a bot.
                    int cap = (int) Math.max(minimum, (end - signup[i]) / (2 * 86_400));
                    normalOrders[i] = (int) Math.max(minimum, Math.min(cap, Math.floor(factor * weight[i] + jitter[i])));
                    total += normalOrders[i];
                }
            }
            if (total == 0) {
                return;
            }
            factor *= (double) target / total;
        }
    }

    private boolean isRepeat(int i) {
        return kind[i] == Kind.REPEAT || kind[i] == Kind.BURST || kind[i] == Kind.HIGH_MULTIPLE;
    }

    /**
     * A handful of customers per pattern, well under 1% of orders. Bursts and high multiples happen to
     * established customers (history needed to compare with), the other two to fresh accounts.
     */
    private void injectFraud(long seed, DemandCalendar calendar) {
        SplittableRandom random = Streams.of(seed, Streams.FRAUD, 0);
        double scale = sizes.customers() / 50_000.0;
        long end = calendar.end();
        pick(random, Kind.BURST, Math.max(3, (int) Math.round(80 * scale)), end - 60L * 86_400, i -> 4 + random.nextInt(3));
        pick(random, Kind.HIGH_MULTIPLE, Math.max(3, (int) Math.round(150 * scale)), end - 60L * 86_400, i -> 1);
        pick(random, Kind.NEW_ACCOUNT, Math.max(3, (int) Math.round(120 * scale)), end - 6 * 3600L, i -> 1);
        pick(random, Kind.CARD_TESTING, Math.max(2, (int) Math.round(50 * scale)), end - 6 * 3600L, i -> 8 + random.nextInt(7));
    }

    private void pick(SplittableRandom random, Kind pattern, int count, long signedUpBefore,
            java.util.function.IntUnaryOperator fraudCount) {
        int n = kind.length;
        int picked = 0;
        for (int attempt = 0; attempt < count * 50 && picked < count; attempt++) {
            int i = random.nextInt(n);
            boolean fresh = kind[i] == Kind.NEVER || kind[i] == Kind.ONCE || kind[i] == Kind.REPEAT;
            if (!fresh || signup[i] >= signedUpBefore) {
                continue;
            }
            kind[i] = pattern;
            fraudOrders[i] = fraudCount.applyAsInt(i);
            normalOrders[i] = 0;
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
