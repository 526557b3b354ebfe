package shopflow.generate;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.copy.CopyIn;
import shopflow.db.Database;

/**
 * One table's COPY stream on a connection of its own: TRUNCATE and COPY ... FREEZE in one
 * transaction, so PostgreSQL writes the rows already frozen (no later vacuum rewrite) and, with
 * wal_level=minimal, without WAL. Committed only when every chunk is in: until then the table's
 * old contents are what anyone else sees.
 */
final class CopyStream implements TableStream {

    private final Table table;
    private final Connection connection;
    private final CopyIn copy;
    private long rows;
    private long busyNanos;

    CopyStream(Database database, Table table) throws SQLException {
        this.table = table;
        this.connection = database.connection();
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            s.execute("truncate table " + table.sqlName() + " restart identity");
        }
        this.copy = TableCopy.open(connection, table, table.copyStatement());
    }

    @Override
    public Table table() {
        return table;
    }

    @Override
    public void write(CopyBuffer buffer) throws SQLException {
        long start = System.nanoTime();
        if (buffer.length() > 0) {
            copy.writeToCopy(buffer.array(), 0, buffer.length());
        }
        rows += buffer.rows();
        busyNanos += System.nanoTime() - start;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public void finish() throws SQLException {
        long start = System.nanoTime();
        long copied = TableCopy.end(copy, table);
        busyNanos += System.nanoTime() - start;
        if (copied != rows) {
            throw new IllegalStateException(table.sqlName() + ": wrote " + rows + " rows, PostgreSQL copied " + copied);
        }
    }

    @Override
    public void commit() throws SQLException {
        connection.commit();
    }

    @Override
    public double seconds() {
        return busyNanos / 1e9;
    }

    @Override
    public void close() {
        TableCopy.release(copy, connection);
    }
}
