package shopflow.generate;

import java.time.OffsetDateTime;
import java.time.ZoneId;

/**
 * What to generate. Checked once, before anything touches the database, with messages naming the
 * option and what it accepts.
 */
public record GeneratorSettings(double scale, long seed, OffsetDateTime asOf, ZoneId zone, int threads,
        boolean replace) {

    public static final double MAX_SCALE = 100;
    public static final double MIN_SCALE = 0.001;
    public static final int MAX_THREADS = 64;

    public GeneratorSettings {
        if (!(scale >= MIN_SCALE && scale <= MAX_SCALE)) {
            throw new IllegalArgumentException("--scale must be between " + MIN_SCALE + " and " + (int) MAX_SCALE
                    + " (1 = the shop's size: 460,000 customer accounts, 500,000 orders), got " + scale);
        }
        if (seed < 0) {
            throw new IllegalArgumentException("--seed must be a whole number from 0 to " + Long.MAX_VALUE + ", got " + seed);
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("--threads must be between 1 and " + MAX_THREADS + ", got " + threads);
        }
        int year = asOf.getYear();
        if (year < 2002 || year > 2100) {
            throw new IllegalArgumentException("--as-of must fall between the years 2002 and 2100 (two years of"
                    + " history end there), got " + asOf);
        }
    }
}
