package shopflow.web;

import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.sse.SseHandler;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shopflow.alerts.AlertEvaluator;
import shopflow.alerts.Alerts;
import shopflow.clv.CustomerValueFits;
import shopflow.clv.DailyRefit;
import shopflow.alerts.WebhookSender;
import shopflow.db.Database;
import shopflow.db.Migrations;
import shopflow.ingest.EventBatchRefused;
import shopflow.ingest.EventIngest;
import shopflow.ingest.EventParser;
import shopflow.orders.OrderException;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportException;
import shopflow.reports.ReportFormat;
import shopflow.reports.ReportRunner;
import shopflow.rollups.RollupFolder;
import shopflow.web.openapi.ApiDocs;
import shopflow.web.openapi.OpenApiDocument;

/**
 * The HTTP server: the reports API, tokens, health, the live event stream and the dashboard's
 * static files, on the given database. Errors are JSON {@code {"error", "field"}}; the log names
 * token ids, never tokens, and never query strings (they may carry a ticket).
 */
public final class WebServer implements AutoCloseable {

    /** The database role report transactions run as (the schema's migrations create it): it can only read. */
    public static final String READER_ROLE = "shopflow_reader";
    /** Requests are small (query strings, a token's JSON): anything bigger is refused before it is read. */
    static final long MAX_REQUEST_BYTES = 64 * 1024;
    /** Event batches are the one big body: up to EventParser.MAX_EVENTS events. */
    static final long MAX_EVENT_BATCH_BYTES = 8 * 1024 * 1024;
    /** work_mem of a report transaction: each sort or hash of a report holds at most this in memory. */
    static final String REPORT_WORK_MEM = "32MB";
    /** temp_file_limit of a report transaction: all the temporary files of one report, at most. */
    static final String REPORT_TEMP_FILE_LIMIT = "1GB";
    static final String EVENTS_PATH = "/api/events";
    private static final int LOG_LINES = 500;
    /** Seconds a client is asked to wait while the database is down: a restart takes a few. */
    private static final String DATABASE_RETRY_AFTER = "5";
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

    /**
     * What the server lets all requests, or one token, hold at once.
     *
     * @param eventBytesInFlight bytes of event batches read, parsed or stored at once (at least one
     *                           batch, 8 MB); a batch beyond waits for a 503 with Retry-After
     * @param reportsPerToken    reports one token may have running at once; beyond, 429 with Retry-After
     * @param reportConnections  connections of the reports' own pool: reports never take the ones
     *                           orders, events, tokens and health use
     */
    public record Limits(long eventBytesInFlight, int reportsPerToken, int reportConnections, Duration reportTimeout) {
        /**
         * 4 full event batches (a parsed batch takes several times its size); 6 reports per token, as
         * many as a browser sends to one server at once, so one dashboard never waits for itself; 8
         * connections for reports; a minute for one report or drill page.
         */
        public static final Limits DEFAULT = new Limits(32L * 1024 * 1024, 6, 8, Duration.ofSeconds(60));
    }

    private final Database database;
    private final HikariDataSource reportPool;
    private final HikariDataSource healthPool;
    private final RequestBodies bodies;
    private final TokenStore tokens;
    private final LiveUpdates live;
    private final RollupFolder folder;
    private final AlertEvaluator alertEvaluator;
    private final DailyRefit customerValueRefit;
    private final WebhookSender webhookSender;
    private final Javalin app;
    private final Deque<String> recentLog = new ArrayDeque<>();
    private final String scheme;

    private WebServer(Database database, ReportCatalog catalog, String host, int port, Tls tls, Clock clock,
            Limits limits) {
        this.database = database;
        this.scheme = tls == null ? "http" : "https";
        // read before anything starts, so that a bad file is a clear error and nothing is left running
        KeyStore keys = tls == null ? null : tls.keyStore();
        this.bodies = new RequestBodies(limits.eventBytesInFlight());
        // Reports, health and the rest (orders, events, tokens: database.dataSource()) each have their
        // own pool, so that no amount of reading can starve writes or the health check.
        this.reportPool = database.openPool("shopflow-reports", limits.reportConnections());
        this.healthPool = database.openPool("shopflow-health", 2);
        this.tokens = new TokenStore(database.dataSource(), clock);
        Access access = new Access(tokens, clock);
        this.live = new LiveUpdates(database, this::log, clock);
        ReportsApi reports = new ReportsApi(catalog, new ReportRunner(reportPool, limits.reportTimeout()).asRole(READER_ROLE)
                .limited(REPORT_WORK_MEM, REPORT_TEMP_FILE_LIMIT), access, database.timeZone(), clock,
                limits.reportsPerToken());
        DrillsApi drills = new DrillsApi(ReportCatalog.drills(), new ReportRunner(reportPool, limits.reportTimeout()).asRole(READER_ROLE)
                .limited(REPORT_WORK_MEM, REPORT_TEMP_FILE_LIMIT), access, database.timeZone(), clock);
        TokensApi tokensApi = new TokensApi(tokens, access, clock);
        OrdersApi orders = new OrdersApi(database.dataSource(), access);
        InventoryApi inventory = new InventoryApi(database.dataSource(), access);
        PaceApi pace = new PaceApi(reportPool, access, database.timeZone(), clock);
        EventsApi events = new EventsApi(new EventParser(clock), new EventIngest(database.dataSource()), access, bodies);
        ApiDocs docs = new ApiDocs(OpenApiDocument.build(catalog, report -> ReportsApi.requiredRole(report).label()));
        this.folder = new RollupFolder(database.dataSource(), this::log);
        Alerts alerts = new Alerts(database.dataSource());
        AlertsApi alertsApi = new AlertsApi(alerts, access, database.timeZone());
        ForecastApi forecastApi = new ForecastApi(reportPool, access, database.timeZone(), clock);
        ShopApi shopApi = new ShopApi(reportPool, access, database.timeZone(), clock);
        this.alertEvaluator = new AlertEvaluator(alerts, clock, this::log);
        this.customerValueRefit = new DailyRefit(new CustomerValueFits(database.dataSource()), clock, this::log);
        this.webhookSender = new WebhookSender(database.dataSource(), this::log);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = MAX_EVENT_BATCH_BYTES;
            // gzip for a client that accepts it (Javalin's default, stated here because the API relies on
            // it): report answers are repetitive JSON, a tenth of their size compressed. Answers under
            // 1,500 bytes (one packet) go as they are; compressing them would gain nothing.
            config.http.compressionStrategy = CompressionStrategy.GZIP;
            config.jsonMapper(new JavalinJackson(ReportFormat.JSON_MAPPER, false));
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/web";
                files.location = Location.CLASSPATH;
                files.headers = Map.of("Cache-Control", "no-cache");
            });
            config.staticFiles.enableWebjars();
            config.requestLogger.http(this::logRequest);
            if (keys != null) {
                // HTTPS only: Javalin adds its plain HTTP connector only when there is no other
                config.jetty.addConnector((server, http) -> {
                    SslContextFactory.Server ssl = new SslContextFactory.Server();
                    ssl.setKeyStore(keys);
                    ssl.setKeyStorePassword(new String(Tls.KEY_STORE_PASSWORD));
                    http.addCustomizer(new SecureRequestCustomizer());
                    ServerConnector connector = new ServerConnector(server, ssl, new HttpConnectionFactory(http));
                    connector.setHost(host);
                    connector.setPort(port);
                    return connector;
                });
            }

            config.routes.before(ctx -> {
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Referrer-Policy", "no-referrer");
                ctx.header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline';"
                        + " img-src 'self' data:; frame-ancestors 'none'");
                long length = ctx.req().getContentLengthLong();
                long limit = EVENTS_PATH.equals(ctx.path()) ? MAX_EVENT_BATCH_BYTES : MAX_REQUEST_BYTES;
                if (length > limit) {
                    RequestBodies.readAndDropModestOverflow(ctx, length - limit);
                    throw ApiError.tooLarge("the request body is " + length + " bytes; at most " + limit
                            + " are accepted here");
                }
            });
            config.routes.before("/api/*", ctx -> ctx.header("Cache-Control", "no-store"));
            // While the embedded database is being restarted after a crash, say so at once rather
            // than let each request wait for a connection; health reports it itself, and the API's
            // documents need no database.
            config.routes.before("/api/*", ctx -> {
                if (!ctx.path().equals("/api/health") && !ctx.path().equals("/api/openapi.json")
                        && !ctx.path().startsWith("/api/docs")) {
                    database.outage().ifPresent(reason -> {
                        ctx.header("Retry-After", DATABASE_RETRY_AFTER);
                        throw ApiError.unavailable(reason);
                    });
                }
            });
            // Every route below is described in openapi/shopflow.yaml; ApiDocumentTest holds the two together.
            // Every GET route is registered for HEAD too, with the same handler and so the same checks:
            // Javalin would otherwise answer HEAD for a GET route itself, 200 without running it.
            getAndHead(config, "/api/health", this::health);
            getAndHead(config, "/api/openapi.json", docs::document);
            getAndHead(config, "/api/docs", docs::page);
            getAndHead(config, "/api/reports", reports::list);
            getAndHead(config, "/api/reports/{name}", reports::run);
            getAndHead(config, "/api/drill/{name}", drills::run);
            getAndHead(config, "/api/alerts", alertsApi::list);
            getAndHead(config, "/api/forecast", forecastApi::get);
            getAndHead(config, "/api/shop", shopApi::get);
            getAndHead(config, "/api/tokens", tokensApi::list);
            config.routes.post("/api/tokens", tokensApi::create);
            config.routes.delete("/api/tokens/{id}", tokensApi::revoke);
            config.routes.post("/api/orders", orders::place);
            getAndHead(config, "/api/catalog/sample", orders::sample);
            getAndHead(config, "/api/catalog/pace", pace::get);
            config.routes.post("/api/inventory/{sku}/{warehouse}/restock", inventory::restock);
            config.routes.post("/api/orders/{id}/status", orders::changeStatus);
            config.routes.post("/api/orders/{id}/refunds", orders::refund);
            config.routes.post(EVENTS_PATH, events::post);
            getAndHead(config, "/api/me", ctx -> {
                var principal = access.authenticate(ctx);
                ctx.json(Map.of("token_id", principal.tokenId(), "role", principal.role().label()));
            });
            config.routes.post("/api/events/ticket", ctx -> {
                var principal = access.require(ctx, Role.VIEWER, "the event stream");
                ctx.json(Map.of("ticket", access.issueTicket(principal),
                        "expires_in_seconds", Access.ticketLifetime().toSeconds()));
            });
            // Checked before the stream starts, so a bad ticket gets a plain 401 rather than an empty stream.
            config.routes.before("/api/events/stream", access::redeemTicket);
            config.routes.get("/api/events/stream", new SseHandler(0, live::add));

            config.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.getMessage(), e.field()));
            config.routes.exception(ReportException.class, this::reportError);
            config.routes.exception(OrderException.class, (e, ctx) -> error(ctx, e.kind().httpStatus(), e.getMessage(),
                    e.field()));
            config.routes.exception(EventBatchRefused.class, (e, ctx) -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", e.getMessage());
                body.put("field", e.errors().get(0).field());
                body.put("errors", e.errors());
                ctx.status(e.tooLarge() ? 413 : 400).json(body);
            });
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                    e.getStatus() == 404 ? "no such page: " + ctx.method() + " " + ctx.path()
                            + " (the API is under /api: GET /api/reports lists the reports)" : e.getMessage(), null));
            config.routes.exception(Exception.class, (e, ctx) -> internalError(ctx, e));
        });
    }

    private static void getAndHead(JavalinConfig config, String path, Handler handler) {
        config.routes.get(path, handler);
        config.routes.head(path, handler);
    }

    /** Starts the server on {@code host}:{@code port} (port 0: any free port) over {@code database}. */
    public static WebServer start(Database database, ReportCatalog catalog, String host, int port, Clock clock) {
        return start(database, catalog, host, port, null, clock, Limits.DEFAULT);
    }

    /** The same, serving HTTPS with {@code tls} (plain HTTP when null). */
    public static WebServer start(Database database, ReportCatalog catalog, String host, int port, Tls tls,
            Clock clock) {
        return start(database, catalog, host, port, tls, clock, Limits.DEFAULT);
    }

    static WebServer start(Database database, ReportCatalog catalog, String host, int port, Tls tls, Clock clock,
            Limits limits) {
        WebServer server = new WebServer(database, catalog, host, port, tls, clock, limits);
        try {
            database.keepServerRunning();
            server.live.start();
            // on a Citus cluster the folder applies the new rows to the rollups first (no triggers there)
            server.folder.start();
            server.alertEvaluator.start();
            server.webhookSender.start();
            server.customerValueRefit.start();
            server.app.start(host, port);
        } catch (RuntimeException e) {
            server.close(); // its pools and threads: a port in use leaves nothing behind
            throw e;
        }
        server.log("serving on " + server.scheme + "://" + host + ":" + server.port() + "/");
        server.warnWithoutTempFileLimit();
        return server;
    }

    /**
     * Waits (at most {@code limit} in all) for the jobs the server runs at start: the customer-value
     * fit when one is due, which reads for seconds before it writes, and the first alert evaluation.
     * Returns whether both are done. For a bench, which would otherwise time them with the panels.
     */
    public boolean awaitStartUpJobs(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        return customerValueRefit.awaitFirstCheck(limit)
                && alertEvaluator.awaitFirstEvaluation(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
    }

    /**
     * temp_file_limit is a superuser's setting: the embedded server grants it to its owner role; an
     * external server may not have, and then reports run without it (the rest still applies).
     */
    private void warnWithoutTempFileLimit() {
        try (Connection c = reportPool.getConnection(); Statement s = c.createStatement();
                ResultSet may = s.executeQuery("select has_parameter_privilege('temp_file_limit', 'SET'), current_user")) {
            may.next();
            if (!may.getBoolean(1)) {
                LOG.warn("reports run without temp_file_limit: user {} may not set it; a superuser can allow it with"
                        + " 'grant set on parameter temp_file_limit to {}'", may.getString(2), may.getString(2));
            }
        } catch (SQLException e) {
            log("could not check whether reports can have a temp_file_limit: " + e.getMessage());
        }
    }

    public int port() {
        return app.port();
    }

    /** Every route registered, as "GET /api/reports/{name}" (before/after filters excluded), for the API document's test. */
    List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint)
                .filter(endpoint -> endpoint.method.isHttpMethod())
                .map(endpoint -> endpoint.method.name() + " " + endpoint.path)
                .toList();
    }

    public TokenStore tokens() {
        return tokens;
    }

    /** Bytes of event batches being read, parsed or stored now. */
    long eventBytesInFlight() {
        return bodies.eventBytesInFlight();
    }

    /** The reports' own connection pool. */
    HikariDataSource reportPool() {
        return reportPool;
    }

    /** The last lines of this server's log, oldest first (tests print them when they fail). */
    public synchronized List<String> recentLog() {
        return new ArrayList<>(recentLog);
    }

    @Override
    public void close() {
        alertEvaluator.close();
        customerValueRefit.close();
        webhookSender.close();
        folder.close();
        live.close();
        app.stop();
        reportPool.close();
        healthPool.close();
    }

    private void health(Context ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> db = new LinkedHashMap<>();
        Optional<String> outage = database.outage();
        if (outage.isPresent()) {
            db.put("reachable", false);
            db.put("schema_version", null);
            out.put("status", "restarting");
            out.put("reason", outage.get());
            out.put("database", db);
            out.put("live_clients", live.clientCount());
            ctx.header("Retry-After", DATABASE_RETRY_AFTER);
            ctx.status(503).json(out);
            return;
        }
        try (Connection c = healthPool.getConnection()) {
            db.put("schema_version", Migrations.schemaVersion(c).orElse(null));
            db.put("reachable", true);
            out.put("status", "ok");
        } catch (SQLException e) {
            log("health: database unreachable: " + e.getMessage());
            db.put("reachable", false);
            db.put("schema_version", null);
            out.put("status", "unavailable");
            ctx.status(503);
        }
        out.put("database", db);
        out.put("live_clients", live.clientCount());
        ctx.json(out);
    }

    private void reportError(ReportException e, Context ctx) {
        switch (e.kind()) {
            case UNKNOWN_REPORT -> error(ctx, 404, e.getMessage(), e.field());
            case BAD_PARAMETER -> error(ctx, 400, e.getMessage(), e.field());
            case UNAVAILABLE -> {
                log("report unavailable: " + e.getMessage());
                ctx.header("Retry-After", "5");
                error(ctx, 503, e.getMessage(), null);
            }
            case STOPPED -> {
                // the question was valid but costs more than the server spends on one: asking again
                // the same would be stopped again, so no Retry-After
                log(e.getMessage());
                error(ctx, 503, e.getMessage() + " (the server's limit for one report)", null);
            }
            default -> internalError(ctx, e);
        }
    }

    /**
     * The detail goes to the log with an incident id; the caller gets the id, not the detail. A lost
     * database (a connection refused or cut: its server crashed or is restarting) is a 503 instead.
     */
    private void internalError(Context ctx, Exception e) {
        if (DatabaseOutages.isConnectionLost(e)) {
            log("database not reachable on " + ctx.method() + " " + ctx.path() + ": " + e.getMessage());
            ctx.header("Retry-After", DATABASE_RETRY_AFTER);
            error(ctx, 503, "the database is not reachable now (it may be restarting); try again in a few seconds",
                    null);
            return;
        }
        String incident = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("incident {} on {} {}", incident, ctx.method(), ctx.path(), e);
        remember("ERROR incident " + incident + ": " + e);
        error(ctx, 500, "internal error (incident " + incident + " in the server log)", null);
    }

    private static void error(Context ctx, int status, String message, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("field", field);
        ctx.status(status).json(body);
    }

    private void logRequest(Context ctx, Float millis) {
        TokenStore.Principal principal = ctx.attribute(Access.PRINCIPAL);
        String detail = ctx.attribute("shopflow.log.detail");
        log(String.format("%s %s %d %.0f ms token=%s%s", ctx.method(), ctx.path(), ctx.status().getCode(), millis,
                principal == null ? "-" : principal.tokenId(), detail == null ? "" : " " + detail));
    }

    private void log(String line) {
        LOG.info(line);
        remember(line);
    }

    private synchronized void remember(String line) {
        if (recentLog.size() == LOG_LINES) {
            recentLog.removeFirst();
        }
        recentLog.addLast(line);
    }
}
