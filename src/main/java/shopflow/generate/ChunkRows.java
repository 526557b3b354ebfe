package shopflow.generate;

/** The COPY text of one chunk of customers, one buffer per table. */
final class ChunkRows {

    private final CopyBuffer[] buffers = new CopyBuffer[Table.values().length];

    ChunkRows() {
        for (Table table : Table.values()) {
            if (table.perCustomerChunk()) {
                buffers[table.ordinal()] = new CopyBuffer(table == Table.PAGE_VIEWS ? 1 << 20 : 1 << 16);
            }
        }
    }

    CopyBuffer of(Table table) {
        return buffers[table.ordinal()];
    }
}
