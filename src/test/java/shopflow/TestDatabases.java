package shopflow;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;

/**
 * One real embedded PostgreSQL 16 for the whole test run, and a fresh, migrated database per test
 * class: cloned from a migrated template, so each costs a file copy rather than a migration.
 */
public final class TestDatabases {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static Database server;

    private TestDatabases() {
    }

    /** A new database with the current schema and no rows, on the shared test server. */
    public static synchronized Database fresh() {
        Database root = server();
        String name = "test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        execute(root.embeddedPort().orElseThrow(),
                "create database " + name + " template shopflow_template owner shopflow");
        return Database.open(DatabaseOptions.external(
                "jdbc:postgresql://localhost:" + root.embeddedPort().orElseThrow() + "/" + name, "shopflow", password()));
    }

    /** The password of the shop's role on the shared test server (it takes no connection without one). */
    public static synchronized String password() {
        return server().password().orElseThrow();
    }

    /** The port of the shared test server, for tests that connect as another role. */
    public static synchronized int port() {
        return server().embeddedPort().orElseThrow();
    }

    private static Database server() {
        if (server == null) {
            Path dataDir = TempDirectories.create("shopflow-test-pg");
            server = Database.open(DatabaseOptions.embedded(dataDir.resolve("pgdata"), freePort()));
            int port = server.embeddedPort().orElseThrow();
            execute(port, "create database shopflow_template owner shopflow");
            try (Database template = Database.open(DatabaseOptions.external(
                    "jdbc:postgresql://localhost:" + port + "/shopflow_template", "shopflow", password()))) {
                Migrations.migrate(template);
            }
            Database started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.close();
                // The embedded server has its own shutdown hook, running beside this one:
                // the server may still be writing its last files, so wait for it to be gone.
                awaitServerGone(dataDir.resolve("pgdata"));
                TempDirectories.delete(dataDir);
            }));
        }
        return server;
    }

    private static void awaitServerGone(Path pgdata) {
        for (int i = 0; i < 100 && Files.exists(pgdata.resolve("postmaster.pid")); i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Runs SQL as the shop's role (it may create databases and roles; the superuser is refused over
     * TCP) on the embedded server on {@code port}.
     */
    public static void execute(int port, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "shopflow",
                password());
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
