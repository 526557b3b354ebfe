package shopflow.generate;

import java.util.SplittableRandom;

/** The COPY text of the catalog side: categories, products, stock per warehouse, coupons. */
final class CatalogRows {

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

    /** The inventory rows: the stock at as_of (see {@link StockLevels}). */
    static CopyBuffer inventory(StockLevels stock) {
        CopyBuffer out = new CopyBuffer(stock.rows() * 60);
        for (int row = 0; row < stock.rows(); row++) {
            out.number(row + 1).number(Catalog.productId(stock.product[row])).text(Catalog.WAREHOUSES[stock.warehouse[row]])
                    .number(stock.quantity[row]).number(stock.reorderLevel[row]).timestamp(stock.lastUpdated[row]).endRow();
        }
        return out;
    }

    static CopyBuffer coupons(CouponBook coupons, DemandCalendar calendar) {
        CopyBuffer out = new CopyBuffer(1 << 16);
        coupons.writeRows(out, calendar.lastDay().toEpochDay());
        return out;
    }
}
