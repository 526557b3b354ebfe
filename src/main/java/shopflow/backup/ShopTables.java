package shopflow.backup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import shopflow.db.SqlScripts;

/** The database's side of a backup: which tables and sequences hold the shop's own data, and its schema version. */
final class ShopTables {

    private ShopTables() {
    }

    /** The tables, each with the columns COPY writes, in load order (rows not counted: 0). */
    static List<BackupManifest.Table> tables(Connection c) throws SQLException {
        List<BackupManifest.Table> tables = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(SqlScripts.read("backup/tables.sql"))) {
            while (r.next()) {
                tables.add(new BackupManifest.Table(r.getString("schema_name") + "." + r.getString("table_name"),
                        r.getString("columns"), 0));
            }
        }
        return tables;
    }

    /** Each sequence with its position now. */
    static List<BackupManifest.Sequence> sequences(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(SqlScripts.read("backup/sequences.sql"))) {
            while (r.next()) {
                names.add(r.getString("schema_name") + "." + r.getString("sequence_name"));
            }
        }
        List<BackupManifest.Sequence> sequences = new ArrayList<>();
        for (String name : names) {
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("select last_value, is_called from " + name)) {
                r.next();
                sequences.add(new BackupManifest.Sequence(name, r.getLong(1), r.getBoolean(2)));
            }
        }
        return sequences;
    }

    /**
     * Drops the tables' indexes that no key or constraint owns (for a bulk load, inside its
     * transaction) and returns their definitions, to build again once the rows are in.
     */
    static List<String> dropSecondaryIndexes(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        List<String> definitions = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(SqlScripts.read("backup/secondary_indexes.sql"))) {
            while (r.next()) {
                names.add(r.getString("index_name"));
                definitions.add(r.getString("definition"));
            }
        }
        try (Statement s = c.createStatement()) {
            for (String name : names) {
                s.execute("drop index " + name);
            }
        }
        return definitions;
    }
}
