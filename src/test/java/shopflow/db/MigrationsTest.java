package shopflow.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;

class MigrationsTest {

    @Test
    void migrating_again_changes_nothing() throws SQLException {
        try (Database db = TestDatabases.fresh()) {
            assertThat(Migrations.migrate(db).migrationsExecuted).isZero();
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
