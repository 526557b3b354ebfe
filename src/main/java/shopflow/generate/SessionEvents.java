package shopflow.generate;

import java.util.SplittableRandom;

/**
 * The clicks of the session being built, reused from one session to the next: each event's page
 * (or none for a cart action), product, kind, quantity and the seconds since the one before.
 * At most {@link #MAX} events; more are dropped.
 */
final class SessionEvents {

    static final int MAX = 64;
    // event kinds, as FunnelSessionRow reads them
    static final int PAGE_VIEW = 0;
    static final int ADD = 1;
    static final int REMOVE = 2;
    static final int VIEW_CART = 3;
    /** The checkout page: its view is the funnel's "checkout started". */
    static final String CHECKOUT = "/checkout";

    final String[] url = new String[MAX];
    /** The product's index in the catalog; -1 for a page without one. */
    final int[] product = new int[MAX];
    final int[] kind = new int[MAX];
    final int[] quantity = new int[MAX];
    final int[] gap = new int[MAX];
    /** Each event's moment, filled as the session is written. */
    final long[] at = new long[MAX];
    int count;

    private final Catalog catalog;

    SessionEvents(Catalog catalog) {
        this.catalog = catalog;
    }

    void clear() {
        count = 0;
    }

    /** The first page: the home page, a category, a product or a search. */
    void landing(SplittableRandom random, int productIndex) {
        double r = random.nextDouble();
        if (r < 0.4) {
            add("/", -1, PAGE_VIEW, 0, 0);
        } else if (r < 0.6) {
            add(catalog.categoryUrls[catalog.categoryIndex[productIndex]], -1, PAGE_VIEW, 0, 0);
        } else if (r < 0.85) {
            add(catalog.productUrls[productIndex], productIndex, PAGE_VIEW, 0, 0);
        } else {
            add("/search?q=" + Names.searchTerm(random), -1, PAGE_VIEW, 0, 0);
        }
    }

    /** One more page: mostly products near the last one, sometimes a category or a search. */
    int browse(SplittableRandom random, int near) {
        double r = random.nextDouble();
        if (r < 0.62) {
            int next = random.nextDouble() < 0.7 ? catalog.inCategory(catalog.categoryIndex[near], random)
                    : catalog.popular(random);
            add(catalog.productUrls[next], next, PAGE_VIEW, 0, dwell(random));
            return next;
        }
        if (r < 0.9) {
            add(catalog.categoryUrls[catalog.categoryIndex[near]], -1, PAGE_VIEW, 0, dwell(random));
        } else {
            add("/search?q=" + Names.searchTerm(random), -1, PAGE_VIEW, 0, dwell(random));
        }
        return near;
    }

    /** The product of the last product page viewed, or -1. */
    int lastViewedProduct() {
        int lastViewed = -1;
        for (int i = 0; i < count; i++) {
            if (kind[i] == PAGE_VIEW && product[i] >= 0) {
                lastViewed = product[i];
            }
        }
        return lastViewed;
    }

    void add(String pageUrl, int productIndex, int eventKind, int units, int gapSeconds) {
        if (count == MAX) {
            return;
        }
        url[count] = pageUrl;
        product[count] = productIndex;
        kind[count] = eventKind;
        quantity[count] = units;
        gap[count] = gapSeconds;
        count++;
    }

    /** Seconds on a page: most glance, some read. */
    static int dwell(SplittableRandom random) {
        return 5 + (int) Math.min(900, Math.exp(3.2 + 0.9 * Streams.gaussian(random)));
    }
}
