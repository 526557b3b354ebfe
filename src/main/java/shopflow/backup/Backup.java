package shopflow.backup;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import shopflow.db.Database;
import shopflow.db.DatabaseException;
import shopflow.db.Migrations;
import shopflow.scaleout.Cluster;

/**
 * Writes the shop's own data to one file while the server keeps serving: every table read in one
 * repeatable-read transaction (one consistent snapshot, whatever is written meanwhile) through
 * PostgreSQL's COPY in its binary format, zipped, with a manifest. The rollups are not in it: a
 * restore rebuilds them. The file appears under its name only once it is complete.
 */
public final class Backup {

    private Backup() {
    }

    public static BackupManifest write(Database database, Path file, PrintWriter progress) {
        if (Files.exists(file)) {
            throw new IllegalArgumentException(file + " already exists: give a new file name (a backup never overwrites a file)");
        }
        if (Cluster.isDistributed(database.dataSource())) {
            throw new IllegalArgumentException("backup works on a single PostgreSQL server; this database is a Citus"
                    + " cluster: back it up with the cluster's own tools");
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            OffsetDateTime takenAt = OffsetDateTime.now();
            String version = Migrations.schemaVersion(c).orElse("none");
            List<BackupManifest.Table> written = new ArrayList<>();
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            createOwnerOnly(partial);
            try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16))) {
                zip.setLevel(Deflater.BEST_SPEED);  // deflating is the slow part: the fastest level halves the time
                for (BackupManifest.Table table : ShopTables.tables(c)) {
                    long started = System.nanoTime();
                    zip.putNextEntry(new ZipEntry(table.entry()));
                    long rows = copy.copyOut("copy " + table.name() + " (" + table.columns() + ") to stdout (format binary)",
                            unclosable(zip));
                    zip.closeEntry();
                    written.add(new BackupManifest.Table(table.name(), table.columns(), rows));
                    progress.printf("backup: %-36s %,12d rows  %5.1f s%n", table.name(), rows, (System.nanoTime() - started) / 1e9);
                    progress.flush();
                }
                BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT, version, takenAt, written,
                        ShopTables.sequences(c));
                zip.putNextEntry(new ZipEntry(BackupManifest.ENTRY));
                manifest.write(unclosable(zip));
                zip.closeEntry();
                c.commit();
                zip.finish();
                zip.close();
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
                return manifest;
            }
        } catch (SQLException e) {
            deleteQuietly(partial);
            throw new DatabaseException("backup failed, nothing written: " + e.getMessage(), e);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new UncheckedIOException("backup failed writing " + file + ", nothing written: " + e.getMessage(), e);
        }
    }

    /** The zip stream, protected from writers that close what they were given. */
    private static OutputStream unclosable(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** The file, readable by its owner only: it holds customers' personal data and webhook secrets. */
    private static void createOwnerOnly(Path file) throws IOException {
        Files.deleteIfExists(file);  // a .partial left by a killed backup
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the failure being reported matters more
        }
    }
}
