package shopflow.db;

import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;

/** The schema, as Flyway migrations under {@code db/migration}. */
public final class Migrations {

    private Migrations() {
    }

    /**
     * Brings the schema up to date; applying it again changes nothing. A schema this build does not
     * recognise (migrated by another build, or edited by hand) is refused before any change.
     */
    public static MigrateResult migrate(Database database) {
        try {
            return flyway(database).migrate();
        } catch (FlywayValidateException e) {
            throw new DatabaseException("the database's schema does not match this build of ShopFlow (it was"
                    + " migrated by another build, or its migration history was edited), so it was left as it is: "
                    + e.getMessage().strip() + ". Use the build that created it, or a new database (--data-dir).", e);
        } catch (FlywayException e) {
            throw new DatabaseException("migrating the schema failed (a migration that fails is rolled back whole): "
                    + e.getMessage().strip(), e);
        }
    }

    private static Flyway flyway(Database database) {
        return Flyway.configure()
                .dataSource(database.dataSource())
                .locations("classpath:db/migration")
                .loggers("slf4j")
                .callbacks(new CitusMigrationMessages())
                .placeholders(Map.of("shop_time_zone", database.timeZone().getId()))
                .load();
    }
}
