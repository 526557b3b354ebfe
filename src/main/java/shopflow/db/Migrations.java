package shopflow.db;

import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** The schema, as Flyway migrations under {@code db/migration}. */
public final class Migrations {

    private Migrations() {
    }

    /** Brings the schema up to date; applying it again changes nothing. */
    public static MigrateResult migrate(Database database) {
        return flyway(database).migrate();
    }

    private static Flyway flyway(Database database) {
        return Flyway.configure()
                .dataSource(database.dataSource())
                .locations("classpath:db/migration")
                .loggers("slf4j")
                .placeholders(Map.of("shop_time_zone", database.timeZone().getId()))
                .load();
    }
}
