package shopflow.generate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import shopflow.db.Database;
import shopflow.db.SqlScripts;

/**
 * Keys, indexes and foreign keys of the loaded tables, out of the way during the bulk load and back
 * afterwards. A COPY into a bare table is several times faster than one that maintains indexes
 * and checks foreign keys row by row; a key or index built once afterwards is a single sort, and
 * a foreign key added afterwards is validated in one pass.
 *
 * <p>The definitions come from the catalog (pg_get_constraintdef, pg_get_indexdef), never from
 * Java strings: the migrations stay the single definition of the schema. They are kept in
 * {@code generator.saved_ddl} in the same transaction that drops them, so a run that dies half way
 * leaves behind exactly what the next run must restore.
 */
final class SchemaObjects {

    record Saved(String table, String name, String kind, String definition) {
    }

    private static final String DEPENDENT_TABLES = SqlScripts.read("generate/dependent_tables.sql");
    private static final String KEYS_AND_INDEXES = SqlScripts.read("generate/keys_and_indexes_of_tables.sql");
    private static final String SAVE = SqlScripts.read("generate/save_object.sql");
    private static final String FORGET = SqlScripts.read("generate/forget_object.sql");
    private static final String SAVED = SqlScripts.read("generate/saved_objects.sql");
    private static final String SAVED_COUNT = SqlScripts.read("generate/saved_object_count.sql");

    private SchemaObjects() {
    }

    /** Saves and drops every key, index and foreign key on (or into) the tables; returns how many. */
    static int saveAndDrop(Connection c, List<String> tables) throws SQLException {
        String[] names = tables.toArray(String[]::new);
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            // On a Citus cluster this one transaction touches distributed tables and the reference
            // tables they point at, which Citus only allows over one connection per worker. (On a
            // single node the setting is an unused placeholder.)
            s.execute("set local citus.multi_shard_modify_mode to 'sequential'");
            // Rows of other tables that point at the data being replaced (stock movements, status
            // history, idempotency keys...) describe that data: they go with it, or their foreign
            // keys could not be validated again.
            List<String> dependents = dependents(c, names);
            if (!dependents.isEmpty()) {
                s.execute("truncate table " + String.join(", ", dependents));
            }
            List<Saved> objects = keysAndIndexesOf(c, names);
            try (PreparedStatement save = c.prepareStatement(SAVE)) {
                for (Saved o : objects) {
                    save.setString(1, o.table());
                    save.setString(2, o.name());
                    save.setString(3, o.kind());
                    save.setString(4, o.definition());
                    save.addBatch();
                }
                save.executeBatch();
            }
            for (Saved o : objects) { // foreign keys first: keys they point at cannot go before them
                s.execute(o.kind().equals("index")
                        ? "drop index " + o.name()
                        : "alter table " + o.table() + " drop constraint " + quote(o.name()));
            }
            c.commit();
            return objects.size();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** Tables outside {@code tables} whose foreign keys lead (directly or not) into them. */
    private static List<String> dependents(Connection c, String[] tables) throws SQLException {
        List<String> found = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(DEPENDENT_TABLES)) {
            p.setArray(1, c.createArrayOf("text", tables));
            p.setArray(2, c.createArrayOf("text", tables));
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    found.add(r.getString(1));
                }
            }
        }
        return found;
    }

    /** The foreign keys on or into the tables, their keys and their other indexes: foreign keys first. */
    private static List<Saved> keysAndIndexesOf(Connection c, String[] tables) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(KEYS_AND_INDEXES)) {
            p.setArray(1, c.createArrayOf("text", tables));
            return savedRows(p);
        }
    }

    private static List<Saved> savedRows(PreparedStatement query) throws SQLException {
        List<Saved> saved = new ArrayList<>();
        try (ResultSet r = query.executeQuery()) {
            while (r.next()) {
                saved.add(new Saved(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
            }
        }
        return saved;
    }

    /** How many objects wait to be restored (left by this run or an interrupted one). */
    static int pending(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(SAVED_COUNT)) {
            r.next();
            return r.getInt(1);
        }
    }

    /**
     * Recreates what was saved: keys and indexes first (of the tables {@code ofTable} accepts, on
     * {@code parallel} connections, largest tables first), then foreign keys, added NOT VALID and
     * validated in parallel (validation takes only light locks, so two validations never wait on
     * each other).
     */
    static void restoreKeysAndIndexes(Database database, int parallel, Predicate<String> ofTable) throws SQLException {
        List<Saved> objects = saved(database, "key", "index").stream()
                .filter(o -> ofTable.test(o.table())).toList();
        runAll(database, parallel, objects, SchemaObjects::create);
    }

    /** The primary and unique keys alone of the tables {@code ofTable} accepts (their other indexes stay saved). */
    static void restoreKeys(Database database, int parallel, Predicate<String> ofTable) throws SQLException {
        List<Saved> keys = saved(database, "key").stream().filter(o -> ofTable.test(o.table())).toList();
        runAll(database, parallel, keys, SchemaObjects::create);
    }

    static void restoreForeignKeys(Database database, int parallel) throws SQLException {
        List<Saved> foreignKeys = saved(database, "foreign_key");
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            for (Saved fk : foreignKeys) {
                s.execute("alter table " + fk.table() + " add constraint " + quote(fk.name()) + " "
                        + fk.definition() + " not valid");
            }
        }
        runAll(database, parallel, foreignKeys,
                (c, fk) -> makeAndForget(c, fk, "alter table " + fk.table() + " validate constraint " + quote(fk.name())));
    }

    private static void create(Connection c, Saved o) throws SQLException {
        makeAndForget(c, o, o.kind().equals("index")
                ? o.definition()
                : "alter table " + o.table() + " add constraint " + quote(o.name()) + " " + o.definition());
    }

    /** Runs the DDL that makes a saved object again and forgets it, in one transaction: made, or still saved. */
    private static void makeAndForget(Connection c, Saved o, String ddl) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(ddl);
            forget(c, o);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void forget(Connection c, Saved o) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(FORGET)) {
            p.setString(1, o.name());
            p.executeUpdate();
        }
    }

    private static List<Saved> saved(Database database, String... kinds) throws SQLException {
        try (Connection c = database.connection(); PreparedStatement p = c.prepareStatement(SAVED)) {
            p.setArray(1, c.createArrayOf("text", kinds));
            return savedRows(p);
        }
    }

    interface Step {
        void run(Connection c, Saved object) throws SQLException;
    }

    private static void runAll(Database database, int parallel, List<Saved> objects, Step step) throws SQLException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
        try {
            ConcurrentLinkedQueue<Saved> queue = new ConcurrentLinkedQueue<>(objects);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < Math.max(1, parallel); i++) {
                running.add(pool.submit(() -> {
                    try (Connection c = database.connection(); Statement s = c.createStatement()) {
                        // We run the builds side by side ourselves; PostgreSQL's own workers would fight them for the cores.
                        s.execute("set max_parallel_maintenance_workers = 0");
                        s.execute("set maintenance_work_mem = '512MB'");
                        for (Saved o = queue.poll(); o != null; o = queue.poll()) {
                            step.run(c, o);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restoring indexes", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String quote(String identifier) {
        return identifier.matches("[a-z_][a-z0-9_$]*") ? identifier : '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
