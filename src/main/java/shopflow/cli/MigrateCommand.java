package shopflow.cli;

import org.flywaydb.core.api.output.MigrateResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Create or update the ShopFlow schema (Flyway migrations); running it again changes nothing.")
public final class MigrateCommand implements Runnable {

    @Mixin
    DatabaseOptions databaseOptions;

    @Override
    public void run() {
        try (Database database = Database.open(databaseOptions)) {
            MigrateResult result = Migrations.migrate(database);
            // only repeatable files applied: Flyway reports no target version, the schema keeps its own
            String version = result.targetSchemaVersion != null
                    ? result.targetSchemaVersion : result.initialSchemaVersion;
            System.out.println(result.migrationsExecuted == 0
                    ? "schema is up to date (version " + version + ")"
                    : "applied " + result.migrationsExecuted + " migration(s): schema is now at version " + version);
        }
    }
}
