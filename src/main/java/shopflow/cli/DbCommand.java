package shopflow.cli;

import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.generate.LoadState;

@Command(name = "db", mixinStandardHelpOptions = true,
        description = {"Run the embedded PostgreSQL in the foreground, with the schema up to date, and print how "
                + "to connect (psql, JDBC, BI tools). Ctrl-C stops it cleanly."})
public final class DbCommand implements Runnable {

    @Mixin
    DatabaseOptions databaseOptions;

    @Override
    public void run() {
        if (databaseOptions.isExternal()) {
            throw new IllegalArgumentException("'db' runs the embedded PostgreSQL; with --jdbc-url (or SHOPFLOW_JDBC_URL)"
                    + " your own server is already running. Use 'shopflow migrate' to create the schema there.");
        }
        Database database = Database.open(databaseOptions);
        Migrations.migrate(database);
        LoadState.unfinished(database).ifPresent(warning -> System.err.println("warning: " + warning));
        System.out.println(database.connectionHelp());
        if (!database.startedServerHere()) {
            System.out.println("It was already running (started by another shopflow command); it stays up when that one stops.");
            database.close();
            return;
        }
        System.out.println("Press Ctrl-C to stop it.");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            database.close();
            System.out.println("PostgreSQL stopped.");
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
