package shopflow.generate;

import java.util.SplittableRandom;

/**
 * Independent random streams named by (seed, purpose, index). Every piece of data draws from the
 * stream of its own customer or chunk, never from a shared one, so the rows are the same whatever
 * the number of threads or the order in which chunks run.
 */
final class Streams {

    static final long PLAN = 1;
    static final long CUSTOMER = 2;
    static final long CHUNK_SESSIONS = 3;
    static final long CATALOG = 4;
    static final long COUPONS = 5;
    static final long FRAUD = 6;
    static final long CHUNK_COUPONS = 7;
    static final long SHIPMENT = 8;
    static final long STATUS_CHAIN = 9;
    static final long CHECKOUT = 10;
    static final long RESTOCK = 11;
    static final long UNUSUAL_ORDER = 12;

    private Streams() {
    }

    static SplittableRandom of(long seed, long purpose, long index) {
        return new SplittableRandom(mix(mix(mix(seed) ^ purpose * 0x9E3779B97F4A7C15L) ^ index));
    }

    /** A 64-bit hash (the finaliser of SplitMix64): nearby inputs give unrelated outputs. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A normally distributed value (Box-Muller), as SplittableRandom has no nextGaussian on Java 17. */
    static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** Picks an index with the given probabilities (they need not sum to exactly 1). */
    static int choose(SplittableRandom random, double[] probabilities) {
        double u = random.nextDouble();
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            sum += probabilities[i];
            if (u < sum) {
                return i;
            }
        }
        return probabilities.length - 1;
    }

    /** Geometric count of extra events: 0 with probability 1 - p, 1 with p(1 - p), ... capped. */
    static int geometric(SplittableRandom random, double p, int max) {
        int n = 0;
        while (n < max && random.nextDouble() < p) {
            n++;
        }
        return n;
    }
}
