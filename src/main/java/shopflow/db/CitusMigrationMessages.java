package shopflow.db;

import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.BaseCallback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Keeps Citus's notes on objects it creates on the coordinator alone out of a migration's output
 * ({@code db/citus/quiet-migration.sql} says which and why): Flyway prints every server warning,
 * and a fresh cluster's migrations drew dozens of these, where a real warning would be lost. Runs
 * in each migration's transaction, so the setting ends with it; nothing changes on one node.
 */
final class CitusMigrationMessages extends BaseCallback {

    private static final String SCRIPT = "db/citus/quiet-migration.sql";

    private final String sql = SqlScripts.read(SCRIPT);

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new FlywayException("cannot set up the migration's session (" + SCRIPT + "): " + e.getMessage(), e);
        }
    }
}
