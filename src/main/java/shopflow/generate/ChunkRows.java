package shopflow.generate;

/** The COPY text of one chunk of customers, one buffer per table. */
final class ChunkRows {

    private final CopyBuffer[] buffers = new CopyBuffer[Table.values().length];
    private final StockLedger ledger = new StockLedger();

    ChunkRows() {
        for (Table table : Table.values()) {
            if (table.perCustomerChunk()) {
                buffers[table.ordinal()] = new CopyBuffer(table == Table.PAGE_VIEWS ? 1 << 20 : 1 << 16,
                        table.binaryCopy());
            }
        }
    }

    CopyBuffer of(Table table) {
        return buffers[table.ordinal()];
    }

    StockLedger ledger() {
        return ledger;
    }
}
