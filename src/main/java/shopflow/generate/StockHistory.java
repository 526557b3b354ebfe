package shopflow.generate;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The stock ledger played through in time, once every chunk has drawn its shipments: each
 * warehouse row starts the ledger's window with a stock drawn where a restocking cycle would have
 * left it, and is restocked when it falls to its reorder level (its demand over a lead time and a
 * few days more), the restock arriving after a lead time. Some restocks come late: the row sells
 * out and is out of stock until its restock arrives, the product's orders meanwhile shipping from
 * another warehouse that has it. So the stock is never negative, the rows sell out now and then (1 to 10
 * per cent of product-warehouse days), and inventory's quantity is where the ledger ends.
 *
 * <p>The orders are drawn before the stock (chunks on worker threads): a shipment the row cannot
 * serve at its moment, when no other warehouse can either, brings the row's restock forward to
 * just before it (the order waited for it), or orders one then. Deterministic: the movements are
 * taken in chunk order, each product's in time order, with a random stream per product.
 */
final class StockHistory {

    /** Days from a reorder to its restock's arrival, evenly between the two. */
    static final int MIN_LEAD_DAYS = 2;
    static final int MAX_LEAD_DAYS = 10;
    /**
     * A row's reorder level is its demand over a lead time and these days more (the planner's
     * safety stock), give or take 30 %: its rows wait at or under it for about a lead time a cycle.
     */
    static final int SAFETY_DAYS = 4;
    /** Days of the row's demand a restock brings it up to above its reorder level, evenly between the two. */
    static final int MIN_COVER_DAYS = 45;
    static final int MAX_COVER_DAYS = 120;
    /**
     * Chance a restock comes late, after {@link #MIN_LATE_DAYS} to {@link #MAX_LATE_DAYS} (the
     * supplier ran short): the row sells out while it waits, unless its demand is slow.
     */
    static final double LATE_DELIVERY = 0.2;
    static final int MIN_LATE_DAYS = 14;
    static final int MAX_LATE_DAYS = 35;
    /** The fewest units a restock brings. */
    static final int MIN_BATCH = 4;
    private static final long NONE = Long.MIN_VALUE;
    private static final int ROWS_PER_WRITE = 1 << 16;

    private final StockLevels stock;
    private final long seed;
    private final long start;
    private final long end;

    private int size;
    private int[] row = new int[1 << 12];
    private long[] order = new long[1 << 12];
    private long[] item = new long[1 << 12];
    private int[] quantity = new int[1 << 12];
    private int[] reason = new int[1 << 12];
    private long[] at = new long[1 << 12];
    private boolean[] split = new boolean[1 << 12];

    private int restocks;
    private int[] restockRow = new int[1 << 10];
    private int[] restockUnits = new int[1 << 10];
    private long[] restockAt = new long[1 << 10];

    // per inventory row, while playing
    private final int[] onHand;
    private final long[] pendingAt;
    private final int[] pendingUnits;
    private final long[] lastMoved;
    private final double[] dailyDemand;

    StockHistory(GenerationContext context) {
        this.stock = context.stock();
        this.seed = context.seed();
        this.start = context.ledgerStart();
        this.end = context.calendar().end();
        int rows = stock.rows();
        onHand = new int[rows];
        pendingAt = new long[rows];
        pendingUnits = new int[rows];
        lastMoved = new long[rows];
        dailyDemand = new double[rows];
    }

    /** A chunk's movements, its first order line having id {@code firstItemId}; chunks in order. */
    void add(StockLedger ledger, long firstItemId) {
        int n = size + ledger.size;
        if (n > row.length) {
            int capacity = Math.max(n, row.length * 2);
            row = Arrays.copyOf(row, capacity);
            order = Arrays.copyOf(order, capacity);
            item = Arrays.copyOf(item, capacity);
            quantity = Arrays.copyOf(quantity, capacity);
            reason = Arrays.copyOf(reason, capacity);
            at = Arrays.copyOf(at, capacity);
            split = Arrays.copyOf(split, capacity);
        }
        for (int i = 0; i < ledger.size; i++) {
            row[size] = ledger.row[i];
            order[size] = ledger.order[i];
            item[size] = firstItemId + ledger.line[i];
            quantity[size] = ledger.quantity[i];
            reason[size] = ledger.reason[i];
            at[size] = ledger.at[i];
            split[size] = ledger.split[i];
            size++;
        }
    }

    /** Plays every product's movements through in time: the restocks, the shipments' warehouses, the stock at as_of. */
    void settle() {
        for (int i = 0; i < size; i++) {
            if (reason[i] == StockLedger.SHIP) {
                dailyDemand[row[i]] -= quantity[i] / (double) GenerationContext.LEDGER_DAYS;
            }
        }
        int products = stock.products();
        int[] first = new int[products + 1];
        for (int i = 0; i < size; i++) {
            first[stock.product[row[i]] + 1]++;
        }
        for (int p = 0; p < products; p++) {
            first[p + 1] += first[p];
        }
        // by product, then time, then ledger order: (seconds into the window) << 40 | index
        long[] keys = new long[size];
        int[] next = Arrays.copyOf(first, products);
        for (int i = 0; i < size; i++) {
            keys[next[stock.product[row[i]]]++] = (at[i] - start) << 40 | i;
        }
        for (int p = 0; p < products; p++) {
            Arrays.sort(keys, first[p], first[p + 1]);
            play(p, keys, first[p], first[p + 1]);
        }
    }

    private void play(int product, long[] keys, int from, int to) {
        SplittableRandom random = Streams.of(seed, Streams.RESTOCK, product);
        int r0 = stock.firstRow(product);
        int r1 = stock.firstRow(product + 1);
        for (int r = r0; r < r1; r++) {
            double days = (MIN_LEAD_DAYS + MAX_LEAD_DAYS) / 2.0 + SAFETY_DAYS;
            stock.reorderLevel[r] = (int) Math.max(1, Math.round(dailyDemand[r] * days * (0.7 + 0.6 * random.nextDouble())));
            begin(r, random);
        }
        for (int k = from; k < to; k++) {
            int i = (int) (keys[k] & ((1L << 40) - 1));
            long t = at[i];
            for (int r = r0; r < r1; r++) {
                arrive(r, t);
            }
            if (reason[i] == StockLedger.RETURN) {
                row[i] = row[i - 1]; // back to where its shipment left from
                onHand[row[i]] += quantity[i];
                lastMoved[row[i]] = t;
                continue;
            }
            int units = -quantity[i];
            int r = row[i];
            if (onHand[r] < units && !split[i]) {
                int other = bestStocked(r0, r1, units);
                if (other >= 0) {
                    r = other;
                    row[i] = r;
                }
            }
            if (onHand[r] < units) {
                expedite(r, t, units, random);
            }
            onHand[r] -= units;
            lastMoved[r] = t;
            reorder(r, t, random);
        }
        for (int r = r0; r < r1; r++) {
            arrive(r, end);
            stock.quantity[r] = onHand[r];
            if (lastMoved[r] != 0) {
                stock.lastUpdated[r] = lastMoved[r];
            }
        }
    }

    /**
     * The row at the window's start, somewhere in its restocking cycle: above its reorder level,
     * or, for the share of a cycle a row spends waiting for its restock (its demand over a lead
     * time against a restock's units), at or under it with a restock on the way.
     */
    private void begin(int r, SplittableRandom random) {
        pendingAt[r] = NONE;
        int level = stock.reorderLevel[r];
        int top = upTo(r, random);
        double meanLead = (1 - LATE_DELIVERY) * (MIN_LEAD_DAYS + MAX_LEAD_DAYS) / 2.0
                + LATE_DELIVERY * (MIN_LATE_DAYS + MAX_LATE_DAYS) / 2.0;
        double waiting = dailyDemand[r] * meanLead;
        if (random.nextDouble() >= waiting / (waiting + top - level)) {
            onHand[r] = level + 1 + random.nextInt(top - level);
            return;
        }
        onHand[r] = random.nextInt(level + 1);
        pendingAt[r] = start + 1 + random.nextLong(leadTime(random));
        pendingUnits[r] = Math.max(1, top - onHand[r]);
    }

    /** Seconds from a reorder to its restock. */
    private static long leadTime(SplittableRandom random) {
        boolean late = random.nextDouble() < LATE_DELIVERY;
        int min = late ? MIN_LATE_DAYS : MIN_LEAD_DAYS;
        int max = late ? MAX_LATE_DAYS : MAX_LEAD_DAYS;
        return min * 86_400L + random.nextLong((max - min) * 86_400L);
    }

    private void arrive(int r, long t) {
        if (pendingAt[r] != NONE && pendingAt[r] <= t) {
            restock(r, pendingUnits[r], pendingAt[r]);
        }
    }

    /** A shipment the row cannot serve: its restock comes just before it, or one is ordered for it. */
    private void expedite(int r, long t, int units, SplittableRandom random) {
        int needed = units - onHand[r];
        int arriving = pendingAt[r] != NONE ? pendingUnits[r] : upTo(r, random) - onHand[r];
        restock(r, Math.max(needed, arriving), t - 1);
    }

    private void restock(int r, int units, long when) {
        if (restocks == restockRow.length) {
            int n = restocks * 2;
            restockRow = Arrays.copyOf(restockRow, n);
            restockUnits = Arrays.copyOf(restockUnits, n);
            restockAt = Arrays.copyOf(restockAt, n);
        }
        restockRow[restocks] = r;
        restockUnits[restocks] = units;
        restockAt[restocks] = when;
        restocks++;
        onHand[r] += units;
        lastMoved[r] = Math.max(lastMoved[r], when);
        pendingAt[r] = NONE;
    }

    /** At the reorder level a restock is ordered. */
    private void reorder(int r, long t, SplittableRandom random) {
        if (pendingAt[r] == NONE && onHand[r] <= stock.reorderLevel[r]) {
            pendingAt[r] = t + leadTime(random);
            pendingUnits[r] = Math.max(1, upTo(r, random) - onHand[r]);
        }
    }

    /** The product's other row with the most stock that holds {@code units}, ties by warehouse name; -1 if none. */
    private int bestStocked(int r0, int r1, int units) {
        int best = -1;
        for (int r = r0; r < r1; r++) {
            if (onHand[r] >= units && (best < 0 || onHand[r] > onHand[best]
                    || onHand[r] == onHand[best] && Catalog.WAREHOUSES[stock.warehouse[r]]
                            .compareTo(Catalog.WAREHOUSES[stock.warehouse[best]]) < 0)) {
                best = r;
            }
        }
        return best;
    }

    /**
     * The stock a restock brings the row up to: its reorder level and a few weeks of its demand,
     * at least the reorder level again and {@link #MIN_BATCH} (a supplier's batch: a slow row is
     * not restocked one unit at a time).
     */
    private int upTo(int r, SplittableRandom random) {
        double cover = MIN_COVER_DAYS + random.nextDouble() * (MAX_COVER_DAYS - MIN_COVER_DAYS);
        int level = stock.reorderLevel[r];
        return level + (int) Math.max(Math.max(MIN_BATCH, level), Math.round(dailyDemand[r] * cover));
    }

    /** The ledger's rows: the orders' shipments and returns in chunk order, then the restocks. */
    void writeTo(TableStream stream) throws SQLException {
        boolean binary = Table.STOCK_MOVEMENTS.binaryCopy();
        CopyBuffer out = new CopyBuffer(1 << 22, binary);
        for (int i = 0; i < size; i++) {
            out.number(Catalog.productId(stock.product[row[i]])).text(Catalog.WAREHOUSES[stock.warehouse[row[i]]])
                    .number(order[i]).number(item[i]).number(quantity[i])
                    .text(reason[i] == StockLedger.SHIP ? "ship" : "return").timestamp(at[i]).endRow();
            if (out.rows() == ROWS_PER_WRITE) {
                stream.write(out);
                out.clear();
            }
        }
        for (int i = 0; i < restocks; i++) {
            int r = restockRow[i];
            out.number(Catalog.productId(stock.product[r])).text(Catalog.WAREHOUSES[stock.warehouse[r]])
                    .nullValue().nullValue().number(restockUnits[i]).text("restock").timestamp(restockAt[i]).endRow();
            if (out.rows() == ROWS_PER_WRITE) {
                stream.write(out);
                out.clear();
            }
        }
        stream.write(out);
    }

    int restocks() {
        return restocks;
    }
}
