package shopflow.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The ShopFlow database a command works on: the embedded server (started, or attached to when it
 * already runs) or an external PostgreSQL 16, behind one connection pool. Every connection cuts
 * days in the shop's time zone.
 */
public final class Database implements AutoCloseable {

    /** A JDBC URL's parts around its database name: jdbc:postgresql://host:port/NAME?options. */
    private static final Pattern URL_DATABASE = Pattern.compile("^(jdbc:postgresql://[^/?]*/)([^?]*)(.*)$");

    private final HikariDataSource pool;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final ZoneId timeZone;
    private final EmbeddedServer server; // null for an external database
    private volatile ServerWatch watch;   // set by keepServerRunning()

    private Database(String jdbcUrl, String user, String password, ZoneId timeZone, EmbeddedServer server) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.timeZone = timeZone;
        this.server = server;
        this.pool = openPool("shopflow", 16);
    }

    /**
     * A connection pool of its own on this database, with the same settings as the main one
     * ({@link #dataSource()}); the caller closes it. The web server keeps reports, writes and
     * health apart this way, so that no amount of one can take the connections of another.
     */
    public HikariDataSource openPool(String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(10_000);
        // Set at connect, not through the URL: pgjdbc would otherwise send the JVM's zone.
        config.setConnectionInitSql("set time zone '" + timeZone.getId() + "'");
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new DatabaseException("cannot connect to " + jdbcUrl + " as " + user + ": " + rootMessage(e), e);
        }
    }

    /** Opens the database the options name: external when a JDBC URL is given, embedded otherwise. */
    public static Database open(DatabaseOptions options) {
        if (options.isExternal()) {
            if (!options.jdbcUrl().startsWith("jdbc:postgresql:")) {
                throw new DatabaseException("--jdbc-url must start with jdbc:postgresql:, got '" + options.jdbcUrl() + "'");
            }
            return new Database(options.jdbcUrl(), options.user(), options.password(), options.timeZone(), null);
        }
        EmbeddedServer server = EmbeddedServer.startOrAttach(options.dataDir(), options.port(), options.fsync());
        try {
            return new Database(server.jdbcUrl(), EmbeddedServer.OWNER_ROLE, server.ownerPassword().orElse(null),
                    options.timeZone(), server);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Another database on the same server, as the same user in the same time zone (the embedded
     * server, if any, stays this one's to stop).
     */
    public Database onSameServer(String databaseName) {
        return new Database(urlOf(databaseName), user, password, timeZone, null);
    }

    /** One plain connection (no pool, no time zone set) to another database on the same server, as the same user. */
    public Connection connectTo(String databaseName) throws SQLException {
        return DriverManager.getConnection(urlOf(databaseName), user, password);
    }

    /**
     * One plain connection to the same database on another server (a Citus worker), as the same
     * user with the same password.
     */
    public Connection connectToServer(String host, int port) throws SQLException {
        Matcher url = urlParts();
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + url.group(2) + url.group(3),
                user, password);
    }

    /** Closes the pool's idle connections now, e.g. so that the database can be a template (the pool opens new ones when asked). */
    public void closeIdleConnections() {
        pool.getHikariPoolMXBean().softEvictConnections();
    }

    private String urlOf(String databaseName) {
        Matcher url = urlParts();
        return url.group(1) + databaseName + url.group(3);
    }

    /** The URL's server (1), database (2) and parameters (3). */
    private Matcher urlParts() {
        Matcher url = URL_DATABASE.matcher(jdbcUrl);
        if (!url.matches()) {
            throw new DatabaseException("cannot tell the database name in " + jdbcUrl
                    + ": write it as jdbc:postgresql://host:port/database");
        }
        return url;
    }

    public DataSource dataSource() {
        return pool;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The password this database is reached with (the embedded server's, from its data directory), if any. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    public String user() {
        return user;
    }

    public ZoneId timeZone() {
        return timeZone;
    }

    /** The embedded server's port, when this is the embedded database. */
    public Optional<Integer> embeddedPort() {
        return Optional.ofNullable(server).map(EmbeddedServer::port);
    }

    /** Whether this process started the embedded server (it stops when we close). */
    public boolean startedServerHere() {
        return server != null && server.startedHere();
    }

    /** How to reach this database from psql, for the person at the keyboard. */
    public String connectionHelp() {
        if (server == null) {
            return "database: " + jdbcUrl + " (user " + user + ")";
        }
        return String.join(System.lineSeparator(),
                "PostgreSQL 16 (embedded) on localhost:" + server.port() + ", database " + EmbeddedServer.DATABASE
                        + ", user " + EmbeddedServer.OWNER_ROLE + " (localhost only)",
                "  data directory: " + server.dataDir(),
                "  password:       the shopflow= line of " + server.dataDir().resolve(ServerAccess.FILE)
                        + " (owner-only)",
                "  psql:           ./shopflow psql   (same --data-dir and --port)",
                "  JDBC:           " + jdbcUrl + "?user=" + EmbeddedServer.OWNER_ROLE + " and that password");
    }

    /**
     * Keeps the embedded server this process started running: restarted after a crash, until this
     * database is closed. Long-running commands (serve, demo) ask for it; a server attached to is
     * its starter's to watch.
     */
    public synchronized void keepServerRunning() {
        if (server != null && server.startedHere() && watch == null) {
            watch = new ServerWatch(server);
        }
    }

    /** Why the database cannot be used now (its server crashed and is being restarted), if so. */
    public Optional<String> outage() {
        ServerWatch current = watch;
        return current == null ? Optional.empty() : current.outage();
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
        pool.close();
        if (server != null) {
            server.close();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
