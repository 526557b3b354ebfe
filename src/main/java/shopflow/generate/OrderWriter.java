package shopflow.generate;

import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Writes the basket as an order: its lines, its coupon, its status history ({@link StatusChain}),
 * its stock movements and the session that led to it.
 */
final class OrderWriter {

    private static final String[] NOTES = {"Please leave with a neighbour", "Gift - no prices please",
        "Deliver after 5pm", "Leave in the porch", "Ring the bell twice"};

    private static final double CANCELLED_SHARE = 0.05;
    /**
     * Refunds by department, as CategoryTree lists them (Electronics, Home & Kitchen, Clothing,
     * Books, Sports & Outdoors, Beauty, Toys & Games): UK fashion returns run at a quarter or more,
     * electronics and books at a few per cent (docs/generator.md).
     */
    private static final double[] REFUND_BY_DEPARTMENT = {0.04, 0.06, 0.22, 0.02, 0.07, 0.03, 0.05};

    private final Catalog catalog;
    private final DemandCalendar calendar;
    private final Basket basket;
    private final CouponPicker coupons;
    private final Shipments shipments;
    private final SessionWriter sessions;
    private final CopyBuffer orders;
    private final CopyBuffer items;
    private final CopyBuffer orderCoupons;
    private final CopyBuffer statusChanges;
    private final StatusChain chain;
    private final long end;
    private final long clickstreamStart;
    /** Whether the last order written keeps its money (not cancelled or refunded). */
    private boolean lastKept;

    OrderWriter(GenerationContext context, ChunkRows rows, Basket basket, CouponPicker coupons, Shipments shipments,
            SessionWriter sessions) {
        this.catalog = context.catalog();
        this.calendar = context.calendar();
        this.basket = basket;
        this.coupons = coupons;
        this.shipments = shipments;
        this.sessions = sessions;
        this.orders = rows.of(Table.ORDERS);
        this.items = rows.of(Table.ORDER_ITEMS);
        this.orderCoupons = rows.of(Table.ORDER_COUPONS);
        this.statusChanges = rows.of(Table.ORDER_STATUS_CHANGES);
        this.end = calendar.end();
        this.chain = new StatusChain(context.seed(), end);
        this.clickstreamStart = context.clickstreamStart();
    }

    /** Writes the basket as an order (lines, coupon, session); returns its total in pence. */
    long write(SplittableRandom random, long orderId, int customerId, long at, boolean fraudulent, String payment,
            String device) {
        long subtotal = 0;
        int firstLine = items.rows();
        for (int i = 0; i < basket.size; i++) {
            items.number(orderId).number(Catalog.productId(basket.product[i])).number(basket.quantity[i])
                    .money(catalog.priceCents[basket.product[i]]).number(basket.pct[i]).money(basket.line[i]).endRow();
            subtotal += basket.line[i];
        }
        long day = calendar.localEpochDay(at);
        long discount = 0;
        CouponBook.Coupon coupon = fraudulent ? null : coupons.pick(random, day, subtotal);
        if (coupon != null) {
            discount = coupon.discountFor(subtotal);
            orderCoupons.number(orderId).number(coupon.id()).money(discount).endRow();
        }
        long net = subtotal - discount;
        long shipping = Basket.shipping(net);
        long tax = Basket.tax(net);
        long total = net + shipping + tax;

        // 5% of honest orders are cancelled; a share refunded (once their refund's moment has come)
        // that depends on what was bought: clothes that do not fit go back far more than books
        double r = random.nextDouble();
        StatusChain.Fate fate = fraudulent ? StatusChain.Fate.DELIVERED
                : r < CANCELLED_SHARE ? StatusChain.Fate.CANCELLED
                : r < CANCELLED_SHARE + refundChance() ? StatusChain.Fate.REFUNDED
                : StatusChain.Fate.DELIVERED;
        keepCustomerStreamInStep(random, fate, end - at);
        chain.build(orderId, at, fate);
        chain.writeTo(statusChanges, orderId);
        String status = chain.status();
        lastKept = !status.equals(StatusChain.CANCELLED) && !status.equals(StatusChain.REFUNDED);
        shipments.write(orderId, firstLine, chain.reached(StatusChain.SHIPPED), chain.reached(StatusChain.REFUNDED));

        String session = at >= clickstreamStart ? sessions.orderSession(random, customerId, at, device) : null;
        int year = LocalDate.ofEpochDay(day).getYear();
        orders.number(orderId).number(customerId)
                .text("ORD-" + year + "-" + String.format("%07d", orderId))
                .text(status).text(payment).number(2L * customerId).text(session)
                .money(subtotal).money(discount).money(shipping).money(tax).money(total)
                .text("GBP").text(random.nextDouble() < 0.02 ? NOTES[random.nextInt(NOTES.length)] : null)
                .timestamp(at).timestamp(chain.updatedAt())
                .endRow();
        return total;
    }

    /**
     * Draws from the customer's stream what the status by age drew before orders had a chain of
     * their own: the baskets, coupons and sessions after this one stay the rows they were (the
     * chain draws from the order's own stream).
     */
    private static void keepCustomerStreamInStep(SplittableRandom random, StatusChain.Fate fate, long age) {
        if (fate == StatusChain.Fate.CANCELLED) {
            random.nextInt(2 * 86_400);
        } else if (fate == StatusChain.Fate.REFUNDED && age > 10 * 86_400L) {
            random.nextInt(21 * 86_400);
        } else if (age < 6 * 3600) {
            return;
        } else if (age < 86_400) {
            random.nextLong(age);
        } else if (age < 3 * 86_400) {
            random.nextLong(age - 86_400 / 2);
        } else if (age < 7 * 86_400) {
            random.nextLong(age - 86_400);
        } else {
            random.nextInt(4 * 86_400);
        }
    }

    /** The chance that the basket's order is refunded: its dearest line's department's. */
    private double refundChance() {
        int dearest = 0;
        for (int i = 1; i < basket.size; i++) {
            if (basket.line[i] > basket.line[dearest]) {
                dearest = i;
            }
        }
        return REFUND_BY_DEPARTMENT[catalog.departmentIndex[basket.product[dearest]] % REFUND_BY_DEPARTMENT.length];
    }

    /** Whether the last order written kept its money: only those count towards the customer's average. */
    boolean lastKept() {
        return lastKept;
    }
}
