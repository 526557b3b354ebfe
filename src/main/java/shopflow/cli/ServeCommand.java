package shopflow.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.generate.LoadState;
import shopflow.reports.ReportCatalog;
import shopflow.web.Tls;
import shopflow.web.WebServer;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the HTTP API and the live dashboard on the ShopFlow database until Ctrl-C.",
            "Every API call needs a token: create one with 'shopflow token create'."},
        footer = {"", "Examples:",
            "  shopflow serve                                  # http://localhost:8080/",
            "  shopflow serve --host 0.0.0.0 --tls-cert cert.pem --tls-key key.pem   # HTTPS, reachable from other machines",
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
                description = "Interface to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface, which"
                        + " needs --tls-cert and --tls-key).")
        String host;

        @Option(names = "--tls-cert", paramLabel = "FILE",
                description = "Serve HTTPS with this PEM certificate (then any intermediates); needs --tls-key.")
        Path tlsCert;

        @Option(names = "--tls-key", paramLabel = "FILE",
                description = "The certificate's private key, PEM, unencrypted (PKCS#8 or RSA PKCS#1).")
        Path tlsKey;

        @Option(names = "--insecure-http",
                description = "Allow plain HTTP on an interface other than loopback: tokens and data then cross the"
                        + " network readable by anyone on the way (use only behind a TLS proxy on the same host).")
        boolean insecureHttp;

        void check() {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--http-port " + port + " is not a port: 0 to 65535 (0: any free port)");
            }
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("HTTPS needs both --tls-cert FILE and --tls-key FILE (PEM); got only "
                        + (tlsCert == null ? "--tls-key" : "--tls-cert"));
            }
            if (tlsCert == null && !insecureHttp && !isLoopback(host)) {
                throw new IllegalArgumentException("--host " + host + " would serve plain HTTP beyond this machine, where"
                        + " bearer tokens and reports can be read on the way. Give --tls-cert FILE --tls-key FILE (PEM) to"
                        + " serve HTTPS, or --insecure-http if a TLS proxy on this host fronts the server.");
            }
        }

        /** Whether {@code host} names only this machine (localhost, 127.0.0.1, ::1). */
        static boolean isLoopback(String host) {
            try {
                for (InetAddress address : InetAddress.getAllByName(host)) {
                    if (!address.isLoopbackAddress()) {
                        return false;
                    }
                }
                return true;
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("--host " + host + " is not a known host name or address");
            }
        }

        Tls tls() {
            return tlsCert == null ? null : new Tls(tlsCert, tlsKey);
        }

        String url(WebServer server) {
            String shown = "0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host;
            return (tlsCert == null ? "http" : "https") + "://" + shown + ":" + server.port() + "/";
        }
    }

    @Override
    public void run() {
        httpOptions.check();
        Database database = Database.open(databaseOptions);
        try {
            Migrations.migrate(database);
            LoadState.unfinished(database).ifPresent(warning -> System.err.println("warning: " + warning));
            WebServer server = WebServer.start(database, ReportCatalog.load(), httpOptions.host, httpOptions.port,
                    httpOptions.tls(), Clock.systemUTC());
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
