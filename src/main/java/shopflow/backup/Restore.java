package shopflow.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import shopflow.db.Database;
import shopflow.db.DatabaseException;
import shopflow.db.Migrations;
import shopflow.generate.GeneratedShop;
import shopflow.rollups.Rollups;
import shopflow.scaleout.Cluster;

/**
 * Loads a backup file into the database in one transaction: all of it or, on any error, nothing.
 * The database must be at the backup's schema version (ShopFlow migrates it first) and hold no shop
 * unless {@code replace}; its tables are emptied, the backup's rows copied in (the indexes no key
 * owns dropped meanwhile and built once after), the sequences set, and the rollups rebuilt from
 * the restored rows.
 */
public final class Restore {

    private Restore() {
    }

    public static BackupManifest load(Database database, Path file, boolean replace, PrintWriter progress) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is not a file");
        }
        if (Cluster.isDistributed(database.dataSource())) {
            throw new IllegalArgumentException("restore works on a single PostgreSQL server; this database is a Citus cluster");
        }
        try (ZipFile zip = open(file); Connection c = database.connection()) {
            BackupManifest manifest = manifest(zip, file);
            c.setAutoCommit(false);
            try {
                load(c, zip, manifest, file, replace, progress);
                c.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            c.setAutoCommit(true);
            // the loaded pages marked visible to all as well (Rollups.vacuumAndAnalyze() says why)
            try (Statement s = c.createStatement()) {
                s.execute("vacuum (analyze)");
            }
            return manifest;
        } catch (SQLException e) {
            throw new DatabaseException("restore failed, the database is unchanged: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("restore failed reading " + file + ", the database is unchanged: "
                    + e.getMessage(), e);
        }
    }

    /** Empties the tables, copies the backup's rows in, sets the sequences, rebuilds the rollups: not committed. */
    private static void load(Connection c, ZipFile zip, BackupManifest manifest, Path file, boolean replace,
            PrintWriter progress) throws SQLException, IOException {
        if (!GeneratedShop.tryLockForTransaction(c)) {
            throw new IllegalArgumentException("a 'shopflow generate' or an import is loading this database; wait for"
                    + " it to finish, then restore. Nothing was changed.");
        }
        check(c, manifest, file, replace);
        Rollups.suspend(c);
        try (Statement s = c.createStatement()) {
            s.execute("truncate " + manifest.tables().stream().map(BackupManifest.Table::name)
                    .collect(Collectors.joining(", ")) + " cascade");
        }
        List<String> indexes = ShopTables.dropSecondaryIndexes(c);
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        for (BackupManifest.Table table : manifest.tables()) {
            long started = System.nanoTime();
            ZipEntry entry = zip.getEntry(table.entry());
            if (entry == null) {
                throw new IllegalArgumentException(file + " is incomplete: it lists " + table.name()
                        + " but holds no rows for it");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                long rows = copy.copyIn("copy " + table.name() + " (" + table.columns() + ") from stdin (format binary)", in);
                if (rows != table.rows()) {
                    throw new IllegalArgumentException(file + " is damaged: " + table.name() + " holds " + rows
                            + " rows where the backup recorded " + table.rows());
                }
            }
            progress.printf("restore: %-36s %,12d rows  %5.1f s%n", table.name(), table.rows(),
                    (System.nanoTime() - started) / 1e9);
            progress.flush();
        }
        long indexing = System.nanoTime();
        try (Statement s = c.createStatement()) {
            s.execute("set local maintenance_work_mem = '256MB'");
            for (String definition : indexes) {
                s.execute(definition);
            }
        }
        progress.printf("restore: %d indexes built in %.1f s%n", indexes.size(), (System.nanoTime() - indexing) / 1e9);
        for (BackupManifest.Sequence sequence : manifest.sequences()) {
            try (Statement s = c.createStatement()) {
                s.execute("select setval('" + sequence.name() + "', " + sequence.lastValue() + ", "
                        + sequence.isCalled() + ")");
            }
        }
        long started = System.nanoTime();
        Rollups.rebuildEmptiedIn(c, manifest.tables().stream().map(BackupManifest.Table::name).toList(), done -> {
            progress.println("restore: rollups: " + done);
            progress.flush();
        });
        progress.printf("restore: rollups rebuilt in %.1f s%n", (System.nanoTime() - started) / 1e9);
        progress.flush();
    }

    private static ZipFile open(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new IllegalArgumentException(file + " is not a ShopFlow backup (not a zip file: " + e.getMessage() + ")");
        }
    }

    private static BackupManifest manifest(ZipFile zip, Path file) throws IOException {
        ZipEntry entry = zip.getEntry(BackupManifest.ENTRY);
        if (entry == null) {
            throw new IllegalArgumentException(file + " is not a ShopFlow backup (it has no " + BackupManifest.ENTRY + ")");
        }
        BackupManifest manifest;
        try (InputStream in = zip.getInputStream(entry)) {
            manifest = BackupManifest.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not a ShopFlow backup (its manifest cannot be read: "
                    + e.getMessage() + ")");
        }
        if (!BackupManifest.FORMAT.equals(manifest.format())) {
            throw new IllegalArgumentException(file + " is a backup of format " + manifest.format()
                    + ", which this ShopFlow does not read (it reads " + BackupManifest.FORMAT + ")");
        }
        return manifest;
    }

    /** The backup must fit this database's schema, and the database hold no shop unless replacing it. */
    private static void check(Connection c, BackupManifest manifest, Path file, boolean replace) throws SQLException {
        String version = Migrations.schemaVersion(c).orElse("none");
        if (!version.equals(manifest.schemaVersion())) {
            throw new IllegalArgumentException(file + " was taken at schema version " + manifest.schemaVersion()
                    + " and this database is at version " + version + ": restore it with the ShopFlow release that"
                    + " took it, or into a database at that version");
        }
        List<BackupManifest.Table> expected = ShopTables.tables(c);
        List<String> here = expected.stream().map(t -> t.name() + " (" + t.columns() + ")").toList();
        List<String> there = manifest.tables().stream().map(t -> t.name() + " (" + t.columns() + ")").toList();
        if (!here.equals(there)) {
            throw new IllegalArgumentException(file + " does not hold this schema's tables: it holds " + there
                    + ", this database has " + here);
        }
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select count(*) from orders")) {
            r.next();
            long orders = r.getLong(1);
            if (orders > 0 && !replace) {
                throw new IllegalArgumentException("this database holds a shop (" + orders + " orders) that restore"
                        + " would replace. Add --replace to replace it with the backup's");
            }
        }
    }
}
