package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.reports.ReportCatalog;

/** The embedded database killed under a running web server: 503s with a reason meanwhile, then back by itself. */
class DatabaseCrashTest {

    @TempDir
    Path temp;

    @Test
    void a_killed_database_is_restarted_and_requests_meanwhile_answer_503_never_500() throws Exception {
        Path dataDir = temp.resolve("pgdata");
        DatabaseOptions options = DatabaseOptions.embedded(dataDir, TestDatabases.freePort());
        try (Database database = Database.open(options)) {
            Migrations.migrate(database);
            execute(database, "insert into customers (email) values ('before-the-crash@example.com')");
            WebServer server = WebServer.start(database, ReportCatalog.load(), "localhost", 0, Clock.systemUTC());
            try {
                String token = server.tokens().create(Role.ANALYST, "crash test", Optional.empty()).token();
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                String base = "http://localhost:" + server.port();
                assertThat(get(http, base + "/api/health", null).statusCode()).isEqualTo(200);

                int port = database.embeddedPort().orElseThrow();
                long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
                ProcessHandle process = ProcessHandle.of(postmaster).orElseThrow();
                process.destroyForcibly();

                List<Integer> statuses = new ArrayList<>();
                // Hold the port a while, so the restart has to wait (as when the old server's processes
                // linger): the outage is then there to see, whatever the machine's speed.
                try (ServerSocket holder = holdOnceFree(port)) {
                    HttpResponse<String> health = awaitHealth(http, base, "\"status\":\"restarting\"", statuses);
                    assertThat(health.statusCode()).isEqualTo(503);
                    assertThat(health.body()).contains("\"reason\":\"the database stopped");
                    assertThat(health.headers().firstValue("Retry-After")).hasValue("5");
                    HttpResponse<String> report = get(http, base + "/api/reports/revenue_summary", token);
                    assertThat(report.statusCode()).isEqualTo(503);
                    assertThat(report.body()).contains("being restarted");
                    assertThat(report.headers().firstValue("Retry-After")).hasValue("5");
                }
                assertThat(awaitHealth(http, base, "\"status\":\"ok\"", statuses).statusCode()).isEqualTo(200);

                // health went down and came back by itself; no request was a 500 or hung
                assertThat(statuses).containsOnly(503, 200);
                assertThat(get(http, base + "/api/reports/revenue_summary", token).statusCode()).isEqualTo(200);
                // the committed row survived: PostgreSQL's crash recovery replayed it
                assertThat(count(database, "select count(*) from customers where email = 'before-the-crash@example.com'"))
                        .isEqualTo(1);
            } finally {
                server.close();
            }
        }
    }

    /**
     * Binds {@code port} as soon as the killed server has let go of it: tried every few milliseconds,
     * well before the server's watch (every 500 ms) can start it again. Waiting for the process's exit
     * first is too slow: Java learns of a process that is not its child by polling, up to seconds late.
     */
    private static ServerSocket holdOnceFree(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            ServerSocket socket = new ServerSocket();
            try {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return socket;
            } catch (BindException e) {
                socket.close();
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(5);
            }
        }
    }

    /** Polls health (up to 90 s) until its body says {@code status}, noting every HTTP status on the way. */
    private static HttpResponse<String> awaitHealth(HttpClient http, String base, String status, List<Integer> statuses)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            HttpResponse<String> health = get(http, base + "/api/health", null);
            statuses.add(health.statusCode());
            if (health.body().contains(status) || System.nanoTime() > deadline) {
                assertThat(health.body()).contains(status);
                return health;
            }
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void execute(Database database, String sql) throws Exception {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(Database database, String sql) throws Exception {
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
