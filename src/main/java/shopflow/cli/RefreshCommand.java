package shopflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.generate.LoadState;
import shopflow.rollups.Rollups;

@Command(name = "refresh", mixinStandardHelpOptions = true,
        description = {"Rebuild every rollup from the raw tables, in one transaction, while the server keeps running.",
            "Reports see the old rollups until it commits, then the new ones; writes wait for it (seconds).",
            "Use it after 'shopflow verify' reports drift, or after loading data with the triggers suspended."},
        footer = {"", "Example:", "  shopflow refresh && shopflow verify"})
public final class RefreshCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions databaseOptions;

    @Override
    public void run() {
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            LoadState.unfinished(database).ifPresent(warning -> spec.commandLine().getErr().println("warning: " + warning));
            long started = System.nanoTime();
            Rollups.rebuild(database.dataSource());
            spec.commandLine().getOut().printf("rollups rebuilt from the raw tables in %.1f s%n",
                    (System.nanoTime() - started) / 1e9);
            spec.commandLine().getOut().flush();
        }
    }
}
