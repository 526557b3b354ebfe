package shopflow.generate;

import java.time.LocalDate;
import java.time.Month;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The coupons: a monthly code, Black Friday, Christmas and Boxing Day campaigns, a welcome code,
 * and one short flash code per chunk of customers.
 *
 * <p>A coupon's uses must never pass its {@code max_uses}, yet chunks are generated in parallel.
 * So a limited coupon's uses are split ahead of time: a campaign coupon gives every chunk the
 * same quota (its max_uses is the quota times the number of chunks), and a flash coupon belongs
 * to one chunk alone. No chunk needs to know what another did.
 */
final class CouponBook {

    /** One coupon. Amounts in pence; a percentage is in {@code value} as whole percent. */
    record Coupon(int id, String code, boolean percentage, long value, long minOrderCents, Integer maxUses,
            long validFromDay, long validUntilDay, int chunkQuota, int ownerChunk, boolean campaign) {

        boolean validOn(long epochDay) {
            return epochDay >= validFromDay && epochDay <= validUntilDay;
        }

        long discountFor(long subtotalCents) {
            return percentage ? (subtotalCents * value + 50) / 100 : Math.min(value, subtotalCents);
        }
    }

    static final int NO_QUOTA = Integer.MAX_VALUE;
    private static final long OPEN_END = LocalDate.of(2999, 12, 31).toEpochDay();

    private final List<Coupon> shared = new ArrayList<>();
    private final int chunks;
    private final long seed;
    private final DemandCalendar calendar;

    CouponBook(DemandCalendar calendar, int chunks, long seed) {
        this.calendar = calendar;
        this.chunks = chunks;
        this.seed = seed;
        LocalDate first = calendar.firstDay();
        LocalDate last = calendar.lastDay();
        // Flash codes first (the likeliest to be used on their days), then campaigns, then everyday codes.
        for (int year = first.getYear(); year <= last.getYear(); year++) {
            LocalDate blackFriday = DemandCalendar.blackFriday(year);
            String yy = String.valueOf(year % 100);
            add("BLACKFRIDAY" + yy, true, 20, 0, blackFriday, blackFriday.plusDays(3), 12, true);
            add("XMAS" + yy, false, 1000, 7500, LocalDate.of(year, Month.DECEMBER, 1),
                    LocalDate.of(year, Month.DECEMBER, 20), NO_QUOTA, true);
            add("BOXINGDAY" + yy, true, 15, 2000, LocalDate.of(year, Month.DECEMBER, 26),
                    LocalDate.of(year, Month.DECEMBER, 31), 6, true);
        }
        for (LocalDate month = first.withDayOfMonth(1); !month.isAfter(last); month = month.plusMonths(1)) {
            String name = month.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toUpperCase(Locale.ROOT);
            add("SAVE10-" + name + month.getYear() % 100, true, 10, 4000, month,
                    month.plusMonths(1).minusDays(1), NO_QUOTA, false);
        }
        add("WELCOME5", false, 500, 2500, first, null, NO_QUOTA, false);
    }

    private void add(String code, boolean percentage, long value, long minOrder, LocalDate from, LocalDate until,
            int quota, boolean campaign) {
        if (from.isAfter(calendar.lastDay())) {
            return;
        }
        Integer maxUses = quota == NO_QUOTA ? null : quota * chunks;
        shared.add(new Coupon(shared.size() + 1, code, percentage, value, minOrder, maxUses, from.toEpochDay(),
                until == null ? OPEN_END : until.toEpochDay(), quota, -1, campaign));
    }

    List<Coupon> shared() {
        return shared;
    }

    /** The flash coupon that belongs to one chunk (id after all shared coupons). */
    Coupon flash(int chunk) {
        SplittableRandom random = Streams.of(seed, Streams.CHUNK_COUPONS, chunk);
        long from = calendar.firstDay().toEpochDay() + random.nextInt(DemandCalendar.HISTORY_DAYS - 7);
        int maxUses = 3 + random.nextInt(8);
        String code = "FLASH-" + Long.toString(Streams.mix(seed * 31 + chunk) >>> 4, 36).toUpperCase(Locale.ROOT)
                .substring(0, 6) + chunk;
        return new Coupon(shared.size() + 1 + chunk, code, true, 15, 3000, maxUses, from, from + 6, maxUses, chunk,
                true);
    }

    int chunks() {
        return chunks;
    }

    void writeRows(CopyBuffer out, long asOfEpochDay) {
        for (Coupon coupon : shared) {
            write(out, coupon, asOfEpochDay);
        }
        for (int chunk = 0; chunk < chunks; chunk++) {
            write(out, flash(chunk), asOfEpochDay);
        }
    }

    // columns: coupon_id, code, discount_type, discount_value, min_order_value, max_uses, times_used,
    //          valid_from, valid_until, is_active  (times_used is counted from order_coupons after the load)
    private static void write(CopyBuffer out, Coupon c, long asOfEpochDay) {
        out.number(c.id()).text(c.code()).text(c.percentage() ? "percentage" : "fixed");
        if (c.percentage()) {
            out.money(c.value() * 100);
        } else {
            out.money(c.value());
        }
        out.money(c.minOrderCents());
        if (c.maxUses() == null) {
            out.nullValue();
        } else {
            out.number(c.maxUses());
        }
        out.number(0).date(c.validFromDay());
        if (c.validUntilDay() == OPEN_END) {
            out.nullValue();
        } else {
            out.date(c.validUntilDay());
        }
        out.bool(c.validUntilDay() >= asOfEpochDay).endRow();
    }
}
