package shopflow.generate;

import java.util.Arrays;

/**
 * One chunk's stock movements, kept as numbers until the chunk's first order_items id is known.
 * Order lines take their ids from the sequence as COPY stores them, so a line's id is the number
 * of lines in earlier chunks plus its place in its own chunk: only the writer, which takes chunks
 * in order, knows the first part.
 */
final class StockLedger {

    static final int SHIP = 0;
    static final int RETURN = 1;
    private static final String[] REASON = {"ship", "return"};

    private int size;
    private int[] product = new int[256];
    private int[] warehouse = new int[256];
    private long[] order = new long[256];
    private int[] line = new int[256];
    private int[] quantity = new int[256];
    private int[] reason = new int[256];
    private long[] at = new long[256];

    /**
     * A movement of the order line at {@code chunkLine} (0-based among the chunk's order lines);
     * quantity negative out of the warehouse, positive back in.
     */
    void add(int productIndex, int warehouseIndex, long orderId, int chunkLine, int units, int why, long movedAt) {
        if (size == product.length) {
            int n = size * 2;
            product = Arrays.copyOf(product, n);
            warehouse = Arrays.copyOf(warehouse, n);
            order = Arrays.copyOf(order, n);
            line = Arrays.copyOf(line, n);
            quantity = Arrays.copyOf(quantity, n);
            reason = Arrays.copyOf(reason, n);
            at = Arrays.copyOf(at, n);
        }
        product[size] = productIndex;
        warehouse[size] = warehouseIndex;
        order[size] = orderId;
        line[size] = chunkLine;
        quantity[size] = units;
        reason[size] = why;
        at[size] = movedAt;
        size++;
    }

    /** The COPY rows, the chunk's first order line having id {@code firstItemId}. */
    void writeTo(CopyBuffer out, long firstItemId) {
        for (int i = 0; i < size; i++) {
            out.number(Catalog.productId(product[i])).text(Catalog.WAREHOUSES[warehouse[i]]).number(order[i])
                    .number(firstItemId + line[i]).number(quantity[i]).text(REASON[reason[i]]).timestamp(at[i])
                    .endRow();
        }
    }
}
