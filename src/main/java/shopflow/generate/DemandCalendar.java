package shopflow.generate;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The shop's two years of history, day by day in its own time zone, and how busy each day and hour
 * is: weekends above weekdays, a quiet January, Black Friday to Cyber Monday, the run-up to
 * Christmas, a dead Christmas Day, Boxing Day sales. Signups also grow over the years (the
 * customer base, and so the orders, grow with them).
 */
final class DemandCalendar {

    static final int HISTORY_DAYS = 730;
    /** Signups per day grow by this factor a year: the shop's sales grow by about as much. */
    static final double SIGNUP_GROWTH_PER_YEAR = 1.2;
    /**
     * Sessions that do not order rise on the year's peaks as this power of the day's demand weight:
     * Black Friday's 5 gives them 2.4 times a November day, about as much as its orders rise
     * (2.5-3: the weight counts only for the orders the buyers' timelines leave to the calendar),
     * so its conversion stays that of a usual day; with the full weight (4.3 times) it fell to
     * 60 % of a usual day's, and every Black Friday was a conversion alert. Real shops see
     * Black Friday's conversion at or above a usual day's: shoppers come to buy.
     */
    static final double BROWSING_PEAK_EXPONENT = 0.6;
    private static final double[] HOUR_WEIGHTS = {
        0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 0.9, 1.0, 1.1, 1.2,
        1.3, 1.25, 1.1, 1.05, 1.05, 1.1, 1.3, 1.5, 1.6, 1.5, 1.1, 0.6};

    private final ZoneId zone;
    private final long end;
    private final LocalDate firstDay;
    private final long[] dayStart;          // epoch second each local day starts, plus one past the last
    private final double[] demand;          // cumulative demand weight by day
    private final double[] signups;         // cumulative signup weight by day
    private final double[] browsing;        // cumulative browsing-session weight by day
    private final double[] seasonal;        // demand weight of each day
    private final double[] hourCumulative;

    DemandCalendar(OffsetDateTime asOf, ZoneId zone) {
        this.zone = zone;
        this.end = asOf.toEpochSecond();
        LocalDate lastDay = asOf.atZoneSameInstant(zone).toLocalDate();
        this.firstDay = lastDay.minusDays(HISTORY_DAYS - 1);
        int days = HISTORY_DAYS;
        dayStart = new long[days + 1];
        seasonal = new double[days];
        demand = new double[days];
        signups = new double[days];
        browsing = new double[days];
        double demandSum = 0;
        double signupSum = 0;
        double browsingSum = 0;
        for (int i = 0; i <= days; i++) {
            LocalDate day = firstDay.plusDays(i);
            dayStart[i] = day.atStartOfDay(zone).toEpochSecond();
            if (i == days) {
                break;
            }
            double weight = weekly(day) * yearly(day);
            // The last day counts whole, as every other: sampleFrom draws again a moment past
            // as_of, so the day keeps its hours' weights up to as_of. Cutting its weight to the
            // share of its clock time elapsed as well thinned its hours twice: 5 hours after
            // midnight (4 % of a day's demand, 21 % of its clock), a third of the usual page views.
            seasonal[i] = weight;
            demandSum += weight;
            demand[i] = demandSum;
            signupSum += weight * Math.pow(SIGNUP_GROWTH_PER_YEAR, i / 365.0);
            signups[i] = signupSum;
            browsingSum += weekly(day) * Math.pow(yearly(day), BROWSING_PEAK_EXPONENT);
            browsing[i] = browsingSum;
        }
        hourCumulative = new double[24];
        double hours = 0;
        for (int h = 0; h < 24; h++) {
            hours += HOUR_WEIGHTS[h];
            hourCumulative[h] = hours;
        }
    }

    long start() {
        return dayStart[0];
    }

    long end() {
        return end;
    }

    ZoneId zone() {
        return zone;
    }

    /** The shop-local date (as an epoch day) of an instant. */
    long localEpochDay(long epochSecond) {
        int index = dayIndex(epochSecond);
        return firstDay.toEpochDay() + index;
    }

    LocalDate firstDay() {
        return firstDay;
    }

    LocalDate lastDay() {
        return firstDay.plusDays(HISTORY_DAYS - 1);
    }

    /** How busy a local date is compared with an ordinary weekday (1.0). */
    double seasonalWeight(long epochDay) {
        int index = (int) (epochDay - firstDay.toEpochDay());
        return index >= 0 && index < seasonal.length ? seasonal[index] : 1.0;
    }

    /** A signup moment: more recent days are likelier (the shop grows). */
    long sampleSignup(SplittableRandom random) {
        return sampleFrom(signups, random, dayStart[0], end);
    }

    /**
     * A browsing session's start in [from, to): the week's and the day's rhythm as orders, the
     * year's peaks flatter ({@link #BROWSING_PEAK_EXPONENT}).
     */
    long sampleBrowsingInstant(SplittableRandom random, long from, long to) {
        return sampleFrom(browsing, random, from, to);
    }

    /** A moment in [from, to) following the shop's daily and hourly rhythm. */
    long sampleInstant(SplittableRandom random, long from, long to) {
        return sampleFrom(demand, random, from, to);
    }

    private long sampleFrom(double[] cumulative, SplittableRandom random, long from, long to) {
        from = Math.max(from, dayStart[0]);
        to = Math.min(to, end);
        if (to - from < 2) {
            return from;
        }
        int first = dayIndex(from);
        int last = dayIndex(to - 1);
        double lo = first == 0 ? 0 : cumulative[first - 1];
        double hi = cumulative[last];
        for (int attempt = 0; attempt < 8; attempt++) {
            double target = lo + random.nextDouble() * (hi - lo);
            int day = Math.min(last, Math.max(first, search(cumulative, target)));
            int hour = search(hourCumulative, random.nextDouble() * hourCumulative[23]);
            long moment = Math.min(dayStart[day + 1] - 1, hourStart(day, hour) + random.nextInt(3600));
            if (moment >= from && moment < to) {
                return moment;
            }
        }
        // A window shorter than the hours the draws land in: any moment inside it will do.
        return from + random.nextLong(to - from);
    }

    /**
     * When the local hour begins. On the days the clocks change the hours are counted on the
     * clock, not from midnight: counted from midnight, the evening peak of the day the clocks
     * go back fell an hour early against every earlier week (a dozen false alerts).
     */
    private long hourStart(int day, int hour) {
        if (dayStart[day + 1] - dayStart[day] == 86_400) {
            return dayStart[day] + hour * 3600L;
        }
        // the hour the clocks repeat is taken in its second pass, as PostgreSQL reads a local time then
        // (the offset after the change), so the shop-hour windows of the reports and alerts hold it
        return ZonedDateTime.ofLocal(firstDay.plusDays(day).atTime(hour, 0), zone, null).withLaterOffsetAtOverlap()
                .toEpochSecond();
    }

    int dayIndex(long epochSecond) {
        int index = Arrays.binarySearch(dayStart, epochSecond);
        int day = index >= 0 ? index : -index - 2;
        return Math.max(0, Math.min(HISTORY_DAYS - 1, day));
    }

    private static int search(double[] cumulative, double target) {
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

    /** A UK online week: Sunday evening and Monday strongest, Friday and Saturday (out, not online) weakest. */
    private static double weekly(LocalDate day) {
        return switch (day.getDayOfWeek()) {
            case MONDAY -> 1.1;
            case TUESDAY -> 1.05;
            case WEDNESDAY, THURSDAY -> 1.0;
            case FRIDAY -> 0.9;
            case SATURDAY -> 0.8;
            case SUNDAY -> 1.08;
        };
    }

    private static double yearly(LocalDate day) {
        LocalDate blackFriday = blackFriday(day.getYear());
        long fromBlackFriday = day.toEpochDay() - blackFriday.toEpochDay();
        if (fromBlackFriday == 0) {
            // the orders placed on a repeat buyer's own rhythm do not follow the calendar: 5.0 comes out
            // as about three times an ordinary November day
            return 5.0;
        }
        if (fromBlackFriday == 1 || fromBlackFriday == 2) {
            return 1.6;
        }
        if (fromBlackFriday == 3) {
            return 2.5; // Cyber Monday
        }
        if (day.getMonth() == Month.DECEMBER) {
            int d = day.getDayOfMonth();
            if (d <= 18) {
                return 1.5;
            }
            if (d <= 22) {
                return 1.3;
            }
            return switch (d) {
                case 23 -> 0.9;
                case 24 -> 0.6;
                case 25 -> 0.3;
                case 26 -> 1.6; // Boxing Day sales
                default -> 1.1;
            };
        }
        if (day.getMonth() == Month.JANUARY && day.getDayOfMonth() <= 7) {
            return 1.25; // January sales
        }
        return switch (day.getMonth()) {
            case JANUARY -> 0.85;
            case FEBRUARY -> 0.9;
            case MARCH -> 0.95;
            case JUNE -> 0.95;
            case JULY, AUGUST -> 0.9;
            case OCTOBER -> 1.05;
            case NOVEMBER -> 1.15;
            default -> 1.0;
        };
    }

    /** The day after the fourth Thursday of November. */
    static LocalDate blackFriday(int year) {
        return LocalDate.of(year, Month.NOVEMBER, 1)
                .with(TemporalAdjusters.dayOfWeekInMonth(4, DayOfWeek.THURSDAY))
                .plusDays(1);
    }
}
