package shopflow.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shopflow.TestDatabases;

class EmbeddedServerTest {

    @TempDir
    Path temp;

    @Test
    void data_survives_a_restart_on_the_same_directory() throws SQLException {
        Path dataDir = temp.resolve("pgdata");
        int port = TestDatabases.freePort();
        try (Database first = Database.open(DatabaseOptions.embedded(dataDir, port))) {
            assertThat(first.startedServerHere()).isTrue();
            Migrations.migrate(first);
            execute(first, "insert into customers (email) values ('kept@example.com')");
        }
        try (Database second = Database.open(DatabaseOptions.embedded(dataDir, port))) {
            assertThat(Migrations.migrate(second).migrationsExecuted).isZero();
            assertThat(queryString(second, "select email from customers")).isEqualTo("kept@example.com");
        }
    }

    @Test
    void only_the_shops_role_connects_with_its_password_and_it_is_no_superuser() throws Exception {
        Path dataDir = temp.resolve("locked");
        int port = TestDatabases.freePort();
        String url = "jdbc:postgresql://localhost:" + port + "/shopflow";
        for (int start = 1; start <= 2; start++) { // the first start sets the passwords, the second uses them
            try (Database db = Database.open(DatabaseOptions.embedded(dataDir, port))) {
                Path credentials = dataDir.resolve(ServerAccess.FILE);
                assertThat(Files.getPosixFilePermissions(credentials))
                        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                ServerAccess.Passwords passwords = ServerAccess.read(dataDir).orElseThrow();

                assertThatThrownBy(() -> java.sql.DriverManager.getConnection(url, "shopflow", null).close())
                        .hasMessageContaining("password");
                assertThatThrownBy(() -> java.sql.DriverManager.getConnection(url, "shopflow", "guess").close())
                        .hasMessageContaining("password authentication failed");
                // the superuser is refused over TCP, even with its password
                assertThatThrownBy(() -> java.sql.DriverManager.getConnection(url, "postgres", passwords.superuser())
                        .close()).hasMessageContaining("pg_hba.conf rejects connection");
                try (Connection c = java.sql.DriverManager.getConnection(url, "shopflow", passwords.owner())) {
                    assertThat(query(c, "select rolsuper::text from pg_roles where rolname = current_user")).isEqualTo("false");
                    // and no Unix socket, whose rules would be another door
                    assertThat(Path.of("/tmp/.s.PGSQL." + port)).doesNotExist();
                    assertThat(Path.of("/var/run/postgresql/.s.PGSQL." + port)).doesNotExist();
                    assertThatThrownBy(() -> query(c, "select pg_read_file('/etc/hostname')"))
                            .hasMessageContaining("permission denied");
                }
                assertThat(queryString(db, "select current_user")).isEqualTo("shopflow");
            }
        }
    }

    @Test
    void the_server_waits_for_the_disk_at_every_commit_unless_told_its_data_is_throwaway() throws SQLException {
        DatabaseOptions durable = DatabaseOptions.embedded(temp.resolve("durable"), TestDatabases.freePort());
        durable.fsync = DatabaseOptions.Fsync.on;
        try (Database db = Database.open(durable)) {
            assertThat(queryString(db, "show fsync")).isEqualTo("on");
        }
        DatabaseOptions throwaway = DatabaseOptions.embedded(temp.resolve("throwaway"), TestDatabases.freePort());
        throwaway.fsync = DatabaseOptions.Fsync.off;
        try (Database db = Database.open(throwaway)) {
            assertThat(queryString(db, "show fsync")).isEqualTo("off");
        }
    }

    @Test
    void a_new_data_directory_sorts_text_by_bytes_and_still_knows_unicode_case() throws SQLException {
        try (Database db = Database.open(DatabaseOptions.embedded(temp.resolve("pgdata"), TestDatabases.freePort()))) {
            assertThat(queryString(db, "select datcollate || ' ' || datctype from pg_database where datname = current_database()"))
                    .isEqualTo("C C.UTF-8");
            assertThat(queryString(db, "select string_agg(x, ',' order by x) from (values ('b'), ('é'), ('B'), ('a')) v (x)"))
                    .isEqualTo("B,a,b,é");
            assertThat(queryString(db, "select upper('émile')")).isEqualTo("ÉMILE");
        }
    }

    @Test
    void test_databases_have_the_same_collation_as_a_new_data_directory() throws SQLException {
        try (Database db = TestDatabases.fresh()) {
            assertThat(queryString(db, "select datcollate || ' ' || datctype from pg_database where datname = current_database()"))
                    .isEqualTo("C C.UTF-8");
        }
    }

    @Test
    void a_second_open_attaches_to_the_running_server_instead_of_starting_another() throws SQLException {
        Path dataDir = temp.resolve("pgdata");
        int port = TestDatabases.freePort();
        try (Database first = Database.open(DatabaseOptions.embedded(dataDir, port))) {
            // A different port is asked for, but the data directory already has a server: use it.
            try (Database second = Database.open(DatabaseOptions.embedded(dataDir, TestDatabases.freePort()))) {
                assertThat(second.startedServerHere()).isFalse();
                assertThat(second.embeddedPort()).contains(port);
            }
            // Closing the attached one left the server up for the first.
            assertThat(queryString(first, "select 'still up'")).isEqualTo("still up");
        }
    }

    @Test
    void a_server_killed_hard_does_not_prevent_the_next_start() throws Exception {
        Path dataDir = temp.resolve("pgdata");
        int port = TestDatabases.freePort();
        Database first = Database.open(DatabaseOptions.embedded(dataDir, port));
        Migrations.migrate(first);
        execute(first, "insert into customers (email) values ('before-crash@example.com')");
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
        new ProcessBuilder("kill", "-9", String.valueOf(pid)).start().waitFor(10, TimeUnit.SECONDS);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        first.close(); // nothing to stop: the server is dead
        // The pid file is left behind, as after kill -9 or a power cut.
        assertThat(dataDir.resolve("postmaster.pid")).exists();

        try (Database second = Database.open(DatabaseOptions.embedded(dataDir, TestDatabases.freePort()))) {
            assertThat(second.startedServerHere()).isTrue();
            assertThat(queryString(second, "select email from customers")).isEqualTo("before-crash@example.com");
        }
    }

    @Test
    void the_server_never_runs_as_root() throws Exception {
        Path dataDir = temp.resolve("pgdata");
        try (Database db = Database.open(DatabaseOptions.embedded(dataDir, TestDatabases.freePort()))) {
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
            String expected = ServerUser.runningAsRoot() ? ServerUser.SYSTEM_USER : System.getProperty("user.name");
            assertThat(ProcessHandle.of(pid).orElseThrow().info().user()).contains(expected);
            assertThat(Files.getOwner(dataDir).getName()).isEqualTo(expected);
            assertThat(queryString(db, "select 'up'")).isEqualTo("up");
        }
    }

    @Test
    void under_root_a_data_directory_the_server_user_cannot_reach_is_refused_by_name() throws IOException {
        Assumptions.assumeTrue(ServerUser.runningAsRoot(), "only root's server runs as another user");
        Path closed = Files.createDirectories(temp.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Path dataDir = closed.resolve("pgdata");
        assertThatThrownBy(() -> Database.open(DatabaseOptions.embedded(dataDir, TestDatabases.freePort())))
                .isInstanceOf(DatabaseException.class)
                .hasMessageContaining("system user '" + ServerUser.SYSTEM_USER + "'")
                .hasMessageContaining("cannot reach " + dataDir)
                .hasMessageContaining("--data-dir");
    }

    @Test
    void a_port_in_use_is_named_with_the_option_to_pick_another() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = busy.getLocalPort();
            assertThatThrownBy(() -> Database.open(DatabaseOptions.embedded(temp.resolve("pgdata"), port)))
                    .isInstanceOf(DatabaseException.class)
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("--port");
        }
    }

    @Test
    void a_directory_made_by_another_postgresql_version_is_refused_and_left_alone() throws IOException {
        Path dataDir = Files.createDirectories(temp.resolve("old"));
        Files.writeString(dataDir.resolve("PG_VERSION"), "15\n");
        Files.writeString(dataDir.resolve("precious"), "data");
        assertThatThrownBy(() -> Database.open(DatabaseOptions.embedded(dataDir, TestDatabases.freePort())))
                .isInstanceOf(DatabaseException.class)
                .hasMessageContaining("PostgreSQL 15")
                .hasMessageContaining("Nothing was changed");
        assertThat(dataDir.resolve("precious")).hasContent("data");
    }

    @Test
    void a_directory_that_cannot_be_created_is_explained() throws IOException {
        Path file = Files.writeString(temp.resolve("a-file"), "x");
        assertThatThrownBy(() -> Database.open(DatabaseOptions.embedded(file.resolve("pgdata"), TestDatabases.freePort())))
                .isInstanceOf(DatabaseException.class)
                .hasMessageContaining("is not a directory")
                .hasMessageContaining("--data-dir");
    }

    @Test
    void a_non_empty_directory_without_postgresql_data_is_refused() throws IOException {
        Path dataDir = Files.createDirectories(temp.resolve("photos"));
        Files.writeString(dataDir.resolve("holiday.jpg"), "not a database");
        assertThatThrownBy(() -> Database.open(DatabaseOptions.embedded(dataDir, TestDatabases.freePort())))
                .isInstanceOf(DatabaseException.class)
                .hasMessageContaining("not empty");
        assertThat(dataDir.resolve("holiday.jpg")).exists();
    }

    static void execute(Database database, String sql) throws SQLException {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String queryString(Database database, String sql) throws SQLException {
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
