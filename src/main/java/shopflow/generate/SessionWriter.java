package shopflow.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Writes the clickstream: the session that led to each order, and the browsing sessions that
 * ended without one, as page views, cart events and each session's row of the funnel rollup.
 */
final class SessionWriter {

    private static final String[] DEVICE = {"mobile", "desktop", "tablet"};
    /** The devices customers order from (their own, every ordering session)... */
    private static final double[] DEVICE_SHARE = {0.50, 0.42, 0.08};
    /**
     * ... and the devices of the sessions that do not order: phones browse far more than they buy,
     * so a phone session converts well below a desktop one.
     */
    private static final double[] BROWSING_DEVICE_SHARE = {0.70, 0.22, 0.08};
    /**
     * Of the browsing sessions that viewed their cart, the share that then opens the checkout page
     * and leaves, per device (as DEVICE): checkout forms lose more shoppers on a phone.
     */
    private static final double[] CHECKOUT_AFTER_CART_VIEW = {0.62, 0.38, 0.50};
    /** Of the browsing sessions that viewed a product, the share that adds it to the cart. */
    private static final double ADD_CHANCE = 0.16;
    private static final String[] REFERRER = {null, "https://www.google.com/", "https://www.bing.com/",
        "https://www.facebook.com/", "https://www.instagram.com/", "https://mail.shopflow.example/newsletter",
        "https://www.pricecompare.example/"};
    private static final double[] REFERRER_SHARE = {0.30, 0.35, 0.04, 0.08, 0.07, 0.10, 0.06};
    /** The channel of each referrer (order_channel()'s), for the sessions' landings. */
    private static final String[] REFERRER_CHANNEL = Arrays.stream(REFERRER).map(FunnelSessionRow::channel)
            .toArray(String[]::new);

    private final GenerationContext context;
    private final Catalog catalog;
    private final DemandCalendar calendar;
    private final CustomerPlan plan;
    private final int chunk;
    private final Basket basket;
    private final SessionEvents events;
    private final CopyBuffer pageViews;
    private final CopyBuffer cartEvents;
    private final CopyBuffer funnelSessions;
    private final long end;
    private final long clickstreamStart;
    private int sessionCounter;

    SessionWriter(GenerationContext context, int chunk, ChunkRows rows, Basket basket) {
        this.context = context;
        this.catalog = context.catalog();
        this.calendar = context.calendar();
        this.plan = context.plan();
        this.chunk = chunk;
        this.basket = basket;
        this.events = new SessionEvents(catalog);
        this.pageViews = rows.of(Table.PAGE_VIEWS);
        this.cartEvents = rows.of(Table.CART_EVENTS);
        this.funnelSessions = rows.of(Table.ROLLUP_FUNNEL_SESSIONS);
        this.end = calendar.end();
        this.clickstreamStart = context.clickstreamStart();
    }

    /** A device, as shoppers use them: a customer's usual one, or a browsing session's. */
    static String device(SplittableRandom random) {
        return DEVICE[Streams.choose(random, DEVICE_SHARE)];
    }

    /**
     * The session that ended in the basket's order: landing, browsing, each product viewed and
     * added, cart, checkout. Returns its id.
     */
    String orderSession(SplittableRandom random, int customerId, long orderAt, String device) {
        events.clear();
        int first = basket.product[0];
        events.landing(random, first);
        for (int i = Streams.geometric(random, 0.45, 5); i > 0; i--) {
            events.browse(random, first);
        }
        for (int i = 0; i < basket.size; i++) {
            events.add(catalog.productUrls[basket.product[i]], basket.product[i], SessionEvents.PAGE_VIEW, 0,
                    SessionEvents.dwell(random));
            events.add(null, basket.product[i], SessionEvents.ADD, basket.quantity[i], 5 + random.nextInt(40));
        }
        if (random.nextDouble() < 0.15) { // added something, then thought better of it
            int other = catalog.inCategory(catalog.categoryIndex[first], random);
            if (!basket.contains(other)) {
                events.add(catalog.productUrls[other], other, SessionEvents.PAGE_VIEW, 0, SessionEvents.dwell(random));
                events.add(null, other, SessionEvents.ADD, 1, 5 + random.nextInt(40));
                events.add(null, other, SessionEvents.REMOVE, 1, 20 + random.nextInt(200));
            }
        }
        events.add("/cart", -1, SessionEvents.PAGE_VIEW, 0, SessionEvents.dwell(random));
        events.add(null, first, SessionEvents.VIEW_CART, 0, 1);
        events.add(SessionEvents.CHECKOUT, -1, SessionEvents.PAGE_VIEW, 0, 10 + random.nextInt(60));
        long duration = 30 + random.nextInt(150); // from the last page to the placed order
        for (int i = 1; i < events.count; i++) {
            duration += events.gap[i];
        }
        String session = sessionId(nextSessionKey());
        emit(random, session, customerId, orderAt - duration, device, orderAt, orderAt);
        return session;
    }

    /**
     * A visit that ends without an order: most bounce or look around; some fill a cart and leave,
     * a share of those after starting checkout ({@link #abandonsAtCheckout}).
     */
    void browsingSession(SplittableRandom random) {
        long start = calendar.sampleBrowsingInstant(random, clickstreamStart, end - 1800);
        int customerId = 0;
        if (random.nextDouble() < 0.35) {
            Sizes sizes = context.sizes();
            int candidate = sizes.firstCustomer(chunk)
                    + random.nextInt(sizes.lastCustomer(chunk) - sizes.firstCustomer(chunk) + 1);
            if (plan.signup[candidate - 1] < start) {
                customerId = candidate;
            }
        }
        events.clear();
        int product = catalog.popular(random);
        events.landing(random, product);
        for (int i = Streams.geometric(random, 0.55, 20); i > 0; i--) {
            product = events.browse(random, product);
        }
        int lastViewed = events.lastViewedProduct();
        boolean viewedCart = false;
        // a few in ten sessions that view a product add it (6-15 % of all sessions add to cart)
        if (lastViewed >= 0 && random.nextDouble() < ADD_CHANCE) {
            events.add(null, lastViewed, SessionEvents.ADD, 1 + Streams.geometric(random, 0.2, 3),
                    5 + random.nextInt(40));
            if (random.nextDouble() < 0.2) {
                events.add(null, lastViewed, SessionEvents.REMOVE, 1, 30 + random.nextInt(300));
            } else if (random.nextDouble() < 0.75) {
                events.add("/cart", -1, SessionEvents.PAGE_VIEW, 0, SessionEvents.dwell(random));
                events.add(null, lastViewed, SessionEvents.VIEW_CART, 0, 1);
                viewedCart = true;
            }
        }
        String device = DEVICE[Streams.choose(random, BROWSING_DEVICE_SHARE)];
        long key = nextSessionKey();
        if (viewedCart) {
            abandonsAtCheckout(key, device);
        }
        emit(random, sessionId(key), customerId, start, device, end, FunnelSessionRow.NONE);
    }

    /**
     * Whether a shopper who viewed their cart without ordering went on to the checkout page
     * first, and left there (the shipping cost, an account to create, a form to fill on a phone):
     * then the session gets its {@code /checkout} page view. Drawn from a stream of the
     * session's own, so the other sessions stay as they were. With the ordering sessions, which
     * all pass through checkout, about a third of the sessions that start checkout leave
     * without an order, more on a phone than on a desktop (docs/generator.md has the measured
     * shares).
     */
    private void abandonsAtCheckout(long sessionKey, String device) {
        SplittableRandom random = Streams.of(context.seed(), Streams.CHECKOUT, sessionKey);
        if (random.nextDouble() < CHECKOUT_AFTER_CART_VIEW[deviceIndex(device)]) {
            events.add(SessionEvents.CHECKOUT, -1, SessionEvents.PAGE_VIEW, 0, 10 + random.nextInt(60));
        }
    }

    private static int deviceIndex(String device) {
        for (int i = 0; i < DEVICE.length; i++) {
            if (DEVICE[i].equals(device)) {
                return i;
            }
        }
        throw new IllegalArgumentException(device);
    }

    /**
     * Writes the session's events up to {@code limit}, and its row of the funnel rollup (ending
     * in an order placed at {@code orderAt}, or {@link FunnelSessionRow#NONE}).
     */
    private void emit(SplittableRandom random, String session, int customerId, long start, String device, long limit,
            long orderAt) {
        int referrerIndex = Streams.choose(random, REFERRER_SHARE);
        String referrer = REFERRER[referrerIndex];
        // the arrays in locals: this loop writes most of the load's rows (page views, cart events)
        int count = events.count;
        int[] kind = events.kind;
        int[] gap = events.gap;
        int[] product = events.product;
        long at = start;
        boolean firstPage = true;
        int emitted = 0;
        for (int i = 0; i < count; i++) {
            at += i == 0 ? 0 : gap[i];
            if (at >= limit) {
                break;
            }
            events.at[i] = at;
            emitted++;
            if (kind[i] == SessionEvents.PAGE_VIEW) {
                // time on page: until the next page view, or a last glance
                long next = -1;
                for (int j = i + 1; j < count && next < 0; j++) {
                    if (kind[j] == SessionEvents.PAGE_VIEW) {
                        long sum = 0;
                        for (int k = i + 1; k <= j; k++) {
                            sum += gap[k];
                        }
                        next = sum;
                    }
                }
                pageViews.text(session);
                customer(pageViews, customerId);
                pageViews.text(events.url[i]);
                if (product[i] >= 0) {
                    pageViews.number(Catalog.productId(product[i]));
                } else {
                    pageViews.nullValue();
                }
                pageViews.timestamp(at).number(next >= 0 ? next : SessionEvents.dwell(random))
                        .text(firstPage ? referrer : null).text(device).endRow();
                firstPage = false;
            } else {
                cartEvents.text(session);
                customer(cartEvents, customerId);
                cartEvents.number(Catalog.productId(product[i]))
                        .text(kind[i] == SessionEvents.ADD ? "add"
                                : kind[i] == SessionEvents.REMOVE ? "remove" : "view_cart");
                if (kind[i] == SessionEvents.VIEW_CART) {
                    cartEvents.nullValue();
                } else {
                    cartEvents.number(events.quantity[i]);
                }
                cartEvents.timestamp(at).endRow();
            }
        }
        FunnelSessionRow.write(funnelSessions, session, events.at, kind, events.url, product, emitted, orderAt,
                REFERRER_CHANNEL[referrerIndex], device);
    }

    private static void customer(CopyBuffer out, int customerId) {
        if (customerId == 0) {
            out.nullValue();
        } else {
            out.number(customerId);
        }
    }

    /** The next session's key in this chunk: (chunk, counter), unique by construction. */
    private long nextSessionKey() {
        return (long) chunk << 26 | sessionCounter++;
    }

    /**
     * The session's id, from its key: increasing in the order rows are written, so the session_id
     * indexes build from presorted input, several times faster than from random ids (the
     * database's C.UTF-8 collation compares through strcoll, so every comparison counts).
     */
    private String sessionId(long key) {
        String hex = Long.toHexString(((Streams.mix(context.seed()) & 0xFFFFL) << 44) + key);
        return "0".repeat(16 - hex.length()) + hex;
    }
}
