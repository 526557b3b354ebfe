package shopflow.bench;

import java.util.Arrays;

/** Wall-clock times of repeated runs of one report, in milliseconds. */
public record ReportTimings(String report, double[] rollupMillis, double[] referenceMillis) {

    public double rollupMedian() {
        return percentile(rollupMillis, 50);
    }

    public double rollupP95() {
        return percentile(rollupMillis, 95);
    }

    public double referenceMedian() {
        return percentile(referenceMillis, 50);
    }

    public double referenceP95() {
        return percentile(referenceMillis, 95);
    }

    /** Whether the report still runs its reference SQL (the same timings on both sides). */
    public boolean sameSql() {
        return rollupMillis == referenceMillis;
    }

    /** How many times faster the rollups answer, by medians. */
    public double speedUp() {
        return referenceMedian() / rollupMedian();
    }

    /** Nearest-rank percentile: the smallest time at least {@code p} percent of the runs did not exceed. */
    static double percentile(double[] millis, int p) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
