package shopflow.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import shopflow.db.Database;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportRunner;
import shopflow.web.Role;
import shopflow.web.TokenStore;
import shopflow.web.WebServer;

/**
 * Every dashboard panel over real HTTP, as a browser asks for it (its parameters, as of now, gzip
 * accepted): the time of one request at a time, then the requests/s of many clients at once, both
 * with the report run each time and revalidated (If-None-Match: 304); beside the brief's own query
 * for the panel (the reference SQL) timed on the same database in the same run.
 */
public final class ApiBench {

    /** A panel of the dashboard: the report and the parameters app.js sends with it. */
    public record Panel(String report, Map<String, String> parameters) {

        String path() {
            String query = parameters.entrySet().stream()
                    .map(p -> p.getKey() + "=" + URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            return "/api/reports/" + report + (query.isEmpty() ? "" : "?" + query);
        }
    }

    /** The report panels of web/app.js (PANELS), in its order; ApiBenchTest holds the two together. */
    public static final List<Panel> DASHBOARD = List.of(
            new Panel("revenue_summary", Map.of()),
            new Panel("kpi_tiles", Map.of()),
            new Panel("daily_revenue", Map.of("days", "30")),
            new Panel("conversion_funnel", Map.of("days", "30")),
            new Panel("rfm_segments", Map.of()),
            new Panel("retention_cohorts", Map.of()),
            new Panel("category_sales", Map.of()),
            new Panel("top_products", Map.of("limit", "10")),
            new Panel("market_basket", Map.of("limit", "10")),
            new Panel("low_stock", ordered("show", "low", "limit", "50")),
            new Panel("shop_vitals", Map.of()),
            new Panel("fraud_review", Map.of("limit", "50")));

    /** Requests of many clients at once for a while: how many answered, and how fast. */
    public record Load(long requests, double seconds, double p50Millis, double p95Millis, long notModified) {
        public double perSecond() {
            return requests / seconds;
        }
    }

    /**
     * One panel's figures, one request at a time and under load: computed (the request asks for a
     * new answer, {@code Cache-Control: no-cache}: the report's SQL runs), served (the answer the
     * server shares while the data has not changed) and revalidated (If-None-Match: 304).
     */
    public record PanelResult(Panel panel, double[] computedMillis, double[] servedMillis, double[] referenceMillis,
            Load computed, Load served, Load revalidated) {
        public double computedP50() {
            return ReportTimings.percentile(computedMillis, 50);
        }

        public double computedP95() {
            return ReportTimings.percentile(computedMillis, 95);
        }

        public double servedP95() {
            return ReportTimings.percentile(servedMillis, 95);
        }

        public double referenceMedian() {
            return referenceMillis.length == 0 ? Double.NaN : ReportTimings.percentile(referenceMillis, 50);
        }

        /** How many times faster the panel is computed over HTTP (p95) than the brief's query runs (median). */
        public double speedUp() {
            return referenceMedian() / computedP95();
        }

        /** The same for the panel as the dashboard gets it over HTTP: the shared answer (p95). */
        public double servedSpeedUp() {
            return referenceMedian() / servedP95();
        }
    }

    /**
     * One drill-down list walked page by page over HTTP (up to a number of pages): the time of the
     * first page (with its total), of each page, and of the last one reached.
     */
    public record DrillResult(String drill, String query, int pages, long rows, double firstMillis, double[] pageMillis,
            double lastMillis, boolean complete) {
        public double pageP95() {
            return ReportTimings.percentile(pageMillis, 95);
        }
    }

    private static final int WARM_UP = 3;
    private static final Duration SETTLED = Duration.ofSeconds(2);
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(90);
    private static final Duration START_UP_LIMIT = Duration.ofMinutes(5);

    private final Database database;
    private final int runs;
    private final int referenceRuns;
    private final int clients;
    private final Duration loadTime;

    public ApiBench(Database database, int runs, int referenceRuns, int clients, Duration loadTime) {
        this.database = database;
        this.runs = runs;
        this.referenceRuns = referenceRuns;
        this.clients = clients;
        this.loadTime = loadTime;
    }

    /**
     * Starts the server on a free port, with one analyst token per client (a token may run only a
     * few reports at once, as one dashboard does), measures each panel, and revokes the tokens.
     */
    public List<PanelResult> run(List<Panel> panels, Consumer<PanelResult> progress) {
        List<PanelResult> results = new ArrayList<>();
        ReportCatalog references = ReportCatalog.references();
        ReportRunner referenceRunner = new ReportRunner(database.dataSource(), Duration.ofMinutes(5));
        try (WebServer server = WebServer.start(database, ReportCatalog.load(), "localhost", 0, Clock.systemUTC())) {
            List<TokenStore.IssuedToken> tokens = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                tokens.add(server.tokens().create(Role.ANALYST, "bench api", Optional.of(Duration.ofHours(1))));
            }
            try {
                awaitStartUp(server);
                awaitSettled(referenceRunner);
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String base = "http://localhost:" + server.port();
                warmUp(http, base, panels, tokens);
                for (Panel panel : panels) {
                    URI uri = URI.create(base + panel.path());
                    String token = tokens.get(0).token();
                    for (int i = 0; i < WARM_UP; i++) {
                        get(http, uri, token, Ask.COMPUTED, null);
                    }
                    double[] computed1 = oneAtATime(http, uri, token, Ask.COMPUTED);
                    double[] served1 = oneAtATime(http, uri, token, Ask.SERVED);
                    Load computed = load(http, uri, tokens, Ask.COMPUTED);
                    Load served = load(http, uri, tokens, Ask.SERVED);
                    Load revalidated = load(http, uri, tokens, Ask.REVALIDATED);
                    double[] reference = new double[referenceRuns];
                    var report = references.get(panel.report());
                    for (int i = 0; i < referenceRuns; i++) {
                        long start = System.nanoTime();
                        referenceRunner.run(report, OffsetDateTime.now(database.timeZone()), panel.parameters());
                        reference[i] = (System.nanoTime() - start) / 1e6;
                    }
                    PanelResult result = new PanelResult(panel, computed1, served1, reference, computed, served,
                            revalidated);
                    progress.accept(result);
                    results.add(result);
                }
            } finally {
                tokens.forEach(t -> server.tokens().revoke(t.id()));
            }
        }
        return results;
    }

    /**
     * Runs the server's request path hot before anything is timed: every panel asked a few times
     * computed and served, then the first one under load. Without it the first panel measured paid
     * for the server's warm-up (its code compiled as it ran): the same panel measured first served
     * at 16-25 ms p95 and 520-650 requests/s, measured second at 11.5 ms and 1,211.
     */
    private void warmUp(HttpClient http, String base, List<Panel> panels, List<TokenStore.IssuedToken> tokens) {
        String token = tokens.get(0).token();
        for (Panel panel : panels) {
            URI uri = URI.create(base + panel.path());
            for (int i = 0; i < WARM_UP; i++) {
                get(http, uri, token, Ask.COMPUTED, null);
                get(http, uri, token, Ask.SERVED, null);
            }
        }
        if (!panels.isEmpty()) {
            load(http, URI.create(base + panels.get(0).path()), tokens, Ask.SERVED);
        }
    }

    /**
     * Walks each drill of the dashboard's figures on this shop, {@code limit} rows a page, up to
     * {@code maxPages} pages: the month and the year to date of the KPI tiles, the year's orders by
     * first-time and by returning customers (the customer-share tiles' lists, at a year's length), a day of the daily chart
     * (the busiest of the last 30), the top-level category that sold most, the top product's orders
     * and basket partners, the biggest RFM segment, the first flagged order's customer and the first
     * low-stock row's movements.
     */
    public List<DrillResult> drills(int limit, int maxPages, Consumer<DrillResult> progress) {
        ReportRunner reports = new ReportRunner(database.dataSource(), Duration.ofMinutes(5));
        ReportCatalog catalog = ReportCatalog.load();
        OffsetDateTime now = OffsetDateTime.now(database.timeZone());
        List<String> queries = new ArrayList<>();
        queries.add("period_orders?period=month_to_date");
        queries.add("period_orders?period=year_to_date");
        queries.add("period_customer_orders?period=year_to_date&customer_type=first_time");
        queries.add("period_customer_orders?period=year_to_date&customer_type=returning");
        queries.add("day_orders?day=" + busiestDay(reports, catalog, now));
        var categories = reports.run(catalog.get("category_sales"), now, Map.of());
        int topCategory = -1;
        for (int i = 0; i < categories.rows().size(); i++) {
            if (((Number) categories.value(i, "level")).intValue() == 1 && (topCategory < 0
                    || ((Number) categories.value(i, "net_sales")).doubleValue()
                            > ((Number) categories.value(topCategory, "net_sales")).doubleValue())) {
                topCategory = i;
            }
        }
        if (topCategory >= 0) {
            queries.add("category_products?category_id=" + categories.value(topCategory, "category_id"));
        }
        var top = reports.run(catalog.get("top_products"), now, Map.of("limit", "1"));
        if (!top.rows().isEmpty()) {
            queries.add("product_orders?product_id=" + top.value(0, "product_id"));
            queries.add("product_partners?product_id=" + top.value(0, "product_id"));
        }
        var segments = reports.run(catalog.get("rfm_segments"), now, Map.of());
        int biggest = 0;
        for (int i = 1; i < segments.rows().size(); i++) {
            if (((Number) segments.value(i, "customers")).longValue()
                    > ((Number) segments.value(biggest, "customers")).longValue()) {
                biggest = i;
            }
        }
        if (!segments.rows().isEmpty()) {
            queries.add("segment_customers?segment="
                    + URLEncoder.encode(String.valueOf(segments.value(biggest, "segment")), StandardCharsets.UTF_8));
        }
        var fraud = reports.run(catalog.get("fraud_review"), now, Map.of());
        if (!fraud.rows().isEmpty()) {
            queries.add("customer_orders?customer_id=" + fraud.value(0, "customer_id"));
        }
        var lowStock = reports.run(catalog.get("low_stock"), now, Map.of("limit", "1"));
        if (!lowStock.rows().isEmpty()) {
            queries.add("stock_movements?sku=" + URLEncoder.encode(String.valueOf(lowStock.value(0, "sku")),
                    StandardCharsets.UTF_8) + "&warehouse=" + URLEncoder.encode(String.valueOf(lowStock.value(0,
                    "warehouse")), StandardCharsets.UTF_8));
        }
        return walk(queries, catalog, limit, maxPages, progress);
    }

    /**
     * Walks the drills that take the order filters (docs/filters.md, "Drill-downs") with each filter
     * case: the month and the year to date of the KPI tiles ({@code period_orders}) and the busiest day
     * of the last 30 ({@code day_orders}), first without a filter, then with each of {@link
     * DrillFilterCases}: {@code verify}'s cases and rare ones, whose lists are short enough to walk to
     * their last page.
     */
    public List<DrillResult> filteredDrills(int limit, int maxPages, Consumer<DrillResult> progress) {
        ReportRunner reports = new ReportRunner(database.dataSource(), Duration.ofMinutes(5));
        ReportCatalog catalog = ReportCatalog.load();
        OffsetDateTime now = OffsetDateTime.now(database.timeZone());
        String day = "day=" + busiestDay(reports, catalog, now);
        List<String> queries = new ArrayList<>();
        List<Map<String, String>> cases = new ArrayList<>();
        cases.add(Map.of());
        cases.addAll(DrillFilterCases.of(database.dataSource()));
        for (Map<String, String> filters : cases) {
            String query = filters.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> "&" + e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining());
            queries.add("period_orders?period=month_to_date" + query);
            queries.add("period_orders?period=year_to_date" + query);
            queries.add("day_orders?" + day + query);
        }
        return walk(queries, catalog, limit, maxPages, progress);
    }

    /** The day of the last 30 with the most orders (daily_revenue's, as of now). */
    private static Object busiestDay(ReportRunner reports, ReportCatalog catalog, OffsetDateTime now) {
        var daily = reports.run(catalog.get("daily_revenue"), now, Map.of("days", "30"));
        int busiest = 0;
        for (int i = 1; i < daily.rows().size(); i++) {
            if (((Number) daily.value(i, "orders")).longValue() > ((Number) daily.value(busiest, "orders")).longValue()) {
                busiest = i;
            }
        }
        return daily.value(busiest, "day");
    }

    /** Walks each list (a drill and its parameters) page by page over HTTP, up to {@code maxPages}. */
    private List<DrillResult> walk(List<String> queries, ReportCatalog catalog, int limit, int maxPages,
            Consumer<DrillResult> progress) {
        List<DrillResult> results = new ArrayList<>();
        try (WebServer server = WebServer.start(database, catalog, "localhost", 0, Clock.systemUTC())) {
            TokenStore.IssuedToken token = server.tokens().create(Role.ANALYST, "bench api",
                    Optional.of(Duration.ofHours(1)));
            try {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String base = "http://localhost:" + server.port() + "/api/drill/";
                for (String query : queries) {
                    String drill = query.substring(0, query.indexOf('?'));
                    get(http, URI.create(base + query + "&limit=" + limit), token.token(), Ask.COMPUTED, null); // warm-up
                    List<Double> times = new ArrayList<>();
                    long rows = 0;
                    String cursor = null;
                    do {
                        URI uri = URI.create(base + (cursor == null ? query + "&limit=" + limit
                                : drill + "?limit=" + limit + "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
                        long start = System.nanoTime();
                        HttpResponse<byte[]> response = get(http, uri, token.token(), Ask.COMPUTED, null);
                        times.add((System.nanoTime() - start) / 1e6);
                        var page = shopflow.reports.ReportFormat.JSON_MAPPER.readTree(body(response));
                        rows += page.get("rows").size();
                        cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
                    } while (cursor != null && times.size() < maxPages);
                    double[] millis = times.stream().mapToDouble(Double::doubleValue).toArray();
                    DrillResult result = new DrillResult(drill, query, millis.length, rows, millis[0], millis,
                            millis[millis.length - 1], cursor == null);
                    progress.accept(result);
                    results.add(result);
                }
            } catch (IOException e) {
                throw new IllegalStateException("a drill page is not JSON: " + e.getMessage(), e);
            } finally {
                server.tokens().revoke(token.id());
            }
        }
        return results;
    }

    /**
     * Waits (at most {@link #START_UP_LIMIT}) for the server's start-up jobs: a customer-value fit
     * due at start reads every customer's orders for seconds without writing (so the snapshot stays
     * still and {@link #awaitSettled} sees nothing), then writes; timed with the first panels, it took
     * their CPU and emptied their shared answers: revenue_summary's and kpi_tiles' served p95 were 9
     * and 10 ms where the other panels' were 0.5 to 3.3 ms.
     */
    private static void awaitStartUp(WebServer server) {
        try {
            server.awaitStartUpJobs(START_UP_LIMIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits (at most {@link #SETTLE_LIMIT}) until the database has gone {@link #SETTLED} without a
     * write: the server's start-up jobs (the customer-value refit, the first alert evaluation) write,
     * and each write is a new snapshot that empties the shared answers, which would time the
     * start-up rather than the panels.
     */
    private static void awaitSettled(ReportRunner runner) {
        long giveUp = System.nanoTime() + SETTLE_LIMIT.toNanos();
        String before = runner.dataSnapshot();
        while (System.nanoTime() < giveUp) {
            try {
                Thread.sleep(SETTLED.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            String now = runner.dataSnapshot();
            if (now.equals(before)) {
                return;
            }
            before = now;
        }
    }

    /** How a request asks: for a new answer, for the server's shared one, or whether the one it holds is current. */
    private enum Ask { COMPUTED, SERVED, REVALIDATED }

    private double[] oneAtATime(HttpClient http, URI uri, String token, Ask ask) {
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            get(http, uri, token, ask, null);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return millis;
    }

    /**
     * {@code clients} threads asking for {@code uri} as fast as they are answered for {@link #loadTime};
     * revalidating, each sends the ETag of its first answer.
     */
    private Load load(HttpClient http, URI uri, List<TokenStore.IssuedToken> tokens, Ask ask) {
        boolean revalidate = ask == Ask.REVALIDATED;
        List<List<Double>> latencies = new ArrayList<>();
        AtomicLong notModified = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        RuntimeException[] failure = new RuntimeException[1];
        long[] window = new long[2];
        for (int c = 0; c < clients; c++) {
            String token = tokens.get(c).token();
            List<Double> mine = new ArrayList<>();
            latencies.add(mine);
            Thread thread = new Thread(() -> {
                try {
                    String first = revalidate ? get(http, uri, token, ask, null).headers().firstValue("ETag")
                            .orElse(null) : null;
                    String etag = first;
                    ready.countDown();
                    go.await();
                    long end = window[1];
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        HttpResponse<byte[]> response = get(http, uri, token, ask, etag);
                        mine.add((System.nanoTime() - start) / 1e6);
                        if (response.statusCode() == 304) {
                            notModified.incrementAndGet();
                        } else if (revalidate) {
                            // a new answer (the data changed, or an "as of now" tag's minute ended): keep
                            // its tag, as a browser's cache does
                            etag = response.headers().firstValue("ETag").orElse(null);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    failure[0] = e;
                    ready.countDown();
                }
            }, "bench-api-client-" + c);
            thread.start();
            threads.add(thread);
        }
        try {
            ready.await();
            window[0] = System.nanoTime();
            window[1] = window[0] + loadTime.toNanos();
            go.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        double seconds = (System.nanoTime() - window[0]) / 1e9;
        double[] all = latencies.stream().flatMap(List::stream).mapToDouble(Double::doubleValue).toArray();
        if (all.length == 0) {
            throw new IllegalStateException("no request to " + uri.getPath() + " was answered in " + loadTime);
        }
        return new Load(all.length, seconds, ReportTimings.percentile(all, 50), ReportTimings.percentile(all, 95),
                notModified.get());
    }

    /** One GET, gzip accepted (as a browser does); anything but 200 or 304 stops the bench, naming it. */
    private static HttpResponse<byte[]> get(HttpClient http, URI uri, String token, Ask ask, String etag) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + token).header("Accept-Encoding", "gzip");
        if (ask == Ask.COMPUTED) {
            request.header("Cache-Control", "no-cache");
        }
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200 && response.statusCode() != 304) {
                throw new IllegalStateException("GET " + uri.getPath() + " answered " + response.statusCode() + ": "
                        + new String(response.body(), StandardCharsets.UTF_8));
            }
            return response;
        } catch (IOException e) {
            throw new IllegalStateException("GET " + uri.getPath() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The body as sent, unzipped when the server compressed it. */
    private static byte[] body(HttpResponse<byte[]> response) throws IOException {
        if (!response.headers().firstValue("Content-Encoding").orElse("").equals("gzip")) {
            return response.body();
        }
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(response.body()))) {
            return in.readAllBytes();
        }
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
