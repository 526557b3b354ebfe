package shopflow.cli;

import java.io.PrintWriter;
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
            "Reports see the old rollups until it commits, then the new ones; writes wait for it (about three",
            "minutes for a shop of 500,000 orders). Says each family of rollups on stderr as it is rebuilt.",
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
            PrintWriter err = spec.commandLine().getErr();
            Rollups.rebuild(database.dataSource(), done -> {
                err.println("refresh: " + done);
                err.flush();
            });
            spec.commandLine().getOut().printf("rollups rebuilt from the raw tables in %.1f s%n",
                    (System.nanoTime() - started) / 1e9);
            spec.commandLine().getOut().flush();
        }
    }
}
