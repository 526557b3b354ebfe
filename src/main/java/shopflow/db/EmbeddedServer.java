package shopflow.db;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded PostgreSQL 16 on a persistent data directory.
 *
 * <p>One data directory has one server: when a server already runs on it (started by another
 * ShopFlow command, or left behind by a killed one) we connect to it instead of starting a second,
 * and leave it running when we finish. Only a server we started is stopped by {@link #close()}.
 */
final class EmbeddedServer implements AutoCloseable {

    static final String OWNER_ROLE = "shopflow";
    static final String DATABASE = "shopflow";
    private static final String SUPERUSER = "postgres";
    private static final String MAJOR_VERSION = "16";
    static final String COLLATE = "C";
    static final String CTYPE = "C.UTF-8";

    private final Path dataDir;
    private final int port;
    private final boolean fsync;
    private final PgCtl started;          // null when we attached to a running server
    private volatile long postmasterPid;  // of the server we started
    private final Thread stopAtExit;
    private boolean closed;

    private EmbeddedServer(Path dataDir, int port, boolean fsync, PgCtl started) {
        this.dataDir = dataDir;
        this.port = port;
        this.fsync = fsync;
        this.started = started;
        this.postmasterPid = started == null ? 0 : postmasterPid(dataDir);
        // a server we started stops with us, however the JVM ends (Ctrl-C on demo included)
        this.stopAtExit = new Thread(this::close, "shopflow-stop-postgres");
        if (started != null) {
            Runtime.getRuntime().addShutdownHook(stopAtExit);
        }
    }

    /**
     * Attaches to the server running on {@code dataDir}, or starts one on {@code port}, flushing every
     * commit to disk unless {@code fsync} is false (a server attached to keeps its own setting).
     */
    static EmbeddedServer startOrAttach(Path requestedDataDir, int port, boolean fsync) {
        Path dataDir = requestedDataDir.toAbsolutePath().normalize();
        checkDataDirectory(dataDir);
        Optional<Integer> running = runningServerPort(dataDir);
        if (running.isPresent()) {
            return new EmbeddedServer(dataDir, running.get(), fsync, null); // its starter prepared it
        }
        EmbeddedServer server = new EmbeddedServer(dataDir, port, fsync, start(dataDir, port, fsync));
        try {
            server.prepare();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static PgCtl start(Path dataDir, int port, boolean fsync) {
        checkPortFree(port);
        PgCtl pgCtl = new PgCtl(dataDir);
        pgCtl.ownDataDirectory();
        try {
            if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
                // Text sorts by bytes (collation C): PostgreSQL 16 compares text under C.UTF-8 through
                // strcoll, several times slower than memcmp, and every text index build and ORDER BY
                // pays for it (the page_views(session_id) index took 28 s of a scale-1 load).
                // Byte order is right for ids, codes and emails, and fine for analytics; ctype
                // stays UTF-8 aware so upper(), lower() and regular expressions handle non-ASCII.
                pgCtl.initdb(COLLATE, CTYPE, fsync);
            }
            // who may connect while it starts (ServerAccess); locked down in prepare()
            ServerAccess.allowStart(dataDir, ServerAccess.read(dataDir).isPresent());
            pgCtl.start(port, settings(fsync), Duration.ofSeconds(60));
            return pgCtl;
        } catch (DatabaseException e) {
            throw new DatabaseException("could not start the embedded PostgreSQL on " + dataDir + " (port " + port
                    + "): " + e.getMessage() + ". Its log is in " + dataDir.resolve("log") + " (before that starts, "
                    + dataDir.resolve("startup.log") + "); the data directory was left as it was.", e);
        }
    }

    private static Map<String, String> settings(boolean fsync) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "localhost");
        // no Unix socket: its rules would be a second door to guard (ServerAccess)
        settings.put("unix_socket_directories", "");
        // Bulk loads into tables created or truncated in the same transaction skip the WAL.
        settings.put("wal_level", "minimal");
        settings.put("max_wal_senders", "0");
        settings.put("synchronous_commit", "on");
        // Off, a power cut could lose orders the API confirmed or leave a data directory that will
        // not start: only throwaway data (the test suite's) runs without it.
        settings.put("fsync", fsync ? "on" : "off");
        settings.put("max_connections", "200");
        settings.put("shared_buffers", "512MB");
        settings.put("work_mem", "32MB");
        settings.put("maintenance_work_mem", "512MB");
        settings.put("max_wal_size", "4GB");
        settings.put("checkpoint_timeout", "30min");
        settings.put("timezone", "UTC");
        // The server writes its own log into the data directory: it outlives our pipes.
        settings.put("logging_collector", "on");
        settings.put("log_directory", "log");
        return settings;
    }

    /** Refuses, before touching anything, a directory we cannot use; never deletes anything. */
    private static void checkDataDirectory(Path dataDir) {
        Path existing = dataDir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new DatabaseException("data directory " + dataDir + " cannot be created: " + existing
                    + " is not a directory. Choose another with --data-dir.");
        }
        if (!Files.isWritable(existing)) {
            throw new DatabaseException("data directory " + dataDir + " is not writable (" + existing
                    + "). Choose another with --data-dir or fix its permissions.");
        }
        Path versionFile = dataDir.resolve("PG_VERSION");
        if (Files.exists(versionFile)) {
            String version = read(versionFile).strip();
            if (!MAJOR_VERSION.equals(version)) {
                throw new DatabaseException("data directory " + dataDir + " was made by PostgreSQL " + version
                        + ", but ShopFlow runs PostgreSQL " + MAJOR_VERSION + ". Nothing was changed: choose another"
                        + " directory with --data-dir, or upgrade that one with pg_upgrade.");
            }
        } else if (Files.isDirectory(dataDir) && !isEmpty(dataDir)) {
            throw new DatabaseException("data directory " + dataDir + " is not empty and holds no PostgreSQL data"
                    + " (no PG_VERSION). Nothing was changed: choose another directory with --data-dir.");
        }
    }

    /** The port of a live server on this data directory, read from its postmaster.pid. */
    private static Optional<Integer> runningServerPort(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = read(pidFile).lines().toList();
        if (lines.size() < 4) {
            return Optional.empty();
        }
        long pid = Long.parseLong(lines.get(0).strip());
        int port = Integer.parseInt(lines.get(3).strip());
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        // A pid file left by a killed server is stale: PostgreSQL itself replaces it on the next start.
        return alive && accepts(port) ? Optional.of(port) : Optional.empty();
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void checkPortFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new DatabaseException("port " + port + " on localhost is already in use by another program."
                    + " Pick another with --port N (or SHOPFLOW_PORT=N), e.g. --port " + (port + 1) + ".");
        }
    }

    /**
     * Right after we started the server, as the superuser while it may still sign in: the shop's
     * role and database (first start), the passwords (first start under ServerAccess's rules: set on
     * the roles, then saved), then the superuser locked out and the rules reloaded.
     */
    private void prepare() {
        Optional<ServerAccess.Passwords> saved = ServerAccess.read(dataDir);
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER,
                saved.map(ServerAccess.Passwords::superuser).orElse(null));
                Statement s = c.createStatement()) {
            ensureRoleAndDatabase(s);
            if (saved.isEmpty()) {
                // saved only once set: a start interrupted in between finds no file and sets new ones
                ServerAccess.Passwords passwords = ServerAccess.generate();
                s.execute("alter role " + SUPERUSER + " password '" + passwords.superuser() + "'");
                s.execute("alter role " + OWNER_ROLE + " password '" + passwords.owner() + "'");
                ServerAccess.save(dataDir, passwords);
            }
            ServerAccess.lockDown(dataDir);
            s.execute("select pg_reload_conf()");
        } catch (SQLException e) {
            throw new DatabaseException("could not prepare the shopflow database on port " + port + ": "
                    + e.getMessage(), e);
        }
    }

    /** Creates the shopflow role (not a superuser) and database on first start; a no-op afterwards. */
    private static void ensureRoleAndDatabase(Statement s) throws SQLException {
        // createdb: a benchmark that writes works on a scratch copy of the shop (shopflow.bench.BenchDatabase)
        var roles = s.executeQuery("select rolcreatedb from pg_roles where rolname = '" + OWNER_ROLE + "'");
        if (!roles.next()) {
            s.execute("create role " + OWNER_ROLE + " login createrole createdb");
        } else if (!roles.getBoolean(1)) {
            s.execute("alter role " + OWNER_ROLE + " createdb");
        }
        // A superuser's setting, granted so that the web server can bound each report's
        // temporary files with set local (ReportRunner.limited); grants are cluster-wide and
        // granting again changes nothing.
        s.execute("grant set on parameter temp_file_limit to " + OWNER_ROLE);
        var databases = s.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'");
        if (!databases.next()) {
            // Byte-order collation like the data directory we initialise (see start); from template0,
            // whose locale may differ, so that it holds in a data directory made before too.
            s.execute("create database " + DATABASE + " owner " + OWNER_ROLE + " encoding 'UTF8'"
                    + " lc_collate '" + COLLATE + "' template template0");
        }
    }

    /** The password of the shop's role (none for a data directory whose server trusts localhost). */
    Optional<String> ownerPassword() {
        return ServerAccess.read(dataDir).map(ServerAccess.Passwords::owner);
    }

    String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    int port() {
        return port;
    }

    Path dataDir() {
        return dataDir;
    }

    /** Whether this process started the server (and so stops it on close). */
    boolean startedHere() {
        return started != null;
    }

    /** Whether the server this process started is running (a server attached to is not ours to watch). */
    boolean running() {
        return started == null || ProcessHandle.of(postmasterPid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The postmaster's process id, from its postmaster.pid (pg_ctl, which started it, has exited). */
    private static long postmasterPid(Path dataDir) {
        return Long.parseLong(read(dataDir.resolve("postmaster.pid")).lines().findFirst().orElseThrow().strip());
    }

    /**
     * Starts the server again on the same directory and port after it died: PostgreSQL's crash
     * recovery replays its log, so every committed write is there. The dead instance is closed
     * first, which releases the data directory's lock.
     */
    synchronized void restart() {
        if (started == null || closed || running()) {
            return;
        }
        start(dataDir, port, fsync); // the dead server's postmaster.pid is stale: PostgreSQL replaces it
        postmasterPid = postmasterPid(dataDir);
        prepare();
    }

    @Override
    public synchronized void close() {
        if (started == null || closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: this is the hook running
        }
        if (running()) {
            started.stop();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new DatabaseException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isEmpty(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new DatabaseException("cannot read data directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
