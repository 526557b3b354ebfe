package shopflow.db;

import java.nio.file.Path;
import java.time.ZoneId;
import picocli.CommandLine.Option;

/**
 * Where the database is: the embedded server (default) or any PostgreSQL 16 through a JDBC URL.
 * Shared by every command that touches the database, as a picocli mixin.
 */
public final class DatabaseOptions {

    public static final int DEFAULT_PORT = 5488;

    static {
        // For --data-dir's default. Root's server runs as an unprivileged system user (ServerUser),
        // which cannot reach root's home: root's shop lives where packaged databases keep theirs.
        System.setProperty("shopflow.default-data-dir", ServerUser.runningAsRoot()
                ? ServerUser.ROOT_DATA_DIR.toString()
                : Path.of(System.getProperty("user.home"), ".shopflow", "pgdata").toString());
    }

    @Option(names = "--data-dir", paramLabel = "DIR",
            defaultValue = "${env:SHOPFLOW_DATA_DIR:-${sys:shopflow.default-data-dir}}",
            description = "Data directory of the embedded PostgreSQL (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:SHOPFLOW_PORT:-" + DEFAULT_PORT + "}",
            description = "localhost port of the embedded PostgreSQL (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--fsync", paramLabel = "on|off", defaultValue = "${env:SHOPFLOW_FSYNC:-on}",
            description = "Whether the embedded PostgreSQL waits for the disk at every commit (default: "
                    + "${DEFAULT-VALUE}; env SHOPFLOW_FSYNC). off is for throwaway data only: a power cut or a crash "
                    + "of the machine can lose orders it confirmed, or leave a data directory that will not start.")
    Fsync fsync;

    @Option(names = "--jdbc-url", paramLabel = "URL", defaultValue = "${env:SHOPFLOW_JDBC_URL}",
            description = "Use this PostgreSQL 16 instead of the embedded one, e.g. "
                    + "jdbc:postgresql://db.example:5432/shopflow (env SHOPFLOW_JDBC_URL).")
    String jdbcUrl;

    @Option(names = "--db-user", paramLabel = "USER", defaultValue = "${env:SHOPFLOW_DB_USER:-shopflow}",
            description = "Database user with --jdbc-url (default: ${DEFAULT-VALUE}; env SHOPFLOW_DB_USER).")
    String user;

    @Option(names = "--db-password", paramLabel = "PASSWORD", defaultValue = "${env:SHOPFLOW_DB_PASSWORD}",
            description = "Database password with --jdbc-url (env SHOPFLOW_DB_PASSWORD).")
    String password;

    @Option(names = "--time-zone", paramLabel = "ZONE", defaultValue = "${env:SHOPFLOW_TIME_ZONE:-Europe/London}",
            description = "The shop's time zone: days, weeks and months are cut in it (default: ${DEFAULT-VALUE}).")
    ZoneId timeZone;

    /** Whether the embedded server flushes every commit to disk. */
    public enum Fsync { on, off }

    public DatabaseOptions() {
    }

    /** Options for the embedded server, as tests and helpers build them without a command line. */
    public static DatabaseOptions embedded(Path dataDir, int port) {
        DatabaseOptions options = new DatabaseOptions();
        options.dataDir = dataDir;
        options.port = port;
        // the test suite runs its throwaway servers without fsync (SHOPFLOW_FSYNC=off, set in the pom)
        options.fsync = Fsync.valueOf(System.getenv().getOrDefault("SHOPFLOW_FSYNC", "on"));
        options.user = "shopflow";
        options.timeZone = ZoneId.of("Europe/London");
        return options;
    }

    /** Options for an external server. */
    public static DatabaseOptions external(String jdbcUrl, String user, String password) {
        DatabaseOptions options = new DatabaseOptions();
        options.jdbcUrl = jdbcUrl;
        options.user = user;
        options.password = password;
        options.timeZone = ZoneId.of("Europe/London");
        return options;
    }

    public boolean isExternal() {
        return jdbcUrl != null && !jdbcUrl.isBlank();
    }

    public Path dataDir() {
        return dataDir;
    }

    public int port() {
        return port;
    }

    public boolean fsync() {
        return fsync != Fsync.off;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public ZoneId timeZone() {
        return timeZone;
    }
}
