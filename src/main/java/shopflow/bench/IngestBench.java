package shopflow.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import shopflow.db.Database;
import shopflow.reports.ReportCatalog;
import shopflow.web.Role;
import shopflow.web.TokenStore;
import shopflow.web.WebServer;

/**
 * Event ingestion end to end: the web server on a free port, batches of page views and cart
 * events (NDJSON) POSTed over real HTTP by several clients, events per second and batch latency.
 * The batches are built before the clock starts; the benchmark's rows (sessions 'bench-...') are
 * removed by {@link #removeItsRows}, its admin token when the run ends.
 */
public final class IngestBench {

    /** One run: the events timed (the warm-up batch left out), in how many batches, how long. */
    public record Result(int events, int batches, double seconds, double p50Millis, double p95Millis) {
        public double eventsPerSecond() {
            return events / seconds;
        }
    }

    private final Database database;
    private final int events;
    private final List<String> bodies;
    /** The largest ids before the run: only the benchmark's rows above them are removed. */
    private final long viewMark;
    private final long cartMark;

    /** {@code events} events in batches of {@code batch}, built from the shop's first products and customers. */
    public IngestBench(Database database, int events, int batch) {
        this.database = database;
        this.events = events;
        try {
            long[] products = ids("select product_id from products where is_active is not false"
                    + " order by product_id limit 1000");
            long[] customers = ids("select customer_id from customers order by customer_id limit 1000");
            this.viewMark = scalar("select coalesce(max(view_id), 0) from page_views");
            this.cartMark = scalar("select coalesce(max(event_id), 0) from cart_events");
            this.bodies = bodies(events, batch, products, customers);
        } catch (SQLException e) {
            throw new IllegalStateException("bench ingest: " + e.getMessage(), e);
        }
    }

    /** Starts the web server and posts every batch from {@code clients} clients, with an admin token revoked afterwards. */
    public Result run(int clients) {
        try (WebServer server = WebServer.start(database, ReportCatalog.load(), "localhost", 0, Clock.systemUTC())) {
            TokenStore.IssuedToken token = server.tokens().create(Role.ADMIN, "bench ingest",
                    Optional.of(Duration.ofHours(1)));
            try {
                return measure(server.port(), token.token(), clients);
            } finally {
                server.tokens().revoke(token.id());
            }
        }
    }

    /** Deletes the rows the benchmark added; returns how many. */
    public long removeItsRows() {
        try {
            return execute("delete from page_views where view_id > " + viewMark + " and session_id like 'bench-%'")
                    + execute("delete from cart_events where event_id > " + cartMark + " and session_id like 'bench-%'");
        } catch (SQLException e) {
            throw new IllegalStateException("bench ingest: " + e.getMessage(), e);
        }
    }

    private Result measure(int port, String token, int clients) {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://localhost:" + port + "/api/events");
        // One warm-up batch, not timed: class loading and the first connections are not ingestion.
        post(http, uri, token, bodies.get(0));
        AtomicInteger nextBatch = new AtomicInteger(1);
        long[] latencies = new long[bodies.size()];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            done.add(pool.submit(() -> {
                for (int b; (b = nextBatch.getAndIncrement()) < bodies.size(); ) {
                    long t0 = System.nanoTime();
                    post(http, uri, token, bodies.get(b));
                    latencies[b] = System.nanoTime() - t0;
                }
            }));
        }
        try {
            for (Future<?> f : done) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("bench ingest failed: " + e.getMessage(), e);
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int sent = events - lines(bodies.get(0));
        long[] measured = Arrays.copyOfRange(latencies, 1, latencies.length);
        Arrays.sort(measured);
        return new Result(sent, measured.length, seconds, percentile(measured, 0.50), percentile(measured, 0.95));
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    private static int lines(String body) {
        return (int) body.chars().filter(c -> c == '\n').count();
    }

    private static void post(HttpClient http, URI uri, String token, String body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("POST /api/events answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("POST /api/events failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The batches, built before the clock starts: 80% page views, 20% cart events (when there are products). */
    private static List<String> bodies(int events, int batch, long[] products, long[] customers) {
        SplittableRandom random = new SplittableRandom(7);
        List<String> bodies = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < events; i++) {
            String session = "bench-" + (i / 8);
            String customer = customers.length == 0 || random.nextInt(3) == 0 ? ""
                    : ", \"customer_id\": " + customers[random.nextInt(customers.length)];
            if (products.length > 0 && random.nextInt(5) == 0) {
                body.append("{\"type\": \"cart_event\", \"session_id\": \"").append(session).append('"').append(customer)
                        .append(", \"product_id\": ").append(products[random.nextInt(products.length)])
                        .append(", \"action\": \"add\", \"quantity\": ").append(1 + random.nextInt(3)).append("}\n");
            } else {
                String product = products.length == 0 || random.nextBoolean() ? ""
                        : ", \"product_id\": " + products[random.nextInt(products.length)];
                body.append("{\"type\": \"page_view\", \"session_id\": \"").append(session).append('"').append(customer)
                        .append(product).append(", \"page_url\": \"/p/").append(i % 997)
                        .append("\", \"time_on_page\": ").append(random.nextInt(300))
                        .append(", \"device_type\": \"mobile\", \"referrer\": \"https://www.google.com/\"}\n");
            }
            if ((i + 1) % batch == 0 || i == events - 1) {
                bodies.add(body.toString());
                body.setLength(0);
            }
        }
        return bodies;
    }

    private long[] ids(String sql) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private long scalar(String sql) throws SQLException {
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private long execute(String sql) throws SQLException {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }
}
