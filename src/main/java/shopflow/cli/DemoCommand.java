package shopflow.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shopflow.db.Database;
import shopflow.db.DatabaseException;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.generate.GenerationReport;
import shopflow.generate.Generator;
import shopflow.generate.GeneratorSettings;
import shopflow.generate.LoadState;
import shopflow.reports.AsOf;
import shopflow.reports.ReportCatalog;
import shopflow.simulate.TrafficSimulator;
import shopflow.web.Role;
import shopflow.web.TokenStore;
import shopflow.web.WebServer;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Everything in one command: the embedded PostgreSQL, the schema, a realistic shop (generated when"
                + " the database has no orders yet), and the live dashboard with an admin sign-in token printed"
                + " once.",
            "Ctrl-C stops it; the data stays for next time."},
        footer = {"", "Examples:",
            "  shopflow demo                  # scale 1: 460,000 customers, 500,000 orders (a few minutes the first time)",
            "  shopflow demo --scale 0.1      # a smaller shop, ready in seconds",
            "  shopflow demo --http-port 9000"})
public final class DemoCommand implements Runnable {

    private static final String SIMULATOR_TOKEN_LABEL = "demo-simulator";

    @Mixin
    DatabaseOptions databaseOptions;

    @Mixin
    ServeCommand.HttpOptions httpOptions;

    @Option(names = "--scale", paramLabel = "FACTOR", defaultValue = "1",
            description = "Size of the generated shop when the database is empty (default: ${DEFAULT-VALUE};"
                    + " see 'shopflow generate --help').")
    double scale;

    @Option(names = "--no-simulate",
            description = "Do not send live shop traffic through the API in the background (by default the demo"
                    + " simulates shoppers so the dashboard moves).")
    boolean noSimulate;

    @Option(names = "--simulate-speed", paramLabel = "N", defaultValue = "1",
            description = "The background traffic at N times the shop's own pace (its sessions, orders and status"
                    + " changes in this hour of the week over the last 4 weeks, at least 30 sessions, 2 orders and 4"
                    + " status changes an hour), from more than 0 to 10000 (default: ${DEFAULT-VALUE}; 60: an hour's"
                    + " traffic a minute).")
    double simulateSpeed;

    @Override
    public void run() {
        httpOptions.check();
        if (!noSimulate) {
            // One access-log line per simulated request would bury the sign-in token; 'serve' keeps the log.
            System.setProperty("org.slf4j.simpleLogger.log.shopflow.web.WebServer", "warn");
        }
        Database database = Database.open(databaseOptions);
        try {
            Migrations.migrate(database);
            LoadState.unfinished(database).ifPresent(warning -> System.err.println("warning: " + warning));
            if (hasOrders(database)) {
                System.out.println("The database already holds a shop: using it (reset: 'shopflow generate --replace').");
            } else {
                generate(database);
            }
            WebServer server = WebServer.start(database, ReportCatalog.load(), httpOptions.host, httpOptions.port,
                    httpOptions.tls(), Clock.systemUTC());
            TokenStore.IssuedToken token = server.tokens().create(Role.ADMIN, "demo", TokenStore.parseValidity("1d"));
            System.out.println();
            System.out.println("ShopFlow dashboard: " + httpOptions.url(server));
            System.out.println("Sign in with this admin token (shown once, valid for a day; token id " + token.id() + "):");
            System.out.println();
            System.out.println("  " + token.token());
            System.out.println();
            System.out.println(database.connectionHelp());
            if (!noSimulate) {
                startTraffic(server);
            }
            System.out.println("Ctrl-C stops the server" + (database.startedServerHere() ? " and the database." : "."));
            ServeCommand.runUntilStopped(database, server);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /**
     * Live traffic through the same HTTP API a shop's front end would use, on a daemon thread that
     * ends with the server. Its own admin token keeps the printed one out of the simulator's hands.
     */
    private void startTraffic(WebServer server) {
        if (!(simulateSpeed > 0 && simulateSpeed <= 10_000)) {
            throw new IllegalArgumentException("--simulate-speed " + simulateSpeed + " is out of range: more than 0,"
                    + " at most 10000");
        }
        TokenStore.IssuedToken token = simulatorToken(server.tokens());
        URI url = URI.create(httpOptions.url(server).replaceFirst("/+$", ""));
        Thread traffic = new Thread(() -> {
            try {
                new TrafficSimulator(url, token.token(), 42, new PrintWriter(Writer.nullWriter()))
                        .run(simulateSpeed, TrafficSimulator.DEFAULT_MAX_STEPS_PER_SECOND, Duration.ofDays(3650));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-traffic");
        traffic.setDaemon(true);
        traffic.start();
        System.out.println("Simulating live traffic at " + (simulateSpeed == 1 ? "the shop's own pace" : simulateSpeed
                + " times the shop's own pace") + " (sessions, carts, orders, status changes, restocks);"
                + " --no-simulate turns it off.");
    }

    /**
     * The simulator's own admin token. It never expires, so the traffic goes on however long the
     * demo runs (a day's validity stopped it after a day); its secret never leaves this process, and
     * each demo revokes the ones earlier demos left, so at most one is active: the running demo's.
     */
    static TokenStore.IssuedToken simulatorToken(TokenStore tokens) {
        OffsetDateTime now = OffsetDateTime.now();
        tokens.list().stream()
                .filter(earlier -> earlier.label().equals(SIMULATOR_TOKEN_LABEL) && earlier.state(now).equals("active"))
                .forEach(earlier -> tokens.revoke(earlier.id()));
        return tokens.create(Role.ADMIN, SIMULATOR_TOKEN_LABEL, Optional.empty());
    }

    /** The data generator ('shopflow generate'), with its progress bar, at --scale, seed 42, history ending now. */
    private void generate(Database database) {
        GeneratorSettings settings = new GeneratorSettings(scale, 42,
                AsOf.parseOrNow(null, databaseOptions.timeZone(), Clock.systemUTC()), databaseOptions.timeZone(),
                Runtime.getRuntime().availableProcessors(), false);
        System.out.println("Generating a shop at scale " + scale + " (once; the data stays in the database)...");
        GenerationReport report = new Generator(database, settings, System.out, System.console() != null).run();
        System.out.printf("generated %,d rows in %.1f s%n", report.totalRows(), report.totalSeconds());
    }

    private static boolean hasOrders(Database database) {
        try (Connection c = database.connection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select exists (select 1 from orders)")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the orders table: " + e.getMessage(), e);
        }
    }
}
