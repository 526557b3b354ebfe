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
                // Half the bursts quick (a minute or a few apart), three in ten brisk (4 to 14
                // minutes), a fifth spread out (15 to 45 minutes: a thief keeping under a rate limit)
                double speed = random.nextDouble();
                int gap = speed < 0.5 ? 60 : speed < 0.8 ? 240 : 900;
                int spread = speed < 0.5 ? 240 : speed < 0.8 ? 600 : 1800;
                long start = quietMoment(random, times, signup + 7 * 86_400L, end - 60 - (long) fraud * (gap + spread));
                for (int i = 0; i < fraud; i++) {
                    start += i == 0 ? 0 : gap + random.nextInt(spread);
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
            // most minutes after signing up, a fifth an hour or more (the account left to age a little)
            case NEW_ACCOUNT -> entries[normal] = Math.min(end - 1, signup + (random.nextDouble() < 0.8
                    ? 120 + random.nextInt(2880) : 3600 + random.nextInt(5 * 3600))) * 8 + NEW_ACCOUNT;
            case CARD_TESTING -> {
                // a script trying cards every 20 seconds to 4 minutes, or a person every 1 to 10
                long at = signup + 300 + random.nextInt(900);
                boolean script = random.nextDouble() < 0.6;
                long[] tries = new long[fraud];
                for (int i = 0; i < fraud; i++) {
                    at += i == 0 ? 0 : script ? 20 + random.nextInt(220) : 60 + random.nextInt(540);
                    tries[i] = at;
                }
                // an account opened just before as_of: its tries squeezed into the time left
                long room = end - 60 - tries[0];
                long span = tries[fraud - 1] - tries[0];
                for (int i = 0; i < fraud; i++) {
                    long t = span > room ? tries[0] + (tries[i] - tries[0]) * Math.max(room, 0) / span : tries[i];
                    entries[normal + i] = Math.min(t, end - 1) * 8 + CARD_TEST;
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
