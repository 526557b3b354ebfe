package shopflow.generate;

import java.util.SplittableRandom;

/**
 * The products of the order being built, reused from one order to the next (a chunk builds
 * thousands): its lines are read in place by the order, its stock movements and its session.
 */
final class Basket {

    private static final int[] SALE_PCT = {5, 10, 15, 20, 25, 30};

    final int[] product = new int[16];
    final int[] quantity = new int[16];
    final int[] pct = new int[16];
    /** Each line's total in pence. */
    final long[] line = new long[16];
    int size;

    private final Catalog catalog;
    private final DemandCalendar calendar;

    Basket(Catalog catalog, DemandCalendar calendar) {
        this.catalog = catalog;
        this.calendar = calendar;
    }

    /**
     * Products bought together: the first one after the customer's taste or the best sellers, the
     * others mostly from its category or the complementary one. Retried smaller when it would cost
     * more than {@code cap} (an honest customer does not look like fraud).
     */
    void normal(SplittableRandom random, int preferred, long at, double cap) {
        long day = calendar.localEpochDay(at);
        double saleChance = calendar.seasonalWeight(day) >= 1.6 ? 0.45 : 0.08;
        for (int attempt = 0; attempt < 6; attempt++) {
            int lines = attempt >= 3 ? 1 : Math.max(1, (1 + Streams.geometric(random, 0.7, 8)) >> attempt);
            size = 0;
            int first = random.nextDouble() < 0.55 ? catalog.inDepartment(preferred, random) : catalog.popular(random);
            addLine(random, first, saleChance);
            for (int tries = 0; size < lines && tries < lines * 3; tries++) {
                double r = random.nextDouble();
                int anchor = product[random.nextInt(size)];
                int next = r < 0.55 ? catalog.inCategory(catalog.categoryIndex[anchor], random)
                        : r < 0.82 ? catalog.inCategory(catalog.tree().complementOf(catalog.categoryIndex[first]), random)
                        : catalog.popular(random);
                addLine(random, next, saleChance);
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
        size = 0;
        setLine(cheapest, 1, 0);
    }

    /** Expensive products until the subtotal reaches {@code targetCents}. */
    void big(SplittableRandom random, long targetCents) {
        size = 0;
        long subtotal = 0;
        while (subtotal < targetCents && size < product.length) {
            int next = catalog.expensive(random);
            if (contains(next)) {
                continue;
            }
            int units = 1 + random.nextInt(2);
            setLine(next, units, 0);
            subtotal += line[size - 1];
        }
        // Not enough expensive products (a tiny catalog): more of the same.
        while (subtotal < targetCents) {
            quantity[0]++;
            line[0] = line(quantity[0], catalog.priceCents[product[0]], 0);
            subtotal = 0;
            for (int i = 0; i < size; i++) {
                subtotal += line[i];
            }
        }
    }

    /** One cheap product, {@code units} of it: a card tester's order. */
    void singleCheapItem(SplittableRandom random, int units) {
        size = 0;
        setLine(catalog.cheap(random), units, 0);
    }

    /**
     * An honest bulk buy: a basket as usual, its first line bought by the dozen until the order
     * reaches {@code targetCents} (an office's supplies, a club's kit).
     */
    void bulk(SplittableRandom random, int preferred, long at, long targetCents) {
        normal(random, preferred, at, Double.MAX_VALUE);
        while (undiscountedTotal() < targetCents) {
            quantity[0] += 1 + quantity[0] / 2;
            line[0] = line(quantity[0], catalog.priceCents[product[0]], pct[0]);
        }
    }

    boolean contains(int productIndex) {
        for (int i = 0; i < size; i++) {
            if (product[i] == productIndex) {
                return true;
            }
        }
        return false;
    }

    private void addLine(SplittableRandom random, int productIndex, double saleChance) {
        if (contains(productIndex) || size == product.length) {
            return;
        }
        long price = catalog.priceCents[productIndex];
        int units = price < 1_000 ? 1 + Streams.geometric(random, 0.35, 4) : random.nextDouble() < 0.9 ? 1 : 2;
        int off = random.nextDouble() < saleChance ? SALE_PCT[random.nextInt(SALE_PCT.length)] : 0;
        setLine(productIndex, units, off);
    }

    private void setLine(int productIndex, int units, int off) {
        product[size] = productIndex;
        quantity[size] = units;
        pct[size] = off;
        line[size] = line(units, catalog.priceCents[productIndex], off);
        size++;
    }

    /** round(quantity * unit_price * (1 - pct / 100), 2), in pence, half away from zero like PostgreSQL. */
    static long line(int quantity, long unitCents, int pct) {
        return (quantity * unitCents * (100 - pct) + 50) / 100;
    }

    private long undiscountedTotal() {
        long subtotal = 0;
        for (int i = 0; i < size; i++) {
            subtotal += line[i];
        }
        return subtotal + shipping(subtotal) + tax(subtotal);
    }

    /** £3.99 delivery, free from £50. */
    static long shipping(long netCents) {
        return netCents >= 5_000 ? 0 : 399;
    }

    /** VAT at 20% of the net amount. */
    static long tax(long netCents) {
        return (netCents * 20 + 50) / 100;
    }
}
