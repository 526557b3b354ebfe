package shopflow.generate;

import java.util.Arrays;

/**
 * One chunk's stock movements, kept as numbers: order lines take their ids from the sequence as
 * COPY stores them, so a line's id is the number of lines in earlier chunks plus its place in its
 * own chunk, which only the writer, taking chunks in order, knows; and a movement's warehouse may
 * still change when {@link StockHistory} plays the whole ledger through.
 */
final class StockLedger {

    static final int SHIP = 0;
    static final int RETURN = 1;

    int size;
    int[] row = new int[256];
    long[] order = new long[256];
    int[] line = new int[256];
    int[] quantity = new int[256];
    int[] reason = new int[256];
    long[] at = new long[256];
    /** A shipment of a line that left more than one warehouse (its warehouse stays as drawn). */
    boolean[] split = new boolean[256];

    /**
     * A movement of the order line at {@code chunkLine} (0-based among the chunk's order lines)
     * out of or into inventory row {@code stockRow}; quantity negative out of the warehouse,
     * positive back in. A 'return' follows its line's 'ship' from the same row directly.
     */
    void add(int stockRow, long orderId, int chunkLine, int units, int why, long movedAt, boolean splitLine) {
        if (size == row.length) {
            int n = size * 2;
            row = Arrays.copyOf(row, n);
            order = Arrays.copyOf(order, n);
            line = Arrays.copyOf(line, n);
            quantity = Arrays.copyOf(quantity, n);
            reason = Arrays.copyOf(reason, n);
            at = Arrays.copyOf(at, n);
            split = Arrays.copyOf(split, n);
        }
        row[size] = stockRow;
        order[size] = orderId;
        line[size] = chunkLine;
        quantity[size] = units;
        reason[size] = why;
        at[size] = movedAt;
        split[size] = splitLine;
        size++;
    }
}
