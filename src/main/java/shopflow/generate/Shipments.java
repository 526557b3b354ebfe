package shopflow.generate;

import java.util.SplittableRandom;

/**
 * The stock movements of the orders that left the warehouses: a 'ship' per line and warehouse,
 * and for a refund a 'return' of the same units to the same warehouses, into the chunk's
 * {@link StockLedger}.
 */
final class Shipments {

    private final GenerationContext context;
    private final StockLevels stock;
    private final StockLedger ledger;
    private final Basket basket;
    /** Units of one order line per warehouse of its product, in shipping order (reused). */
    private final int[] units = new int[Catalog.WAREHOUSES.length];

    Shipments(GenerationContext context, ChunkRows rows, Basket basket) {
        this.context = context;
        this.stock = context.stock();
        this.ledger = rows.ledger();
        this.basket = basket;
    }

    /**
     * The basket's order's movements, if it left the warehouses within the ledger's window: a
     * 'ship' at the moment its chain reached shipped ({@code shippedAt}, {@link StatusChain#NONE}
     * if it has not) and a 'return' at its refund ({@code refundedAt}, or NONE). The warehouses
     * are drawn from a stream of the order's own, so the orders, sessions and everything else
     * are the same as without the ledger.
     */
    void write(long orderId, int firstLine, long shippedAt, long refundedAt) {
        if (shippedAt == StatusChain.NONE || shippedAt < context.ledgerStart()) {
            return;
        }
        SplittableRandom random = Streams.of(context.seed(), Streams.SHIPMENT, orderId);
        for (int i = 0; i < basket.size; i++) {
            int[] warehouses = stock.shippingOrder(basket.product[i]);
            int first = firstWarehouse(random, stock, warehouses);
            // From the first as much as it usually holds, then the others most stock first
            // (order_ship_stock()'s rule); more than all warehouses usually hold comes from the first.
            // StockHistory then moves a shipment its warehouse cannot serve at that moment.
            int left = basket.quantity[i];
            int fromFirst = Math.min(left, stock.weight[warehouses[first]]);
            left -= fromFirst;
            for (int k = 0; k < warehouses.length; k++) {
                int taken = k == first ? 0 : Math.min(left, stock.weight[warehouses[k]]);
                left -= taken;
                units[k] = taken;
            }
            units[first] = fromFirst + left;
            int from = 0;
            for (int k = 0; k < warehouses.length; k++) {
                from += units[k] > 0 ? 1 : 0;
            }
            for (int k = 0; k < warehouses.length; k++) {
                if (units[k] > 0) {
                    move(warehouses[k], orderId, firstLine + i, units[k], shippedAt, refundedAt, from > 1);
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
            total += stock.weight[row];
        }
        if (total == 0) {
            return 0;
        }
        long u = random.nextLong(total);
        for (int k = 0; k < warehouses.length; k++) {
            u -= stock.weight[warehouses[k]];
            if (u < 0) {
                return k;
            }
        }
        return 0;
    }

    /** A 'ship' of the line's units out of the inventory row and, for a refund (returnedAt not NONE), their 'return'. */
    private void move(int row, long orderId, int line, int count, long shippedAt, long returnedAt, boolean split) {
        ledger.add(row, orderId, line, -count, StockLedger.SHIP, shippedAt, split);
        if (returnedAt != StatusChain.NONE) {
            ledger.add(row, orderId, line, count, StockLedger.RETURN, returnedAt, split);
        }
    }
}
