package shopflow.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The inventory rows: every product in London, most in Manchester, half in Bristol, each with a
 * usual stock drawn once so that the ledger's shipments come from the warehouses that hold the
 * product, spread by it. {@link StockHistory} then plays the ledger through and sets each row's
 * reorder level (from its demand) and its stock at as_of.
 */
final class StockLevels {

    /** Share of rows whose usual stock is drawn at or under the first reorder level (the shipments' spread). */
    static final double LOW_STOCK_SHARE = 0.04;
    private static final double[] PRESENCE = {1.0, 0.7, 0.5};

    /** Per inventory row (inventory_id = row + 1), in product then warehouse order. */
    final int[] product;
    final int[] warehouse;
    /**
     * The row's usual stock, drawn: how the product's shipments spread over its warehouses. Fixed
     * before any chunk is generated (the workers read it), unlike {@link #quantity}.
     */
    final int[] weight;
    /** The stock at as_of: the usual stock until {@link StockHistory} has played the ledger through. */
    final int[] quantity;
    final int[] reorderLevel;
    final long[] lastUpdated;
    /** A product's rows are firstRow[p] .. firstRow[p + 1] - 1. */
    private final int[] firstRow;
    /** A product's warehouses, most stock first, ties by name: the order lifecycle's shipping order. */
    private final int[][] shippingOrder;

    StockLevels(Catalog catalog, DemandCalendar calendar, long seed) {
        SplittableRandom random = Streams.of(seed, Streams.CATALOG, 2);
        int capacity = catalog.size() * Catalog.WAREHOUSES.length;
        int[] product = new int[capacity];
        int[] warehouse = new int[capacity];
        int[] quantity = new int[capacity];
        int[] reorder = new int[capacity];
        long[] updated = new long[capacity];
        firstRow = new int[catalog.size() + 1];
        double top = 0;
        for (double p : catalog.popularity) {
            top = Math.max(top, p);
        }
        int rows = 0;
        for (int p = 0; p < catalog.size(); p++) {
            firstRow[p] = rows;
            for (int w = 0; w < Catalog.WAREHOUSES.length; w++) {
                if (random.nextDouble() >= PRESENCE[w]) {
                    continue;
                }
                int level = 5 + (int) Math.round(60 * Math.sqrt(catalog.popularity[p] / top) * (0.6 + random.nextDouble() * 0.8));
                product[rows] = p;
                warehouse[rows] = w;
                reorder[rows] = level;
                quantity[rows] = random.nextDouble() < LOW_STOCK_SHARE
                        ? random.nextInt(level + 1)
                        : (int) Math.round(level * (1.3 + random.nextDouble() * 9));
                updated[rows] = calendar.end() - random.nextInt(7 * 86_400);
                rows++;
            }
        }
        firstRow[catalog.size()] = rows;
        this.product = Arrays.copyOf(product, rows);
        this.warehouse = Arrays.copyOf(warehouse, rows);
        this.weight = Arrays.copyOf(quantity, rows);
        this.quantity = Arrays.copyOf(quantity, rows);
        this.reorderLevel = Arrays.copyOf(reorder, rows);
        this.lastUpdated = Arrays.copyOf(updated, rows);
        shippingOrder = new int[catalog.size()][];
        for (int p = 0; p < catalog.size(); p++) {
            shippingOrder[p] = byStockThenName(p);
        }
    }

    int rows() {
        return product.length;
    }

    int products() {
        return firstRow.length - 1;
    }

    /** The product's rows are {@code firstRow(p)} to {@code firstRow(p + 1) - 1}. */
    int firstRow(int productIndex) {
        return firstRow[productIndex];
    }

    /** The product's inventory rows, most usual stock first, ties by warehouse name (as order_ship_stock() takes them). */
    int[] shippingOrder(int productIndex) {
        return shippingOrder[productIndex];
    }

    private int[] byStockThenName(int productIndex) {
        int from = firstRow[productIndex];
        int n = firstRow[productIndex + 1] - from;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = from + i;
        }
        Arrays.sort(order, (a, b) -> weight[a] != weight[b] ? Integer.compare(weight[b], weight[a])
                : Catalog.WAREHOUSES[warehouse[a]].compareTo(Catalog.WAREHOUSES[warehouse[b]]));
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = order[i];
        }
        return rows;
    }
}
