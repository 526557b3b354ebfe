package shopflow.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The schema, as Flyway migrations under {@code db/migration}: versioned ones for tables, indexes,
 * schemas and roles (never edited once landed), then repeatable ones ({@code R__*.sql}, one per
 * concern) for functions, triggers and views, re-applied whenever their text changes.
 */
public final class Migrations {

    private static final String SCHEMA_VERSION = SqlScripts.read("db/schema_version.sql");

    private Migrations() {
    }

    /** The schema's version: the last versioned migration applied (none on a database never migrated). */
    public static Optional<String> schemaVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(SCHEMA_VERSION)) {
            return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
        }
    }

    /**
     * Brings the schema up to date; applying it again changes nothing. A schema this build does not
     * recognise (migrated by another build, or edited by hand) is refused before any change.
     */
    public static MigrateResult migrate(Database database) {
        return migrate(database, "classpath:db/migration");
    }

    /**
     * Brings the schema up to date with the migrations in {@code folder} instead of this build's
     * (the same settings and callbacks): what a later version's migrations do to a database, as the
     * scale-out test upgrades a cluster with every repeatable migration changed.
     */
    public static MigrateResult migrate(Database database, Path folder) {
        return migrate(database, "filesystem:" + folder.toAbsolutePath());
    }

    private static MigrateResult migrate(Database database, String location) {
        Flyway flyway = flyway(database, location);
        try {
            return flyway.migrate();
        } catch (FlywayValidateException e) {
            // a database from before the baseline fails validation too (its first migration differs): the
            // history is read again only then, not on every start
            refuseDevelopmentSchema(flyway);
            throw new DatabaseException("the database's schema does not match this build of ShopFlow (it was"
                    + " migrated by another build, or its migration history was edited), so it was left as it is: "
                    + e.getMessage().strip() + ". Use the build that created it, or a new database (--data-dir).", e);
        } catch (FlywayException e) {
            throw new DatabaseException("migrating the schema failed (a migration that fails is rolled back whole): "
                    + e.getMessage().strip(), e);
        }
    }

    /**
     * Before the first release the schema's history was squashed into a new baseline, so a database
     * created before that holds migrations this build does not have, from its first one on, and has
     * no path forward: it must be generated again. Said plainly rather than as Flyway's validation
     * error. (A database migrated by a newer build shares the baseline and is left to Flyway.)
     */
    private static void refuseDevelopmentSchema(Flyway flyway) {
        List<MigrationInfo> applied = Arrays.stream(flyway.info().applied())
                .filter(m -> m.getVersion() != null)
                .toList();
        boolean otherBaseline = applied.stream()
                .anyMatch(m -> m.getVersion().toString().equals("1") && !inThisBuild(m.getScript()));
        if (otherBaseline) {
            String unknown = applied.stream()
                    .filter(m -> !inThisBuild(m.getScript()))
                    .map(m -> m.getVersion().toString())
                    .collect(Collectors.joining(", "));
            throw new DatabaseException("this database was created by a development version of the schema"
                    + " (its migrations " + unknown + " are not in this build) and cannot be upgraded, so it"
                    + " was left as it is: regenerate it with `./shopflow generate --data-dir NEW_DIR` (or remove"
                    + " the old data directory first; on an external PostgreSQL, drop and create the database,"
                    + " then run `./shopflow generate --jdbc-url ...`)");
        }
    }

    private static boolean inThisBuild(String script) {
        return Migrations.class.getResource("/db/migration/" + script) != null;
    }

    private static Flyway flyway(Database database, String location) {
        return Flyway.configure()
                .dataSource(database.dataSource())
                .locations(location)
                // a repeatable migration whose file was removed leaves its objects as they are: no error
                .ignoreMigrationPatterns("*:future", "repeatable:missing")
                .loggers("slf4j")
                .callbacks(new CitusMigrationMessages(), new CitusDefinitions())
                .placeholders(Map.of("shop_time_zone", database.timeZone().getId()))
                .load();
    }
}
