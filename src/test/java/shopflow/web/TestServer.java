package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.reports.Audience;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportColumn;
import shopflow.reports.ReportFormat;
import shopflow.reports.ReportParameter;

/**
 * The web tests' one helper: a real server on port 0 over a fresh database holding the small shop
 * of {@code web/fixture.sql}, a token per role, and an HTTP client. Registered as an extension,
 * it prints the server's log when a test fails and stops everything after the class.
 */
final class TestServer implements TestWatcher, AfterAllCallback {

    /** An aggregate report with a personal column, which the packaged reports do not have yet. */
    static final String PERSONAL_REPORT = "test_customer_emails";
    /** A customer-level report: analysts and admins only. */
    static final String CUSTOMER_REPORT = "test_customer_orders";
    /** A report whose SQL fails: the API must answer 500 without the detail. */
    static final String BROKEN_REPORT = "test_broken";
    /** A report that takes {@code seconds} (0 to 10), in servers started with limits. */
    static final String SLOW_REPORT = "test_slow";

    final Database database;
    final WebServer server;
    final String viewer;
    final String analyst;
    final String admin;
    /** The API document the server serves; every call through {@link #send} is checked against it. */
    final ApiContract contract;
    private final HttpClient http;
    private final String scheme;

    private TestServer() {
        this(null, null, null);
    }

    /**
     * With {@code limits} (and the slow report), or the server's defaults when null; serving HTTPS
     * with {@code tls} to a client trusting {@code trust} when they are given.
     */
    private TestServer(WebServer.Limits limits, Tls tls, SSLContext trust) {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        http = (trust == null ? client : client.sslContext(trust)).build();
        scheme = tls == null ? "http" : "https";
        database = TestDatabases.fresh();
        sql(resource("/web/fixture.sql"));
        List<Report> reports = new ArrayList<>(ReportCatalog.load().all());
        reports.add(new Report(PERSONAL_REPORT, "Which customers signed up?", "one row per customer",
                Audience.AGGREGATE, List.of(),
                List.of(new ReportColumn("customer_id", "id", "the customer", false),
                        new ReportColumn("email", "text", "their email", true)),
                "select customer_id, email from customers order by customer_id", List.of(), ""));
        reports.add(new Report(CUSTOMER_REPORT, "What did each customer order?", "one row per order",
                Audience.CUSTOMER, List.of(),
                List.of(new ReportColumn("order_number", "text", "the order", false),
                        new ReportColumn("email", "text", "who ordered", true)),
                "select order_number, email from orders join customers using (customer_id) order by order_id",
                List.of(), ""));
        reports.add(new Report(BROKEN_REPORT, "What breaks?", "none", Audience.AGGREGATE, List.of(),
                List.of(new ReportColumn("x", "n", "nothing", false)), "select x from no_such_table", List.of(), ""));
        if (limits != null) {
            reports.add(new Report(SLOW_REPORT, "How long does a nap take?", "one row", Audience.AGGREGATE,
                    List.of(new ReportParameter("seconds", "numeric", "0", BigDecimal.ZERO, BigDecimal.TEN, List.of(),
                            "how long")),
                    List.of(new ReportColumn("slept", "text", "nothing", false)),
                    "select pg_sleep(?)::text as slept", List.of("seconds"), ""));
        }
        server = WebServer.start(database, ReportCatalog.of(reports), "localhost", 0, tls, Clock.systemUTC(),
                limits == null ? WebServer.Limits.DEFAULT : limits);
        viewer = server.tokens().create(Role.VIEWER, "test viewer", Optional.empty()).token();
        analyst = server.tokens().create(Role.ANALYST, "test analyst", Optional.empty()).token();
        admin = server.tokens().create(Role.ADMIN, "test admin", Optional.empty()).token();
        contract = new ApiContract(unchecked(HttpRequest.newBuilder(URI.create(url("/api/openapi.json"))).GET()).body());
    }

    static TestServer start() {
        return new TestServer();
    }

    static TestServer start(WebServer.Limits limits) {
        return new TestServer(limits, null, null);
    }

    /** Serving HTTPS only, to a client that trusts {@code trust}. */
    static TestServer startHttps(Tls tls, SSLContext trust) {
        return new TestServer(null, tls, trust);
    }

    String url(String path) {
        return scheme + "://localhost:" + server.port() + path;
    }

    HttpResponse<String> get(String path, String token, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).GET();
        return send(request, token, headers);
    }

    /** GETs {@code path} as {@code token}, expecting 200: its body as JSON. */
    JsonNode getJson(String path, String token) {
        HttpResponse<String> response = get(path, token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    /** The body of {@code response} as JSON; a body that is not JSON fails the test, showing it. */
    static JsonNode json(HttpResponse<String> response) {
        try {
            return ReportFormat.JSON_MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    HttpResponse<String> post(String path, String token, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"), token);
    }

    HttpResponse<String> delete(String path, String token) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).DELETE(), token);
    }

    /** Sends the request and checks the exchange against the API document (ApiContract): an undocumented answer fails. */
    HttpResponse<String> send(HttpRequest.Builder request, String token, String... headers) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = unchecked(request);
        contract.check(built, response);
        return response;
    }

    /** Sends the request as it is, unchecked (the document itself; answers a test means to inspect raw). */
    HttpResponse<String> unchecked(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpClient http() {
        return http;
    }

    /** Runs statements as the database owner (fixtures, and writes that the live tests watch). */
    void sql(String statements) {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute(statements);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static String resource(String name) {
        try (InputStream in = TestServer.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.println("---- server log for failed test " + context.getDisplayName() + " ----");
        server.recentLog().forEach(System.err::println);
        System.err.println("---- end of server log ----");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
        database.close();
    }
}
