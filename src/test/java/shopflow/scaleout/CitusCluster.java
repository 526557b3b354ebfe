package shopflow.scaleout;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import shopflow.TempDirectories;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;

/**
 * A real Citus cluster for a test class: a coordinator and two workers on localhost, started and
 * stopped with {@code ../shared/citus/cluster.sh} (beside the checkout, as on CI), in a temporary
 * directory, on three free consecutive ports.
 */
final class CitusCluster implements AutoCloseable {

    static final Path SCRIPTS = Path.of("..", "shared", "citus").toAbsolutePath().normalize();
    static final int WORKERS = 2;

    private final Path dir;
    private final int port;

    private CitusCluster(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /**
     * Starts a cluster. Without Citus installed the test is skipped only where it cannot be
     * installed (not root); as root (CI) a missing Citus is a failure: run-tests installs it.
     */
    static CitusCluster start() {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean installed = citusInstalled();
        assumeTrue(installed || root, "Citus is not installed and this user cannot install it: run (as root) "
                + SCRIPTS.resolve("install.sh") + " to run the scale-out tests");
        if (!installed) {
            fail("Citus is not installed: run-tests installs it with " + SCRIPTS.resolve("install.sh"));
        }
        try {
            Path dir = Files.createTempDirectory("shopflow-citus");
            int port = freePorts(WORKERS + 1);
            CitusCluster cluster = new CitusCluster(dir, port);
            cluster.script("start", dir.toString(), Integer.toString(port), Integer.toString(WORKERS));
            return cluster;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean citusInstalled() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.anyMatch(v -> Files.exists(v.resolve("lib/citus.so")));
        } catch (IOException noPostgres) {
            return false;
        }
    }

    int coordinatorPort() {
        return port;
    }

    int workerPort(int worker) {
        return port + worker;
    }

    /**
     * A new database on every node with Citus in it and the workers registered, so each test gets
     * a cluster of its own (Citus keeps its node list per database).
     */
    Database database(String name) {
        for (int i = 0; i <= WORKERS; i++) {
            execute(port + i, "postgres", "create database " + name);
            execute(port + i, name, "create extension citus");
        }
        execute(port, name, "select citus_set_coordinator_host('localhost', " + port + ")");
        for (int i = 1; i <= WORKERS; i++) {
            execute(port, name, "select citus_add_node('localhost', " + (port + i) + ")");
        }
        return open(name);
    }

    /**
     * A new pool on an existing database. Connections that were open while {@code distribute} ran
     * keep stale Citus caches of the tables it distributed ("cache lookup failed for type ..." on a
     * whole-row reference to their rows): a test reopens the database after distributing it, as
     * the CLI's separate processes do.
     */
    Database open(String name) {
        return Database.open(DatabaseOptions.external("jdbc:postgresql://localhost:" + port + "/" + name, "postgres",
                null));
    }

    /**
     * Runs a psql script on the coordinator's database as an analyst would (the shop's time zone,
     * stopping at the first error) and gives what psql printed, errors included; the exit code
     * first, on a line of its own.
     */
    String psql(String database, String script, String... variables) {
        List<String> command = new ArrayList<>(List.of(postgresBin() + "/psql", "-X", "-q", "-v",
                "ON_ERROR_STOP=1", "-h", "localhost", "-p", String.valueOf(port), "-U", "postgres", "-d", database));
        for (String variable : variables) {
            command.addAll(List.of("-v", variable));
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("PGTZ", "Europe/London");
            Process process = builder.start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(script.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("psql did not finish in 2 minutes:\n" + output);
            }
            return process.exitValue() + "\n" + output;
        } catch (IOException e) {
            throw new IllegalStateException("psql: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops one worker (fast shutdown), as a machine that goes away. */
    void stopWorker(int worker) {
        pgCtl(worker, "stop", "-m", "fast");
    }

    void startWorker(int worker) {
        pgCtl(worker, "start", "-l", dir.resolve("n" + (port + worker) + ".log").toString());
    }

    private void pgCtl(int worker, String... args) {
        StringBuilder command = new StringBuilder(postgresBin() + "/pg_ctl -w -D " + dir.resolve("n" + (port + worker)));
        for (String arg : args) {
            command.append(' ').append(arg);
        }
        run(List.of("su", "postgres", "-s", "/bin/bash", "-c", command + " >/dev/null"));
    }

    private static String postgresBin() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.filter(v -> Files.exists(v.resolve("lib/citus.so")))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                    .orElseThrow().resolve("bin").toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            script("stop", dir.toString());
        } finally {
            TempDirectories.delete(dir);
        }
    }

    private static void execute(int port, String database, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database,
                "postgres", null); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("on port " + port + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    private void script(String... args) {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPTS.resolve("cluster.sh").toString()));
        command.addAll(List.of(args));
        run(command);
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The first of {@code count} consecutive free ports, from a random start (parallel runs rarely meet). */
    private static int freePorts(int count) {
        SplittableRandom random = new SplittableRandom();
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = 20_000 + random.nextInt(30_000);
            boolean free = true;
            for (int p = first; p < first + count && free; p++) {
                try (ServerSocket socket = new ServerSocket(p)) {
                    socket.setReuseAddress(true);
                } catch (IOException inUse) {
                    free = false;
                }
            }
            if (free) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports found");
    }
}
