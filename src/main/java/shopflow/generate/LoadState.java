package shopflow.generate;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import shopflow.db.Database;
import shopflow.db.DatabaseException;

/**
 * Whether the shop's data is whole. A generate marks its run 'running' until everything, rollups
 * included, is in place: a database whose last run is still marked so, with no generate holding
 * it, was left half-loaded by a killed or failed run (keys and indexes dropped, rollups stale).
 * Commands that read the shop say so rather than answer from it silently.
 */
public final class LoadState {

    private LoadState() {
    }

    /** What to tell the user about an unfinished load, if the database has one. */
    public static Optional<String> unfinished(Database database) {
        try (Connection c = database.connection()) {
            Optional<GeneratorRuns.Run> last = GeneratorRuns.latest(c);
            if (last.isEmpty() || !last.get().status().equals("running")) {
                return Optional.empty();
            }
            GeneratorRuns.Run run = last.get();
            if (Generator.isRunning(c)) {
                return Optional.of("a 'shopflow generate' (" + run.summary() + ", started " + run.startedAt()
                        + ") is loading this database: its data is incomplete until it finishes");
            }
            return Optional.of("this database holds the partial data of a 'shopflow generate' that did not finish ("
                    + run.summary() + ", started " + run.startedAt() + "): its keys, indexes or rollups may be"
                    + " missing and reports incomplete. Repair it with `./shopflow generate` (it replaces the"
                    + " partial data; give the scale and seed you want)");
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the generator's runs: " + e.getMessage(), e);
        }
    }
}
