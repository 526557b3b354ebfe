package shopflow.bench;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import shopflow.db.Database;
import shopflow.db.DatabaseException;
import shopflow.db.Migrations;
import shopflow.generate.Generator;
import shopflow.scaleout.Cluster;

/**
 * The database a benchmark that writes works on: a scratch database of its own on the shop's
 * server, dropped when the benchmark ends, or, asked for on purpose ({@code --in-place}), the shop
 * itself. {@code bench live} once placed about 55,000 orders dated now into the scale-1 demo shop it
 * measured, and its dashboard showed £25.2 M of "revenue today".
 *
 * <p>The scratch database is a copy of the shop ({@code create database ... template <shop>}, a
 * file copy: seconds at scale 1), which PostgreSQL allows only while nobody else is connected to
 * the shop; when someone is (a web server, psql), a shop of about the same size is generated into
 * an empty scratch database instead. A Citus cluster cannot be copied so (its shards live on the
 * workers): there only {@code --in-place} runs.
 */
public final class BenchDatabase implements AutoCloseable {

    /** SQLSTATE 55006 object_in_use: "source database ... is being accessed by other users". */
    private static final String IN_USE = "55006";

    private final Database shop;
    private final Database database;
    private final String scratchName; // null: the shop itself

    private BenchDatabase(Database shop, Database database, String scratchName) {
        this.shop = shop;
        this.database = database;
        this.scratchName = scratchName;
    }

    /**
     * Where a benchmark that writes into a shop works: the shop itself with {@code inPlace}, else a
     * scratch copy ({@link #copyOf}). A database without orders is refused: there is nothing to measure.
     */
    public static BenchDatabase forShop(Database shop, boolean inPlace, PrintWriter out) {
        if (BenchData.orders(shop) == 0) {
            throw new IllegalArgumentException("the database has no shop: fill it first with 'shopflow generate"
                    + " --scale 1' (same --data-dir/--port)");
        }
        return inPlace ? inPlace(shop, out) : copyOf(shop, out);
    }

    /** The shop itself: the benchmark's rows stay in it. */
    public static BenchDatabase inPlace(Database shop, PrintWriter out) {
        out.println("in place: the benchmark writes into this database (--in-place)");
        out.flush();
        return new BenchDatabase(shop, shop, null);
    }

    /**
     * A scratch copy of the shop, or, when the shop cannot be copied because others are connected to it,
     * a freshly generated shop of its size. {@code out} says which.
     */
    public static BenchDatabase copyOf(Database shop, PrintWriter out) {
        refuseCluster(shop);
        String name = scratchName(shop);
        String shopName = currentDatabase(shop);
        shop.closeIdleConnections(); // ours: a template may have no other connection
        try {
            execute(shop, "create database " + quoted(name) + " template " + quoted(shopName));
            out.printf("measuring on a copy of the shop (database %s), dropped afterwards; --in-place measures the shop"
                    + " itself%n", name);
            out.flush();
            return open(shop, name);
        } catch (SQLException e) {
            if (!IN_USE.equals(e.getSQLState())) {
                throw cannotCreate(name, e);
            }
        }
        double scale = Math.max(0.002, Math.round(customers(shop) / (double) Generator.CUSTOMERS_AT_SCALE_1 * 1000) / 1000.0);
        out.printf("the shop cannot be copied while others are connected to it (a web server, psql): generating a shop"
                + " of scale %s into database %s instead, dropped afterwards (or stop them, or --in-place)%n", scale, name);
        out.flush();
        BenchDatabase generated = empty(shop, name);
        try {
            BenchData.generateShop(generated.database(), scale, OffsetDateTime.now(shop.timeZone()));
            return generated;
        } catch (RuntimeException e) {
            generated.close();
            throw e;
        }
    }

    /** An empty scratch database with the current schema, to generate a shop into. */
    public static BenchDatabase empty(Database shop, PrintWriter out) {
        refuseCluster(shop);
        String name = scratchName(shop);
        out.printf("generating into a scratch database (%s), dropped afterwards; --in-place generates into this one%n",
                name);
        out.flush();
        return empty(shop, name);
    }

    /** An empty scratch database with the current schema, named for the benchmark; {@code out} says which. */
    public static BenchDatabase emptyScratch(Database shop, PrintWriter out, String purpose) {
        refuseCluster(shop);
        String name = scratchName(shop);
        out.printf("%s into an empty scratch database (%s), dropped afterwards%n", purpose, name);
        out.flush();
        return empty(shop, name);
    }

    private static BenchDatabase empty(Database shop, String name) {
        // template0 has no objects to copy; the shop's encoding and collation, as the embedded server made it
        String[] locale = new String[2];
        try (Connection c = shop.connection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select datcollate, datctype from pg_database where datname = current_database()")) {
            r.next();
            locale[0] = r.getString(1);
            locale[1] = r.getString(2);
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the shop's collation: " + e.getMessage(), e);
        }
        try {
            execute(shop, "create database " + quoted(name) + " template template0 encoding 'UTF8' lc_collate "
                    + literal(locale[0]) + " lc_ctype " + literal(locale[1]));
        } catch (SQLException e) {
            throw cannotCreate(name, e);
        }
        BenchDatabase scratch = open(shop, name);
        try {
            Migrations.migrate(scratch.database());
            return scratch;
        } catch (RuntimeException e) {
            scratch.close();
            throw e;
        }
    }

    /** Where the benchmark writes. */
    public Database database() {
        return database;
    }

    /** Drops the scratch database; the shop stays as it was. */
    @Override
    public void close() {
        if (scratchName == null) {
            return;
        }
        database.close();
        drop(shop, scratchName);
    }

    /**
     * Without "with (force)": that refuses to end an autovacuum worker (analyzing a freshly generated shop) for a
     * role that is not superuser, where a plain drop signals it and waits up to 5 s, here three times.
     */
    private static void drop(Database shop, String name) {
        for (int attempt = 1; ; attempt++) {
            try {
                execute(shop, "drop database if exists " + quoted(name));
                return;
            } catch (SQLException e) {
                if (!IN_USE.equals(e.getSQLState()) || attempt == 3) {
                    throw new DatabaseException("could not drop the benchmark's scratch database " + name + ": "
                            + e.getMessage() + "; drop it with: drop database " + name, e);
                }
            }
        }
    }

    private static BenchDatabase open(Database shop, String name) {
        try {
            return new BenchDatabase(shop, shop.onSameServer(name), name);
        } catch (RuntimeException e) {
            try {
                drop(shop, name);
            } catch (RuntimeException ignored) {
                // the first error says more
            }
            throw e;
        }
    }

    private static void refuseCluster(Database shop) {
        if (Cluster.isDistributed(shop.dataSource())) {
            throw new IllegalArgumentException("on a Citus cluster the benchmark cannot work on a copy of the shop (its"
                    + " shards live on the workers): give --in-place to measure this database itself (it keeps the"
                    + " benchmark's rows)");
        }
    }

    /** Unique on the server: the process and the moment. */
    private static String scratchName(Database shop) {
        return "shopflow_bench_" + ProcessHandle.current().pid() + "_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    }

    /** DDL on databases runs from the server's maintenance database, postgres, never from the one it copies. */
    private static void execute(Database shop, String ddl) throws SQLException {
        try (Connection c = shop.connectTo("postgres"); Statement s = c.createStatement()) {
            s.execute(ddl);
        }
    }

    private static DatabaseException cannotCreate(String name, SQLException e) {
        return new DatabaseException("cannot create the benchmark's scratch database " + name + ": " + e.getMessage()
                + " (the user needs CREATEDB on this server); or give --in-place to measure this database itself (it"
                + " keeps the benchmark's rows)", e);
    }

    private static String currentDatabase(Database shop) {
        try (Connection c = shop.connection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select current_database()")) {
            r.next();
            return r.getString(1);
        } catch (SQLException e) {
            throw new DatabaseException("cannot name the shop's database: " + e.getMessage(), e);
        }
    }

    private static long customers(Database shop) {
        try (Connection c = shop.connection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from customers")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new DatabaseException("cannot count the shop's customers: " + e.getMessage(), e);
        } finally {
            shop.closeIdleConnections();
        }
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
