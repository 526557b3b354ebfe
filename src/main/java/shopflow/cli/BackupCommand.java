package shopflow.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import shopflow.backup.Backup;
import shopflow.backup.BackupManifest;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Write the shop's data to FILE while the server keeps serving: one consistent snapshot of every"
                + " table (orders, customers, products, events, stock, tokens, ...) through PostgreSQL's COPY,"
                + " zipped.",
            "The rollups are not in it ('restore' rebuilds them). FILE must not exist; it appears only when"
                + " complete."},
        footer = {"", "Example:", "  shopflow backup shop-2026-12-05.zip"})
public final class BackupCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Parameters(paramLabel = "FILE", description = "the backup file to write (a new file)")
    Path file;

    @Override
    public void run() {
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            long started = System.nanoTime();
            PrintWriter err = spec.commandLine().getErr();
            BackupManifest manifest = Backup.write(database, file, err);
            spec.commandLine().getOut().printf("backed up %,d rows of %d tables (schema version %s, as of %s) to %s in %.1f s%n",
                    manifest.rows(), manifest.tables().size(), manifest.schemaVersion(), manifest.takenAt(), file,
                    (System.nanoTime() - started) / 1e9);
            spec.commandLine().getOut().flush();
        }
    }
}
