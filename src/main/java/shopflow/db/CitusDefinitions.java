package shopflow.db;

import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.BaseCallback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Lets every migration run on a Citus coordinator whose shop is distributed, and leaves what
 * {@code shopflow distribute} set up as it was: a later version's changed repeatable migration
 * re-creates the rollup triggers on the shop's tables (Citus refuses them) and re-creates functions
 * without the settings distribute gave them. Before each migration, in its transaction,
 * {@code db/citus/accept-triggers.sql} lets the triggers through; after it, in the same transaction,
 * {@code db/citus/cluster-definitions.sql} drops them and sets the functions again, as distribute
 * does at its end. Without Citus both do nothing (docs/scale-out.md, "Upgrading a cluster").
 */
final class CitusDefinitions extends BaseCallback {

    static final String BEFORE = "db/citus/accept-triggers.sql";
    static final String AFTER = "db/citus/cluster-definitions.sql";

    private final String before = SqlScripts.read(BEFORE);
    private final String after = SqlScripts.read(AFTER);

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        String script = event == Event.BEFORE_EACH_MIGRATE ? BEFORE : AFTER;
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute(event == Event.BEFORE_EACH_MIGRATE ? before : after);
        } catch (SQLException e) {
            throw new FlywayException("cannot keep the cluster's definitions through the migration (" + script + "): "
                    + e.getMessage(), e);
        }
    }
}
