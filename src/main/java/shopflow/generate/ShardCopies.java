package shopflow.generate;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.postgresql.copy.CopyIn;
import shopflow.db.Database;
import shopflow.scaleout.CitusHash;
import shopflow.scaleout.ShardPlacements;

/**
 * A distributed table's rows written straight to their shards on the workers. Through the
 * coordinator, a COPY had the coordinator parse each row, hash it and send it on: at scale 1 it
 * used as much CPU as the generator itself, on a machine whose two cores also ran both workers.
 * Here each row's distribution value is hashed as Citus does ({@link CitusHash}) and the row goes
 * to its shard's buffer; a full buffer is sent on its worker's connection, where one COPY stays
 * open until a row for another of that worker's shards comes.
 *
 * <p>One connection and transaction per worker: each first empties the table's shards there
 * (TRUNCATE, so COPY ... FREEZE applies, as on one node; Citus allows it on a shard only with
 * {@code citus.enable_manual_changes_to_shards}) and commits with the rest of the load. The
 * workers commit one after the other, so a load that fails between two commits leaves one
 * worker's rows: the generator's run stays marked unfinished and the next run replaces them.
 * Ids left to a sequence on one node are numbered here, in the order the rows come, as the
 * sequence would have (the generator sets the sequences after the load).
 */
final class ShardCopies implements TableStream {

    /**
     * A shard's rows are sent once this many bytes wait: at most some 100 MB over the nine
     * distributed tables' 32 shards each, within the launcher's 2 GB heap at scale 10.
     */
    private static final int FLUSH_BYTES = 256 << 10;

    private final Table table;
    private final ShardPlacements placements;
    private final int keyField;
    private final boolean numbered;
    private final List<Worker> workers = new ArrayList<>();
    private final Worker[] workerOf;
    private final Batch[] waiting;
    private long nextId = 1;
    private long rows;
    private long copied;
    private long busyNanos;

    /** A shard's rows waiting to be sent, handed to the COPY from its own array (no copy of them). */
    private static final class Batch extends ByteArrayOutputStream {
        Batch(int capacity) {
            super(capacity);
        }

        void sendTo(CopyIn copy) throws SQLException {
            copy.writeToCopy(buf, 0, count);
            reset();
        }
    }

    /** A worker's connection, and the COPY open on it (into {@code shard}), if any. */
    private static final class Worker {
        final Connection connection;
        CopyIn copy;
        int shard = -1;

        Worker(Connection connection) {
            this.connection = connection;
        }
    }

    ShardCopies(Database database, Table table, ShardPlacements placements) throws SQLException {
        this.table = table;
        this.placements = placements;
        this.keyField = table.position(placements.distributionColumn());
        this.numbered = table.numberedBySequence();
        if (keyField < 0) {
            throw new IllegalStateException(table.sqlName() + " is distributed by " + placements.distributionColumn()
                    + ", which the generator does not write");
        }
        List<ShardPlacements.Shard> shards = placements.shards();
        workerOf = new Worker[shards.size()];
        waiting = new Batch[shards.size()];
        Map<String, Worker> byAddress = new LinkedHashMap<>();
        try {
            for (int i = 0; i < shards.size(); i++) {
                ShardPlacements.Shard shard = shards.get(i);
                String address = shard.host() + ":" + shard.port();
                if (!byAddress.containsKey(address)) {
                    Worker worker = new Worker(database.connectToServer(shard.host(), shard.port()));
                    byAddress.put(address, worker);
                    workers.add(worker);
                }
                workerOf[i] = byAddress.get(address);
                waiting[i] = new Batch(FLUSH_BYTES + (FLUSH_BYTES >> 2));
            }
            for (Worker worker : workers) {
                worker.connection.setAutoCommit(false);
                String itsShards = IntStream.range(0, shards.size())
                        .filter(i -> workerOf[i] == worker).mapToObj(i -> shards.get(i).table())
                        .collect(Collectors.joining(", "));
                try (Statement s = worker.connection.createStatement()) {
                    s.execute("set citus.enable_manual_changes_to_shards = on");
                    s.execute("truncate " + itsShards);
                }
            }
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public Table table() {
        return table;
    }

    @Override
    public void write(CopyBuffer buffer) throws SQLException {
        byte[] bytes = buffer.array();
        int at = 0;
        while (at < buffer.length()) {
            at = table.binaryCopy() ? routeBinaryRow(bytes, at) : routeTextRow(bytes, at);
            rows++;
        }
        for (int shard = 0; shard < waiting.length; shard++) {
            if (waiting[shard].size() >= FLUSH_BYTES) {
                send(shard);
            }
        }
    }

    /** Routes the text row at {@code at} (fields by tabs, ending in a newline); returns where the next starts. */
    private int routeTextRow(byte[] bytes, int at) {
        int fieldStart = at;
        for (int field = 0; field < keyField; field++) {
            while (bytes[fieldStart] != '\t') {
                fieldStart++;
            }
            fieldStart++;
        }
        int fieldEnd = fieldStart;
        while (bytes[fieldEnd] != '\t' && bytes[fieldEnd] != '\n') {
            fieldEnd++;
        }
        int end = fieldEnd;
        while (bytes[end] != '\n') {
            end++;
        }
        end++;
        int hash = placements.textColumn() ? CitusHash.ofText(bytes, fieldStart, fieldEnd - fieldStart)
                : CitusHash.ofInt(parseInt(bytes, fieldStart, fieldEnd));
        ByteArrayOutputStream into = waiting[placements.shardOf(hash)];
        if (numbered) {
            byte[] id = Long.toString(nextId++).getBytes(StandardCharsets.US_ASCII);
            into.write(id, 0, id.length);
            into.write('\t');
        }
        into.write(bytes, at, end - at);
        return end;
    }

    /** Routes the binary row at {@code at} (a field count, then each field's length and bytes). */
    private int routeBinaryRow(byte[] bytes, int at) {
        int fields = (bytes[at] & 0xff) << 8 | bytes[at + 1] & 0xff;
        int p = at + 2;
        int keyAt = -1;
        int keyLength = -1;
        for (int field = 0; field < fields; field++) {
            int length = readInt(bytes, p);
            p += 4;
            if (field == keyField) {
                keyAt = p;
                keyLength = length;
            }
            if (length > 0) {
                p += length;
            }
        }
        if (keyLength < 0) {
            throw new IllegalStateException(table.sqlName() + ": a row without its " + placements.distributionColumn());
        }
        int hash = placements.textColumn() ? CitusHash.ofText(bytes, keyAt, keyLength) : CitusHash.ofInt(readInt(bytes, keyAt));
        ByteArrayOutputStream into = waiting[placements.shardOf(hash)];
        if (numbered) {
            int idLength = placements.idLength();
            into.write(fields + 1 >> 8);
            into.write(fields + 1);
            writeInt(into, idLength);
            if (idLength == 8) {
                writeInt(into, (int) (nextId >>> 32));
            }
            writeInt(into, (int) nextId++);
            into.write(bytes, at + 2, p - at - 2);
        } else {
            into.write(bytes, at, p - at);
        }
        return p;
    }

    private int parseInt(byte[] bytes, int from, int to) {
        if (to - from == 2 && bytes[from] == '\\' && bytes[from + 1] == 'N') {
            throw new IllegalStateException(table.sqlName() + ": a row without its " + placements.distributionColumn());
        }
        boolean negative = bytes[from] == '-';
        int value = 0;
        for (int i = negative ? from + 1 : from; i < to; i++) {
            value = value * 10 + (bytes[i] - '0');
        }
        return negative ? -value : value;
    }

    private static int readInt(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8 | bytes[at + 3] & 0xff;
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }

    /** Sends the shard's waiting rows on its worker's COPY into it (ending that worker's COPY into another shard first). */
    private void send(int shard) throws SQLException {
        Batch rowsOf = waiting[shard];
        if (rowsOf.size() == 0) {
            return;
        }
        long start = System.nanoTime();
        Worker worker = workerOf[shard];
        if (worker.copy != null && worker.shard != shard) {
            endCopy(worker);
        }
        if (worker.copy == null) {
            worker.copy = TableCopy.open(worker.connection, table,
                    table.copyStatement(placements.shards().get(shard).table(), numbered));
            worker.shard = shard;
        }
        rowsOf.sendTo(worker.copy);
        busyNanos += System.nanoTime() - start;
    }

    private void endCopy(Worker worker) throws SQLException {
        copied += TableCopy.end(worker.copy, table);
        worker.copy = null;
        worker.shard = -1;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public void finish() throws SQLException {
        for (int shard = 0; shard < waiting.length; shard++) {
            send(shard);
        }
        long start = System.nanoTime();
        for (Worker worker : workers) {
            if (worker.copy != null) {
                endCopy(worker);
            }
        }
        busyNanos += System.nanoTime() - start;
        if (copied != rows) {
            throw new IllegalStateException(table.sqlName() + ": wrote " + rows + " rows, its shards copied " + copied);
        }
    }

    @Override
    public void commit() throws SQLException {
        for (Worker worker : workers) {
            worker.connection.commit();
        }
    }

    @Override
    public double seconds() {
        return busyNanos / 1e9;
    }

    @Override
    public void close() {
        for (Worker worker : workers) {
            TableCopy.release(worker.copy, worker.connection);
        }
    }
}
