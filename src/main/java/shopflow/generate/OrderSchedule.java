package shopflow.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * When one customer orders: their normal orders spread over the calendar's demand, and the orders
 * of the fraud pattern injected into the account, if any. Each moment is one {@code long} entry,
 * {@code time * 8 + kind}, so sorting the entries sorts the orders by time without an object per
 * order.
 */
final class OrderSchedule {

    // order entry kinds
    static final int NORMAL = 0;
    static final int BURST = 1;
    static final int SPIKE = 2;
    static final int NEW_ACCOUNT = 3;
    static final int CARD_TEST = 4;

    /** Normal customers never order twice within this: four orders in an hour is a fraud signal. */
    private static final long MIN_GAP = 2 * 3600;

    private final DemandCalendar calendar;
    private final long end;

    OrderSchedule(DemandCalendar calendar) {
        this.calendar = calendar;
        this.end = calendar.end();
    }

    static long time(long entry) {
        return entry >> 3;
    }

    static int kind(long entry) {
        return (int) (entry & 7);
    }

    /**
     * The customer's {@code normal} normal orders, the first at {@code first} and the last at
     * {@code last} ({@link CustomerPlan}'s timeline), and {@code fraud} fraudulent orders of
     * {@code kind}, sorted by time.
     */
    long[] entries(SplittableRandom random, int normal, int fraud, CustomerPlan.Kind kind, long signup, long first,
            long last) {
        long[] entries = new long[normal + fraud];
        long[] times = normalTimes(random, normal, first, last);
        for (int i = 0; i < normal; i++) {
            entries[i] = times[i] * 8 + NORMAL;
        }
        switch (kind) {
            case BURST -> {
                long start = quietMoment(random, times, signup + 7 * 86_400L, end - 3600);
                for (int i = 0; i < fraud; i++) {
                    start += i == 0 ? 0 : 240 + random.nextInt(360);
                    entries[normal + i] = start * 8 + BURST;
                }
            }
            case HIGH_MULTIPLE -> {
                // after the customer's last normal order, and in the last 25 days: a fraud review
                // queue always has something recent to judge
                long after = Math.max(normal == 0 ? signup + 86_400 : times[normal - 1] + 3 * 3600, end - 25 * 86_400L);
                // no three quiet hours left before as_of: as late as the shop's history goes (the last
                // normal order comes a minute before at the latest)
                long at = after < end - 600 ? after + random.nextLong(end - 600 - after) : end - 60;
                entries[normal] = at * 8 + SPIKE;
            }
            case NEW_ACCOUNT -> entries[normal] = (signup + 120 + random.nextInt(1380)) * 8 + NEW_ACCOUNT;
            case CARD_TESTING -> {
                long at = signup + 300 + random.nextInt(900);
                for (int i = 0; i < fraud; i++) {
                    at += i == 0 ? 0 : 60 + random.nextInt(180);
                    entries[normal + i] = at * 8 + CARD_TEST;
                }
            }
            default -> {
            }
        }
        Arrays.sort(entries);
        return entries;
    }

    /**
     * Normal order moments from {@code first} to {@code last}, those between following the shop's
     * demand, at least {@link #MIN_GAP} apart, sorted.
     */
    private long[] normalTimes(SplittableRandom random, int count, long first, long last) {
        long[] times = new long[count];
        for (int i = 0; i < count; i++) {
            times[i] = i == 0 ? first : i == count - 1 ? last : calendar.sampleInstant(random, first, last + 1);
        }
        Arrays.sort(times);
        for (int i = 1; i < count; i++) {
            times[i] = Math.max(times[i], times[i - 1] + MIN_GAP + random.nextInt(3600));
        }
        for (int i = count - 1; i >= 0; i--) {
            long limit = i == count - 1 ? end - 60 : times[i + 1] - MIN_GAP;
            times[i] = Math.min(times[i], limit);
        }
        return times;
    }

    /** A moment at least three hours from every normal order, for a burst to stand out. */
    private long quietMoment(SplittableRandom random, long[] times, long from, long to) {
        long candidate = from;
        for (int attempt = 0; attempt < 40; attempt++) {
            candidate = calendar.sampleInstant(random, from, to);
            boolean quiet = true;
            for (long t : times) {
                if (Math.abs(t - candidate) < 3 * 3600) {
                    quiet = false;
                    break;
                }
            }
            if (quiet) {
                return candidate;
            }
        }
        return candidate;
    }
}
