package shopflow.generate;

import java.util.SplittableRandom;

/** The COPY text of the catalog side: categories, products, stock per warehouse, coupons. */
final class CatalogRows {

    /** Share of stock rows at or under their reorder level: a few per cent, as in a healthy shop. */
    static final double LOW_STOCK_SHARE = 0.04;

    private CatalogRows() {
    }

    static CopyBuffer categories(CategoryTree tree) {
        CopyBuffer out = new CopyBuffer(8192);
        for (CategoryTree.Node node : tree.nodes()) {
            out.number(node.id()).text(node.name());
            if (node.parentId() == null) {
                out.nullValue();
            } else {
                out.number(node.parentId());
            }
            out.text(node.slug()).endRow();
        }
        return out;
    }

    static CopyBuffer products(Catalog catalog, DemandCalendar calendar, long seed) {
        SplittableRandom random = Streams.of(seed, Streams.CATALOG, 1);
        CopyBuffer out = new CopyBuffer(catalog.size() * 160);
        long launched = calendar.start();
        for (int p = 0; p < catalog.size(); p++) {
            CategoryTree.Node leaf = catalog.tree().leaves().get(catalog.leafIndex[p]);
            out.number(Catalog.productId(p)).text(catalog.skus[p]).text(catalog.names[p])
                    .text(catalog.names[p] + ": " + leaf.name().toLowerCase() + " from " + catalog.brands[p] + ".")
                    .number(leaf.id()).text(catalog.brands[p])
                    .money(catalog.costCents[p]).money(catalog.priceCents[p]).milli(catalog.grams[p])
                    .bool(random.nextDouble() < 0.97)
                    .timestamp(launched - random.nextInt(365 * 86_400))
                    .endRow();
        }
        return out;
    }

    /**
     * Stock in three warehouses: every product in London, most in Manchester, half in Bristol. Reorder
     * levels follow popularity; a few per cent of rows sit at or under theirs.
     */
    static CopyBuffer inventory(Catalog catalog, DemandCalendar calendar, long seed) {
        SplittableRandom random = Streams.of(seed, Streams.CATALOG, 2);
        CopyBuffer out = new CopyBuffer(catalog.size() * 3 * 60);
        double top = 0;
        for (double p : catalog.popularity) {
            top = Math.max(top, p);
        }
        int id = 1;
        double[] presence = {1.0, 0.7, 0.5};
        for (int p = 0; p < catalog.size(); p++) {
            for (int w = 0; w < Catalog.WAREHOUSES.length; w++) {
                if (random.nextDouble() >= presence[w]) {
                    continue;
                }
                int reorder = 5 + (int) Math.round(60 * Math.sqrt(catalog.popularity[p] / top) * (0.6 + random.nextDouble() * 0.8));
                int quantity = random.nextDouble() < LOW_STOCK_SHARE
                        ? random.nextInt(reorder + 1)
                        : (int) Math.round(reorder * (1.3 + random.nextDouble() * 9));
                out.number(id++).number(Catalog.productId(p)).text(Catalog.WAREHOUSES[w]).number(quantity)
                        .number(reorder).timestamp(calendar.end() - random.nextInt(7 * 86_400)).endRow();
            }
        }
        return out;
    }

    static CopyBuffer coupons(CouponBook coupons, DemandCalendar calendar) {
        CopyBuffer out = new CopyBuffer(1 << 16);
        coupons.writeRows(out, calendar.lastDay().toEpochDay());
        return out;
    }
}
