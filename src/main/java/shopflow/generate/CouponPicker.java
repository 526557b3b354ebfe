package shopflow.generate;

import java.util.SplittableRandom;

/**
 * Which coupon an honest order uses, if any. Counts this chunk's uses against the quotas
 * {@link CouponBook} gave it (a share of each limited coupon, and a flash code of its own), so no
 * chunk needs to know what another did and max_uses is never passed.
 */
final class CouponPicker {

    private final CouponBook coupons;
    private final int[] uses;
    private final CouponBook.Coupon flash;
    private int flashUses;

    CouponPicker(GenerationContext context, int chunk) {
        this.coupons = context.coupons();
        this.uses = new int[coupons.shared().size()];
        this.flash = coupons.flash(chunk);
    }

    /**
     * A coupon valid on the order's day whose minimum the subtotal meets and whose quota this chunk has
     * not used up: customers use campaign codes often during a campaign, everyday codes rarely.
     */
    CouponBook.Coupon pick(SplittableRandom random, long day, long subtotal) {
        double r = random.nextDouble();
        if (flash.validOn(day) && subtotal >= flash.minOrderCents() && flashUses < flash.chunkQuota() && r < 0.5) {
            flashUses++;
            return flash;
        }
        CouponBook.Coupon everyday = null;
        for (CouponBook.Coupon c : coupons.shared()) {
            if (!c.validOn(day) || subtotal < c.minOrderCents() || uses[c.id() - 1] >= c.chunkQuota()) {
                continue;
            }
            if (c.campaign() && r < 0.2) {
                uses[c.id() - 1]++;
                return c;
            }
            if (!c.campaign() && everyday == null) {
                everyday = c;
            }
        }
        if (everyday != null && r < 0.2) {
            uses[everyday.id() - 1]++;
            return everyday;
        }
        return null;
    }
}
