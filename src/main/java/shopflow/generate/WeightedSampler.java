package shopflow.generate;

import java.util.SplittableRandom;

/** Draws items with probability proportional to their weights (binary search over cumulative weights). */
final class WeightedSampler {

    private final int[] items;
    private final double[] cumulative;

    WeightedSampler(int[] items, double[] weights) {
        this.items = items;
        this.cumulative = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
        }
    }

    int size() {
        return items.length;
    }

    int sample(SplittableRandom random) {
        return items[indexOf(random.nextDouble() * cumulative[cumulative.length - 1])];
    }

    private int indexOf(double target) {
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] <= target) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
