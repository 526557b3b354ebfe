package shopflow.generate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import shopflow.db.Database;

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
            List<Saved> objects = new ArrayList<>();
            objects.addAll(query(c, """
                    select conrelid::regclass::text, conname::text, 'foreign_key', pg_get_constraintdef(oid)
                    from pg_constraint
                    where contype = 'f'
                      and (conrelid = any (select to_regclass(t) from unnest(?::text[]) t)
                           or confrelid = any (select to_regclass(t) from unnest(?::text[]) t))
                    """, names, true));
            objects.addAll(query(c, """
                    select conrelid::regclass::text, conname::text, 'key', pg_get_constraintdef(oid)
                    from pg_constraint
                    where contype in ('p', 'u')
                      and conrelid = any (select to_regclass(t) from unnest(?::text[]) t)
                    """, names, false));
            objects.addAll(query(c, """
                    select i.indrelid::regclass::text, i.indexrelid::regclass::text, 'index', pg_get_indexdef(i.indexrelid)
                    from pg_index i
                    where i.indrelid = any (select to_regclass(t) from unnest(?::text[]) t)
                      and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
                    """, names, false));
            try (PreparedStatement save = c.prepareStatement("""
                    insert into generator.saved_ddl (table_name, object_name, kind, definition)
                    values (?, ?, ?, ?) on conflict (object_name) do nothing""")) {
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
        try (PreparedStatement p = c.prepareStatement("""
                with recursive dependent(rel) as (
                    select conrelid from pg_constraint
                    where contype = 'f' and confrelid = any (select to_regclass(t) from unnest(?::text[]) t)
                    union
                    select k.conrelid from pg_constraint k join dependent d on k.confrelid = d.rel
                    where k.contype = 'f')
                select distinct rel::regclass::text from dependent
                where rel <> all (select to_regclass(t) from unnest(?::text[]) t)""")) {
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

    private static List<Saved> query(Connection c, String sql, String[] tables, boolean twice) throws SQLException {
        List<Saved> saved = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setArray(1, c.createArrayOf("text", tables));
            if (twice) {
                p.setArray(2, c.createArrayOf("text", tables));
            }
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    saved.add(new Saved(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
                }
            }
        }
        return saved;
    }

    /** How many objects wait to be restored (left by this run or an interrupted one). */
    static int pending(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select count(*) from generator.saved_ddl")) {
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
        List<Saved> objects = saved(database, "kind in ('key', 'index')").stream()
                .filter(o -> ofTable.test(o.table())).toList();
        runAll(database, parallel, objects, SchemaObjects::create);
    }

    /** The primary and unique keys alone of the tables {@code ofTable} accepts (their other indexes stay saved). */
    static void restoreKeys(Database database, int parallel, Predicate<String> ofTable) throws SQLException {
        List<Saved> keys = saved(database, "kind = 'key'").stream().filter(o -> ofTable.test(o.table())).toList();
        runAll(database, parallel, keys, SchemaObjects::create);
    }

    static void restoreForeignKeys(Database database, int parallel) throws SQLException {
        List<Saved> foreignKeys = saved(database, "kind = 'foreign_key'");
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            for (Saved fk : foreignKeys) {
                s.execute("alter table " + fk.table() + " add constraint " + quote(fk.name()) + " "
                        + fk.definition() + " not valid");
            }
        }
        runAll(database, parallel, foreignKeys, (c, fk) -> {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("alter table " + fk.table() + " validate constraint " + quote(fk.name()));
                forget(c, fk);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    private static void create(Connection c, Saved o) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(o.kind().equals("index")
                    ? o.definition()
                    : "alter table " + o.table() + " add constraint " + quote(o.name()) + " " + o.definition());
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
        try (PreparedStatement p = c.prepareStatement("delete from generator.saved_ddl where object_name = ?")) {
            p.setString(1, o.name());
            p.executeUpdate();
        }
    }

    private static List<Saved> saved(Database database, String where) throws SQLException {
        List<Saved> saved = new ArrayList<>();
        try (Connection c = database.connection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("""
                        select d.table_name, d.object_name, d.kind, d.definition
                        from generator.saved_ddl d
                        where %s
                        order by pg_total_relation_size(to_regclass(d.table_name)) desc, d.kind, d.object_name
                        """.formatted(where))) {
            while (r.next()) {
                saved.add(new Saved(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
            }
        }
        return saved;
    }

    interface Step {
        void run(Connection c, Saved object) throws SQLException;
    }

    private static void runAll(Database database, int parallel, List<Saved> objects, Step step) throws SQLException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
        try {
            java.util.concurrent.ConcurrentLinkedQueue<Saved> queue = new java.util.concurrent.ConcurrentLinkedQueue<>(objects);
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
        } catch (java.util.concurrent.ExecutionException e) {
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
