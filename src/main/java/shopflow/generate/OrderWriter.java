package shopflow.generate;

import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Writes the basket as an order: its lines, its coupon, its status by age, its stock movements
 * and the session that led to it.
 */
final class OrderWriter {

    private static final String[] NOTES = {"Please leave with a neighbour", "Gift - no prices please",
        "Deliver after 5pm", "Leave in the porch", "Ring the bell twice"};

    private final Catalog catalog;
    private final DemandCalendar calendar;
    private final Basket basket;
    private final CouponPicker coupons;
    private final Shipments shipments;
    private final SessionWriter sessions;
    private final CopyBuffer orders;
    private final CopyBuffer items;
    private final CopyBuffer orderCoupons;
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
        this.end = calendar.end();
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

        long age = end - at;
        String status;
        long updated;
        double r = random.nextDouble();
        if (!fraudulent && r < 0.05) {
            status = "cancelled";
            updated = at + 300 + random.nextInt(2 * 86_400);
        } else if (!fraudulent && r < 0.08 && age > 10 * 86_400L) {
            status = "refunded";
            updated = at + 7 * 86_400L + random.nextInt(21 * 86_400);
        } else if (age < 6 * 3600) {
            status = r < 0.7 ? "pending" : "processing";
            updated = at;
        } else if (age < 86_400) {
            status = r < 0.2 ? "pending" : "processing";
            updated = at + random.nextLong(age);
        } else if (age < 3 * 86_400) {
            status = r < 0.3 ? "processing" : "shipped";
            updated = at + 86_400 / 2 + random.nextLong(age - 86_400 / 2);
        } else if (age < 7 * 86_400) {
            status = r < 0.55 ? "shipped" : "delivered";
            updated = at + 86_400 + random.nextLong(age - 86_400);
        } else {
            status = "delivered";
            updated = at + 2 * 86_400 + random.nextInt(4 * 86_400);
        }
        updated = Math.min(updated, end);
        lastKept = !status.equals("cancelled") && !status.equals("refunded");
        shipments.write(orderId, firstLine, at, status, updated);

        String session = at >= clickstreamStart ? sessions.orderSession(random, customerId, at, device) : null;
        int year = LocalDate.ofEpochDay(day).getYear();
        orders.number(orderId).number(customerId)
                .text("ORD-" + year + "-" + String.format("%07d", orderId))
                .text(status).text(payment).number(2L * customerId).text(session)
                .money(subtotal).money(discount).money(shipping).money(tax).money(total)
                .text("GBP").text(random.nextDouble() < 0.02 ? NOTES[random.nextInt(NOTES.length)] : null)
                .timestamp(at).timestamp(updated)
                .endRow();
        return total;
    }

    /** Whether the last order written kept its money: only those count towards the customer's average. */
    boolean lastKept() {
        return lastKept;
    }
}
