package shopflow.generate;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Writes one chunk of customers with everything they did: addresses, orders and their lines and
 * coupons, the sessions that led to orders, browsing sessions that did not, and injected fraud.
 * Each customer draws from a stream of their own, so a chunk's rows depend only on the seed and
 * the chunk's number.
 */
final class ChunkBuilder {

    /** Normal customers never order twice within this: four orders in an hour is a fraud signal. */
    private static final long MIN_GAP = 2 * 3600;
    /** A normal order never costs more than this many times the customer's earlier average. */
    private static final double NORMAL_MULTIPLE_CAP = 4.0;
    private static final String[] PAYMENT = {"credit_card", "debit_card", "paypal", "apple_pay", "gift_card"};
    private static final double[] PAYMENT_SHARE = {0.45, 0.25, 0.20, 0.07, 0.03};
    private static final String[] DEVICE = {"mobile", "desktop", "tablet"};
    private static final double[] DEVICE_SHARE = {0.55, 0.37, 0.08};
    private static final String[] REFERRER = {null, "https://www.google.com/", "https://www.bing.com/",
        "https://www.facebook.com/", "https://www.instagram.com/", "https://mail.shopflow.example/newsletter",
        "https://www.pricecompare.example/"};
    private static final double[] REFERRER_SHARE = {0.30, 0.35, 0.04, 0.08, 0.07, 0.10, 0.06};
    private static final String[] NOTES = {"Please leave with a neighbour", "Gift - no prices please",
        "Deliver after 5pm", "Leave in the porch", "Ring the bell twice"};
    private static final int[] SALE_PCT = {5, 10, 15, 20, 25, 30};

    // order entry kinds, sorted with the order time (time * 8 + kind)
    private static final int NORMAL = 0;
    private static final int BURST = 1;
    private static final int SPIKE = 2;
    private static final int NEW_ACCOUNT = 3;
    private static final int CARD_TEST = 4;

    private final GenerationContext context;
    private final Catalog catalog;
    private final DemandCalendar calendar;
    private final CustomerPlan plan;
    private final int chunk;
    private final ChunkRows rows = new ChunkRows();
    private final CopyBuffer orders;
    private final CopyBuffer items;
    private final CopyBuffer pageViews;
    private final CopyBuffer cartEvents;
    private final CopyBuffer funnelSessions;
    private final long end;
    private final long clickstreamStart;
    private final int[] couponUses;
    private final CouponBook.Coupon flash;
    private int flashUses;
    private long nextOrderId;
    private int sessionCounter;

    // the basket being built (reused)
    private final int[] basketProduct = new int[16];
    private final int[] basketQuantity = new int[16];
    private final int[] basketPct = new int[16];
    private final long[] basketLine = new long[16];
    private int basketSize;
    /** Units of one order line per warehouse of its product, in shipping order (reused). */
    private final int[] shipmentUnits = new int[Catalog.WAREHOUSES.length];

    // the session being built (reused)
    private final String[] eventUrl = new String[64];
    private final int[] eventProduct = new int[64];
    private final int[] eventCart = new int[64]; // 0 page view, 1 add, 2 remove, 3 view cart
    private final int[] eventQuantity = new int[64];
    private final int[] eventGap = new int[64];
    private final long[] eventAt = new long[64]; // filled as the session is written
    private int eventCount;

    ChunkBuilder(GenerationContext context, int chunk) {
        this.context = context;
        this.catalog = context.catalog();
        this.calendar = context.calendar();
        this.plan = context.plan();
        this.chunk = chunk;
        this.orders = rows.of(Table.ORDERS);
        this.items = rows.of(Table.ORDER_ITEMS);
        this.pageViews = rows.of(Table.PAGE_VIEWS);
        this.cartEvents = rows.of(Table.CART_EVENTS);
        this.funnelSessions = rows.of(Table.ROLLUP_FUNNEL_SESSIONS);
        this.end = calendar.end();
        this.clickstreamStart = context.clickstreamStart();
        this.couponUses = new int[context.coupons().shared().size()];
        this.flash = context.coupons().flash(chunk);
        this.nextOrderId = plan.orderOffset(chunk) + 1;
    }

    ChunkRows build() {
        Sizes sizes = context.sizes();
        for (int id = sizes.firstCustomer(chunk); id <= sizes.lastCustomer(chunk); id++) {
            customer(id);
        }
        long expected = plan.orderOffset(chunk + 1) + 1;
        if (nextOrderId != expected) {
            throw new IllegalStateException("chunk " + chunk + " wrote orders up to " + (nextOrderId - 1)
                    + ", planned " + (expected - 1));
        }
        SplittableRandom random = Streams.of(context.seed(), Streams.CHUNK_SESSIONS, chunk);
        for (int s = sizes.browsingSessions(chunk); s > 0; s--) {
            browsingSession(random);
        }
        return rows;
    }

    // ------------------------------------------------------------------ customers

    private void customer(int id) {
        int index = id - 1;
        SplittableRandom random = Streams.of(context.seed(), Streams.CUSTOMER, id);
        long signup = plan.signup[index];
        CustomerPlan.Kind kind = plan.kind[index];
        int gender = Streams.choose(random, new double[] {0.49, 0.49, 0.02});
        String first = Names.pick(gender == 0 ? Names.FEMALE : gender == 1 ? Names.MALE
                : random.nextBoolean() ? Names.FEMALE : Names.MALE, random);
        String last = Names.pick(Names.LAST, random);
        int preferred = random.nextInt(catalog.tree().departments().size());
        String payment = PAYMENT[Streams.choose(random, PAYMENT_SHARE)];
        String device = DEVICE[Streams.choose(random, DEVICE_SHARE)];

        long lastOrder = orders(id, random, kind, signup, preferred, payment, device);

        boolean buyer = plan.orders(index) > 3;
        String tier = random.nextDouble() < (buyer ? 0.25 : 0.08) ? "pro"
                : random.nextDouble() < (buyer ? 0.07 : 0.02) ? "enterprise" : "free";
        long age = 18 + Math.min(62, Math.round(Math.abs(Streams.gaussian(random)) * 16 + random.nextInt(8)));
        long birthDay = calendar.lastDay().toEpochDay() - age * 365 - random.nextInt(365);
        long lastActivity = Math.max(signup, lastOrder);
        long lastLogin = lastActivity + (long) ((end - lastActivity) * random.nextDouble() * random.nextDouble());
        CopyBuffer customers = rows.of(Table.CUSTOMERS);
        customers.number(id)
                .text(first.toLowerCase() + "." + last.toLowerCase().replace("'", "") + "." + id + "@"
                        + Names.pick(Names.EMAIL_DOMAINS, random))
                .text(first).text(last)
                .text("07" + (100 + random.nextInt(900)) + " " + (100_000 + random.nextInt(900_000)))
                .date(birthDay)
                .text(gender == 0 ? "F" : gender == 1 ? "M" : "O")
                .timestamp(signup)
                .timestamp(lastLogin)
                .bool(random.nextDouble() < 0.96)
                .text(tier)
                .endRow();
        addresses(id, random);
    }

    private void addresses(int id, SplittableRandom random) {
        CopyBuffer addresses = rows.of(Table.ADDRESSES);
        String[] town = Names.TOWNS[random.nextInt(Names.TOWNS.length)];
        String street = (1 + random.nextInt(180)) + " " + Names.pick(Names.STREETS, random);
        String postcode = Names.postcode(town[2], random);
        addresses.number(2L * id - 1).number(id).text("billing").text(street).text(town[0]).text(town[1])
                .text("GB").text(postcode).bool(true).endRow();
        if (random.nextDouble() < 0.2) { // ships to work or family
            town = Names.TOWNS[random.nextInt(Names.TOWNS.length)];
            street = (1 + random.nextInt(180)) + " " + Names.pick(Names.STREETS, random);
            postcode = Names.postcode(town[2], random);
        }
        addresses.number(2L * id).number(id).text("shipping").text(street).text(town[0]).text(town[1])
                .text("GB").text(postcode).bool(true).endRow();
    }

    /** Writes the customer's orders in time order; returns the last order's time (0 if none). */
    private long orders(int id, SplittableRandom random, CustomerPlan.Kind kind, long signup, int preferred,
            String payment, String device) {
        int index = id - 1;
        int normal = plan.normalOrders[index];
        int fraud = plan.fraudOrders[index];
        long[] entries = new long[normal + fraud];
        long[] times = normalTimes(random, normal, signup + 3600);
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
                long after = normal == 0 ? signup + 86_400 : times[normal - 1] + 3 * 3600;
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
        long earlierSum = 0;
        int earlierCount = 0;
        int burstSeen = 0;
        int cardSeen = 0;
        long lastTime = 0;
        for (long entry : entries) {
            long at = entry >> 3;
            int type = (int) (entry & 7);
            long orderId = nextOrderId++;
            String pattern = null;
            switch (type) {
                case NORMAL, BURST -> {
                    double cap = earlierCount == 0 ? Double.MAX_VALUE : NORMAL_MULTIPLE_CAP * earlierSum / earlierCount;
                    normalBasket(random, preferred, at, cap);
                    if (type == BURST && burstSeen++ >= 3) {
                        pattern = "burst";
                    }
                }
                case SPIKE -> {
                    double average = earlierCount == 0 ? 5_000 : (double) earlierSum / earlierCount;
                    bigBasket(random, (long) (average * 10));
                }
                case NEW_ACCOUNT -> {
                    bigBasket(random, 60_000 + random.nextInt(90_000));
                    pattern = "new_account";
                }
                default -> {
                    singleCheapItem(random);
                    if (cardSeen++ >= 3) {
                        pattern = "card_testing";
                    }
                }
            }
            boolean fraudulent = type != NORMAL;
            long total = writeOrder(random, orderId, id, at, fraudulent, type == CARD_TEST ? "credit_card" : payment,
                    device);
            if (type == SPIKE && earlierCount > 0 && total > 5.0 * earlierSum / earlierCount) {
                pattern = "high_multiple";
            }
            if (pattern != null) {
                rows.of(Table.FRAUD_GROUND_TRUTH).number(orderId).text(pattern).endRow();
            }
            if (lastStatusCounts) {
                earlierSum += total;
                earlierCount++;
            }
            lastTime = at;
        }
        return lastTime;
    }

    /** Normal order moments after {@code from}, at least {@link #MIN_GAP} apart, sorted. */
    private long[] normalTimes(SplittableRandom random, int count, long from) {
        long[] times = new long[count];
        for (int i = 0; i < count; i++) {
            times[i] = calendar.sampleInstant(random, from, end);
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

    // ------------------------------------------------------------------ baskets

    /**
     * Products bought together: the first one after the customer's taste or the best sellers, the
     * others mostly from its category or the complementary one. Retried smaller when it would cost
     * more than {@code cap} (an honest customer does not look like fraud).
     */
    private void normalBasket(SplittableRandom random, int preferred, long at, double cap) {
        long day = calendar.localEpochDay(at);
        double saleChance = calendar.seasonalWeight(day) >= 1.6 ? 0.45 : 0.08;
        for (int attempt = 0; attempt < 6; attempt++) {
            int lines = attempt >= 3 ? 1 : Math.max(1, (1 + Streams.geometric(random, 0.7, 8)) >> attempt);
            basketSize = 0;
            int first = random.nextDouble() < 0.55 ? catalog.inDepartment(preferred, random) : catalog.popular(random);
            addLine(random, first, saleChance);
            for (int tries = 0; basketSize < lines && tries < lines * 3; tries++) {
                double r = random.nextDouble();
                int anchor = basketProduct[random.nextInt(basketSize)];
                int product = r < 0.55 ? catalog.inCategory(catalog.categoryIndex[anchor], random)
                        : r < 0.82 ? catalog.inCategory(catalog.tree().complementOf(catalog.categoryIndex[first]), random)
                        : catalog.popular(random);
                addLine(random, product, saleChance);
            }
            if (undiscountedTotal() <= cap) {
                return;
            }
        }
        // Still too dear: the cheapest of a few best sellers, once.
        int cheapest = catalog.popular(random);
        for (int i = 0; i < 20; i++) {
            int p = catalog.popular(random);
            if (catalog.priceCents[p] < catalog.priceCents[cheapest]) {
                cheapest = p;
            }
        }
        basketSize = 0;
        setLine(cheapest, 1, 0);
    }

    /** Expensive products until the subtotal reaches {@code targetCents}. */
    private void bigBasket(SplittableRandom random, long targetCents) {
        basketSize = 0;
        long subtotal = 0;
        while (subtotal < targetCents && basketSize < basketProduct.length) {
            int product = catalog.expensive(random);
            if (contains(product)) {
                continue;
            }
            int quantity = 1 + random.nextInt(2);
            setLine(product, quantity, 0);
            subtotal += basketLine[basketSize - 1];
        }
        // Not enough expensive products (a tiny catalog): more of the same.
        while (subtotal < targetCents) {
            basketQuantity[0]++;
            basketLine[0] = line(basketQuantity[0], catalog.priceCents[basketProduct[0]], 0);
            subtotal = 0;
            for (int i = 0; i < basketSize; i++) {
                subtotal += basketLine[i];
            }
        }
    }

    private void singleCheapItem(SplittableRandom random) {
        basketSize = 0;
        setLine(catalog.cheap(random), 1, 0);
    }

    private void addLine(SplittableRandom random, int product, double saleChance) {
        if (contains(product) || basketSize == basketProduct.length) {
            return;
        }
        long price = catalog.priceCents[product];
        int quantity = price < 1_000 ? 1 + Streams.geometric(random, 0.35, 4) : random.nextDouble() < 0.9 ? 1 : 2;
        int pct = random.nextDouble() < saleChance ? SALE_PCT[random.nextInt(SALE_PCT.length)] : 0;
        setLine(product, quantity, pct);
    }

    private void setLine(int product, int quantity, int pct) {
        basketProduct[basketSize] = product;
        basketQuantity[basketSize] = quantity;
        basketPct[basketSize] = pct;
        basketLine[basketSize] = line(quantity, catalog.priceCents[product], pct);
        basketSize++;
    }

    private boolean contains(int product) {
        for (int i = 0; i < basketSize; i++) {
            if (basketProduct[i] == product) {
                return true;
            }
        }
        return false;
    }

    /** round(quantity * unit_price * (1 - pct / 100), 2), in pence, half away from zero like PostgreSQL. */
    static long line(int quantity, long unitCents, int pct) {
        return (quantity * unitCents * (100 - pct) + 50) / 100;
    }

    private long undiscountedTotal() {
        long subtotal = 0;
        for (int i = 0; i < basketSize; i++) {
            subtotal += basketLine[i];
        }
        return subtotal + shipping(subtotal) + tax(subtotal);
    }

    private static long shipping(long netCents) {
        return netCents >= 5_000 ? 0 : 399;
    }

    /** VAT at 20% of the net amount. */
    private static long tax(long netCents) {
        return (netCents * 20 + 50) / 100;
    }

    // ------------------------------------------------------------------ orders

    private boolean lastStatusCounts;

    /** Writes the basket as an order (lines, coupon, session); returns its total in pence. */
    private long writeOrder(SplittableRandom random, long orderId, int customerId, long at, boolean fraudulent,
            String payment, String device) {
        long subtotal = 0;
        int firstLine = items.rows();
        for (int i = 0; i < basketSize; i++) {
            items.number(orderId).number(Catalog.productId(basketProduct[i])).number(basketQuantity[i])
                    .money(catalog.priceCents[basketProduct[i]]).number(basketPct[i]).money(basketLine[i]).endRow();
            subtotal += basketLine[i];
        }
        long day = calendar.localEpochDay(at);
        long discount = 0;
        CouponBook.Coupon coupon = fraudulent ? null : coupon(random, day, subtotal);
        if (coupon != null) {
            discount = coupon.discountFor(subtotal);
            rows.of(Table.ORDER_COUPONS).number(orderId).number(coupon.id()).money(discount).endRow();
        }
        long net = subtotal - discount;
        long shipping = shipping(net);
        long tax = tax(net);
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
        lastStatusCounts = !status.equals("cancelled") && !status.equals("refunded");
        stockMovements(orderId, firstLine, at, status, updated);

        String session = at >= clickstreamStart ? orderSession(random, customerId, at, device) : null;
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

    /**
     * The order's stock movements, if it left the warehouses within the ledger's window: a 'ship' per
     * line and warehouse when it shipped, and for a refund a 'return' of the same units to the same
     * warehouses. Shipped orders shipped at their last update; delivered and refunded ones half a day
     * to a day and a half after they were placed. Drawn from a stream of the order's own, so the
     * orders, sessions and everything else are the same as without the ledger.
     */
    private void stockMovements(long orderId, int firstLine, long at, String status, long updated) {
        boolean delivered = status.equals("delivered") || status.equals("refunded");
        if (!delivered && !status.equals("shipped")) {
            return;
        }
        SplittableRandom random = Streams.of(context.seed(), Streams.SHIPMENT, orderId);
        long shippedAt = delivered ? Math.min(at + 43_200 + random.nextInt(86_400), updated - 1) : updated;
        if (shippedAt < context.ledgerStart()) {
            return;
        }
        StockLevels stock = context.stock();
        for (int i = 0; i < basketSize; i++) {
            int[] warehouses = stock.shippingOrder(basketProduct[i]);
            int first = firstWarehouse(random, stock, warehouses);
            // From the first as much as it holds, then the others most stock first (V5's rule); more
            // than all warehouses hold today (stock is as of as_of, not then) comes from the first.
            int left = basketQuantity[i];
            int fromFirst = Math.min(left, stock.quantity[warehouses[first]]);
            left -= fromFirst;
            for (int k = 0; k < warehouses.length; k++) {
                int units = k == first ? 0 : Math.min(left, stock.quantity[warehouses[k]]);
                left -= units;
                shipmentUnits[k] = units;
            }
            shipmentUnits[first] = fromFirst + left;
            for (int k = 0; k < warehouses.length; k++) {
                if (shipmentUnits[k] > 0) {
                    move(stock, warehouses[k], orderId, firstLine + i, shipmentUnits[k], shippedAt,
                            status.equals("refunded") ? updated : -1);
                }
            }
        }
    }

    /**
     * The warehouse a line ships from first. The order lifecycle takes the best stocked warehouse;
     * over a real history the best stocked one changes as each ships, so shipments spread over the
     * warehouses in proportion to their stock. Drawn that way here (the rows being stock at as_of):
     * the best stocked ships most, and every warehouse has a velocity of its own.
     */
    private static int firstWarehouse(SplittableRandom random, StockLevels stock, int[] warehouses) {
        long total = 0;
        for (int row : warehouses) {
            total += stock.quantity[row];
        }
        if (total == 0) {
            return 0;
        }
        long u = random.nextLong(total);
        for (int k = 0; k < warehouses.length; k++) {
            u -= stock.quantity[warehouses[k]];
            if (u < 0) {
                return k;
            }
        }
        return 0;
    }

    /** A 'ship' of the line's units out of the inventory row and, for a refund (returnedAt >= 0), their 'return'. */
    private void move(StockLevels stock, int row, long orderId, int line, int units, long shippedAt, long returnedAt) {
        StockLedger ledger = rows.ledger();
        ledger.add(stock.product[row], stock.warehouse[row], orderId, line, -units, StockLedger.SHIP, shippedAt);
        if (returnedAt >= 0) {
            ledger.add(stock.product[row], stock.warehouse[row], orderId, line, units, StockLedger.RETURN, returnedAt);
        }
    }

    /**
     * A coupon valid on the order's day whose minimum the subtotal meets and whose quota this chunk has
     * not used up: customers use campaign codes often during a campaign, everyday codes rarely.
     */
    private CouponBook.Coupon coupon(SplittableRandom random, long day, long subtotal) {
        double r = random.nextDouble();
        if (flash.validOn(day) && subtotal >= flash.minOrderCents() && flashUses < flash.chunkQuota() && r < 0.5) {
            flashUses++;
            return flash;
        }
        CouponBook.Coupon everyday = null;
        for (CouponBook.Coupon c : context.coupons().shared()) {
            if (!c.validOn(day) || subtotal < c.minOrderCents() || couponUses[c.id() - 1] >= c.chunkQuota()) {
                continue;
            }
            if (c.campaign() && r < 0.35) {
                couponUses[c.id() - 1]++;
                return c;
            }
            if (!c.campaign() && everyday == null) {
                everyday = c;
            }
        }
        if (everyday != null && r < 0.06) {
            couponUses[everyday.id() - 1]++;
            return everyday;
        }
        return null;
    }

    // ------------------------------------------------------------------ sessions

    /** The session that ended in this order: landing, browsing, each product viewed and added, cart, checkout. */
    private String orderSession(SplittableRandom random, int customerId, long orderAt, String device) {
        eventCount = 0;
        int first = basketProduct[0];
        landing(random, first);
        for (int i = Streams.geometric(random, 0.45, 5); i > 0; i--) {
            browse(random, first);
        }
        for (int i = 0; i < basketSize; i++) {
            event(catalog.productUrls[basketProduct[i]], basketProduct[i], 0, 0, dwell(random));
            event(null, basketProduct[i], 1, basketQuantity[i], 5 + random.nextInt(40));
        }
        if (random.nextDouble() < 0.15) { // added something, then thought better of it
            int other = catalog.inCategory(catalog.categoryIndex[first], random);
            if (!contains(other)) {
                event(catalog.productUrls[other], other, 0, 0, dwell(random));
                event(null, other, 1, 1, 5 + random.nextInt(40));
                event(null, other, 2, 1, 20 + random.nextInt(200));
            }
        }
        event("/cart", -1, 0, 0, dwell(random));
        event(null, first, 3, 0, 1);
        event("/checkout", -1, 0, 0, 10 + random.nextInt(60));
        long duration = 30 + random.nextInt(150); // from the last page to the placed order
        for (int i = 1; i < eventCount; i++) {
            duration += eventGap[i];
        }
        String session = sessionId();
        emit(random, session, customerId, orderAt - duration, device, orderAt, orderAt);
        return session;
    }

    /** A visit that ends without an order: most bounce or look around; some fill a cart and leave. */
    private void browsingSession(SplittableRandom random) {
        long start = calendar.sampleInstant(random, clickstreamStart, end - 1800);
        int customerId = 0;
        if (random.nextDouble() < 0.35) {
            Sizes sizes = context.sizes();
            int candidate = sizes.firstCustomer(chunk)
                    + random.nextInt(sizes.lastCustomer(chunk) - sizes.firstCustomer(chunk) + 1);
            if (plan.signup[candidate - 1] < start) {
                customerId = candidate;
            }
        }
        eventCount = 0;
        int product = catalog.popular(random);
        landing(random, product);
        for (int i = Streams.geometric(random, 0.55, 20); i > 0; i--) {
            product = browse(random, product);
        }
        int lastViewed = -1;
        for (int i = 0; i < eventCount; i++) {
            if (eventCart[i] == 0 && eventProduct[i] >= 0) {
                lastViewed = eventProduct[i];
            }
        }
        if (lastViewed >= 0 && random.nextDouble() < 0.35) {
            event(null, lastViewed, 1, 1 + Streams.geometric(random, 0.2, 3), 5 + random.nextInt(40));
            if (random.nextDouble() < 0.3) {
                event(null, lastViewed, 2, 1, 30 + random.nextInt(300));
            } else if (random.nextDouble() < 0.5) {
                event("/cart", -1, 0, 0, dwell(random));
                event(null, lastViewed, 3, 0, 1);
            }
        }
        String device = DEVICE[Streams.choose(random, DEVICE_SHARE)];
        emit(random, sessionId(), customerId, start, device, end, FunnelSessionRow.NONE);
    }

    private void landing(SplittableRandom random, int product) {
        double r = random.nextDouble();
        if (r < 0.4) {
            event("/", -1, 0, 0, 0);
        } else if (r < 0.6) {
            event(catalog.categoryUrls[catalog.categoryIndex[product]], -1, 0, 0, 0);
        } else if (r < 0.85) {
            event(catalog.productUrls[product], product, 0, 0, 0);
        } else {
            event("/search?q=" + Names.pick(Names.SEARCH_WORDS, random), -1, 0, 0, 0);
        }
    }

    /** One more page: mostly products near the last one, sometimes a category or a search. */
    private int browse(SplittableRandom random, int near) {
        double r = random.nextDouble();
        if (r < 0.62) {
            int product = random.nextDouble() < 0.7 ? catalog.inCategory(catalog.categoryIndex[near], random)
                    : catalog.popular(random);
            event(catalog.productUrls[product], product, 0, 0, dwell(random));
            return product;
        }
        if (r < 0.9) {
            event(catalog.categoryUrls[catalog.categoryIndex[near]], -1, 0, 0, dwell(random));
        } else {
            event("/search?q=" + Names.pick(Names.SEARCH_WORDS, random), -1, 0, 0, dwell(random));
        }
        return near;
    }

    private void event(String url, int product, int cart, int quantity, int gapSeconds) {
        if (eventCount == eventUrl.length) {
            return;
        }
        eventUrl[eventCount] = url;
        eventProduct[eventCount] = product;
        eventCart[eventCount] = cart;
        eventQuantity[eventCount] = quantity;
        eventGap[eventCount] = gapSeconds;
        eventCount++;
    }

    /** Seconds on a page: most glance, some read. */
    private static int dwell(SplittableRandom random) {
        return 5 + (int) Math.min(900, Math.exp(3.2 + 0.9 * Streams.gaussian(random)));
    }

    /**
     * Writes the session's events up to {@code limit}, and its row of the funnel rollup (ending
     * in an order placed at {@code orderAt}, or {@link FunnelSessionRow#NONE}).
     */
    private void emit(SplittableRandom random, String session, int customerId, long start, String device, long limit,
            long orderAt) {
        String referrer = REFERRER[Streams.choose(random, REFERRER_SHARE)];
        long at = start;
        boolean firstPage = true;
        int emitted = 0;
        for (int i = 0; i < eventCount; i++) {
            at += i == 0 ? 0 : eventGap[i];
            if (at >= limit) {
                break;
            }
            eventAt[i] = at;
            emitted++;
            if (eventCart[i] == 0) {
                // time on page: until the next page view, or a last glance
                long next = -1;
                for (int j = i + 1; j < eventCount && next < 0; j++) {
                    if (eventCart[j] == 0) {
                        long sum = 0;
                        for (int k = i + 1; k <= j; k++) {
                            sum += eventGap[k];
                        }
                        next = sum;
                    }
                }
                pageViews.text(session);
                customer(pageViews, customerId);
                pageViews.text(eventUrl[i]);
                if (eventProduct[i] >= 0) {
                    pageViews.number(Catalog.productId(eventProduct[i]));
                } else {
                    pageViews.nullValue();
                }
                pageViews.timestamp(at).number(next >= 0 ? next : dwell(random))
                        .text(firstPage ? referrer : null).text(device).endRow();
                firstPage = false;
            } else {
                cartEvents.text(session);
                customer(cartEvents, customerId);
                cartEvents.number(Catalog.productId(eventProduct[i]))
                        .text(eventCart[i] == 1 ? "add" : eventCart[i] == 2 ? "remove" : "view_cart");
                if (eventCart[i] == 3) {
                    cartEvents.nullValue();
                } else {
                    cartEvents.number(eventQuantity[i]);
                }
                cartEvents.timestamp(at).endRow();
            }
        }
        FunnelSessionRow.write(funnelSessions, session, eventAt, eventCart, eventProduct, emitted, orderAt);
    }

    private static void customer(CopyBuffer out, int customerId) {
        if (customerId == 0) {
            out.nullValue();
        } else {
            out.number(customerId);
        }
    }

    /**
     * Unique by construction (chunk, counter), and increasing in the order rows are written: the
     * session_id indexes then build from presorted input, several times faster than from random ids
     * (the database's C.UTF-8 collation compares through strcoll, so every comparison counts).
     */
    private String sessionId() {
        long key = ((Streams.mix(context.seed()) & 0xFFFFL) << 44) + ((long) chunk << 26 | sessionCounter++);
        String hex = Long.toHexString(key);
        return "0".repeat(16 - hex.length()) + hex;
    }
}
