package shopflow.cli;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.reports.ReportCatalog;
import shopflow.web.WebServer;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the HTTP API and the live dashboard on the ShopFlow database until Ctrl-C.",
            "Every API call needs a token: create one with 'shopflow token create'."},
        footer = {"", "Examples:",
            "  shopflow serve                                  # http://localhost:8080/",
            "  shopflow serve --http-port 9000 --host 0.0.0.0   # reachable from other machines",
            "  shopflow serve --jdbc-url jdbc:postgresql://db.example:5432/shopflow"})
public final class ServeCommand implements Runnable {

    @Mixin
    DatabaseOptions databaseOptions;

    @Mixin
    HttpOptions httpOptions;

    /** Where the HTTP server listens; --port is the embedded database's, so these have their own names. */
    static final class HttpOptions {
        @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "${env:SHOPFLOW_HTTP_PORT:-8080}",
                description = "HTTP port of the API and dashboard (default: ${DEFAULT-VALUE}; env SHOPFLOW_HTTP_PORT).")
        int port;

        @Option(names = "--host", paramLabel = "HOST", defaultValue = "localhost",
                description = "Interface to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
        String host;

        void check() {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--http-port " + port + " is not a port: 0 to 65535 (0: any free port)");
            }
        }

        String url(WebServer server) {
            return "http://" + ("0.0.0.0".equals(host) ? "localhost" : host) + ":" + server.port() + "/";
        }
    }

    @Override
    public void run() {
        httpOptions.check();
        Database database = Database.open(databaseOptions);
        try {
            Migrations.migrate(database);
            WebServer server = WebServer.start(database, ReportCatalog.load(), httpOptions.host, httpOptions.port,
                    Clock.systemUTC());
            System.out.println("ShopFlow dashboard and API: " + httpOptions.url(server));
            System.out.println(database.connectionHelp());
            System.out.println("Sign in with a token from 'shopflow token create --role viewer'. Ctrl-C stops.");
            runUntilStopped(database, server);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Blocks until Ctrl-C, then stops the server and the database (when this process started it). */
    static void runUntilStopped(Database database, WebServer server) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            database.close();
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
