package shopflow.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import shopflow.backup.BackupManifest;
import shopflow.backup.Restore;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Load a file written by 'shopflow backup' into the database, in one transaction: all of it or, on"
                + " any error, nothing.",
            "The database is migrated first and must be at the backup's schema version; the rollups are rebuilt"
                + " from the restored rows. A database that holds a shop needs --replace."},
        footer = {"", "Example:", "  shopflow restore shop-2026-12-05.zip --data-dir /srv/shopflow-copy"})
public final class RestoreCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Parameters(paramLabel = "FILE", description = "a file written by 'shopflow backup'")
    Path file;

    @Option(names = "--replace", description = "replace the shop this database holds (its orders, customers, events, tokens, ...)")
    boolean replace;

    @Override
    public void run() {
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            long started = System.nanoTime();
            PrintWriter err = spec.commandLine().getErr();
            BackupManifest manifest = Restore.load(database, file, replace, err);
            spec.commandLine().getOut().printf("restored %,d rows of %d tables from %s (taken %s) in %.1f s%n",
                    manifest.rows(), manifest.tables().size(), file, manifest.takenAt(), (System.nanoTime() - started) / 1e9);
            spec.commandLine().getOut().flush();
        }
    }
}
