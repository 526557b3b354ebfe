package shopflow.generate;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Consumer;
import shopflow.db.Database;
import shopflow.scaleout.ShardPlacements;

/**
 * One table's rows on their way into PostgreSQL, fed chunk after chunk by one thread, visible to
 * others only once every chunk is in and {@link #commit()} ran: one COPY ({@link CopyStream}), or
 * on a Citus cluster a distributed table's rows written straight to their shards ({@link ShardCopies}).
 */
sealed interface TableStream extends AutoCloseable permits CopyStream, ShardCopies {

    /**
     * The stream for {@code table}: to its shards on the workers when the database is a Citus
     * cluster that distributes it by a column the loader can hash and its workers let this
     * machine in as the coordinator does; else one COPY (told through {@code say} when a worker
     * could not be reached).
     */
    static TableStream open(Database database, Table table, boolean cluster, Consumer<String> say) throws SQLException {
        if (cluster) {
            Optional<ShardPlacements> placements;
            try (Connection c = database.connection()) {
                placements = ShardPlacements.of(c, table.sqlName(), table.numberedBySequence() ? table.idColumn() : null);
            }
            if (placements.isPresent()) {
                try {
                    return new ShardCopies(database, table, placements.get());
                } catch (SQLException e) {
                    // connection refused or not let in (SQLSTATE classes 08 and 28): the coordinator still is
                    String state = String.valueOf(e.getSQLState());
                    if (!state.startsWith("08") && !state.startsWith("28")) {
                        throw e;
                    }
                    say.accept(table.sqlName() + ": cannot reach its shards on the workers (" + e.getMessage()
                            + "); its rows go through the coordinator");
                }
            }
        }
        return new CopyStream(database, table);
    }

    Table table();

    void write(CopyBuffer buffer) throws SQLException;

    long rows();

    /** Ends the COPY (or COPYs); the rows become visible at {@link #commit()}. */
    void finish() throws SQLException;

    void commit() throws SQLException;

    /** Seconds spent handing rows to PostgreSQL (blocked while its backend parses and stores them). */
    double seconds();

    @Override
    void close();
}
