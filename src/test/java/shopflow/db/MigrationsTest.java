package shopflow.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;

class MigrationsTest {

    @Test
    void migrating_again_changes_nothing() throws SQLException {
        try (Database db = TestDatabases.fresh()) {
            assertThat(Migrations.migrate(db).migrationsExecuted).isZero();
        }
    }

    /** Folds update the same rows all day: each rollup table is vacuumed after 0.2 % of it changed, not 20 %. */
    @Test
    void every_rollup_table_is_vacuumed_once_a_small_part_of_it_changed() throws SQLException {
        try (Database db = TestDatabases.fresh()) {
            assertThat(count(db, "select count(*) from pg_class where relkind = 'r'"
                    + " and relnamespace = 'rollups'::regnamespace")).isGreaterThan(50);
            assertThat(count(db, "select count(*) from pg_class where relkind = 'r'"
                    + " and relnamespace = 'rollups'::regnamespace and not (coalesce(reloptions, '{}') @> array["
                    + "'autovacuum_vacuum_scale_factor=0.002', 'autovacuum_vacuum_insert_scale_factor=0.002'])"))
                    .as("rollup tables vacuumed only after the default 20 percent changed").isZero();
        }
    }

    @Test
    void migrating_with_another_time_zone_changes_nothing() {
        try (Database db = TestDatabases.fresh()) {
            DatabaseOptions elsewhere = DatabaseOptions.external(db.jdbcUrl(), "shopflow", TestDatabases.password());
            elsewhere.timeZone = ZoneId.of("America/New_York");
            try (Database other = Database.open(elsewhere)) {
                // the shop's days, months and hours stay cut where the database was created
                assertThat(Migrations.migrate(other).migrationsExecuted).isZero();
            }
        }
    }

    @Test
    void a_schema_migrated_by_another_build_is_refused_with_the_migration_named_and_left_as_it_is() throws SQLException {
        try (Database db = TestDatabases.fresh()) {
            execute(db, "update flyway_schema_history set checksum = checksum + 1 where version = '2'");
            long historyRows = count(db, "select count(*) from flyway_schema_history");

            assertThatThrownBy(() -> Migrations.migrate(db))
                    .isInstanceOf(DatabaseException.class)
                    .hasMessageContaining("does not match this build")
                    .hasMessageContaining("checksum mismatch for migration version 2")
                    .hasMessageContaining("left as it is");
            assertThat(count(db, "select count(*) from flyway_schema_history")).isEqualTo(historyRows);
        }
    }

    @Test
    void a_database_from_a_development_version_of_the_schema_is_refused_with_how_to_regenerate_it() throws SQLException {
        try (Database db = TestDatabases.fresh()) {
            // as the history of a database migrated before the schema was squashed into its baseline
            execute(db, "update flyway_schema_history set description = 'schema', script = 'V1__schema.sql',"
                    + " checksum = 1 where version = '1'");
            execute(db, "insert into flyway_schema_history (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, execution_time, success) select max(installed_rank) + 1, '10.7',"
                    + " 'catch up waits only for prepared writes', 'SQL',"
                    + " 'V10_7__catch_up_waits_only_for_prepared_writes.sql', 1, 'shopflow', 5, true"
                    + " from flyway_schema_history");
            long historyRows = count(db, "select count(*) from flyway_schema_history");

            assertThatThrownBy(() -> Migrations.migrate(db))
                    .isInstanceOf(DatabaseException.class)
                    .hasMessageContaining("created by a development version of the schema")
                    .hasMessageContaining("10.7")
                    .hasMessageContaining("./shopflow generate --data-dir");
            assertThat(count(db, "select count(*) from flyway_schema_history")).isEqualTo(historyRows);
        }
    }

    private static void execute(Database db, String sql) throws SQLException {
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(Database db, String sql) throws SQLException {
        try (Connection c = db.connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
