package shopflow.cli;

import java.io.IOException;
import java.io.PrintWriter;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.reports.ReportCatalog;
import shopflow.web.Role;
import shopflow.web.TokenStore;
import shopflow.web.WebServer;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Measure event ingestion end to end: start the HTTP server on a free port, POST batches of",
            "page views and cart events (NDJSON) over real HTTP from several clients, print events/s and batch",
            "latency. The benchmark's rows (sessions 'bench-...') and its admin token are removed afterwards."},
        footer = {"", "Examples:",
            "  shopflow bench ingest",
            "  shopflow bench ingest --events 500000 --batch 2000 --clients 8"})
public final class BenchIngestCommand implements Runnable {

    @Mixin
    DatabaseOptions databaseOptions;

    @Spec
    CommandSpec spec;

    @Option(names = "--events", paramLabel = "N", defaultValue = "200000",
            description = "Events to send (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1000",
            description = "Events per request, 1 to 10000 (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "4",
            description = "Concurrent HTTP clients, 1 to 64 (default: ${DEFAULT-VALUE}).")
    int clients;

    @Override
    public void run() {
        if (events < 2 || batch < 1 || batch > 10_000 || clients < 1 || clients > 64) {
            throw new IllegalArgumentException("--events must be at least 2, --batch 1 to 10000, --clients 1 to 64");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Database database = Database.open(databaseOptions)) {
            Migrations.migrate(database);
            long[] products = ids(database, "select product_id from products where is_active is not false"
                    + " order by product_id limit 1000");
            long[] customers = ids(database, "select customer_id from customers order by customer_id limit 1000");
            long viewMark = scalar(database, "select coalesce(max(view_id), 0) from page_views");
            long cartMark = scalar(database, "select coalesce(max(event_id), 0) from cart_events");
            List<String> bodies = bodies(products, customers);
            try (WebServer server = WebServer.start(database, ReportCatalog.load(), "localhost", 0, Clock.systemUTC())) {
                TokenStore.IssuedToken token = server.tokens().create(Role.ADMIN, "bench ingest",
                        Optional.of(Duration.ofHours(1)));
                try {
                    measure(server.port(), token.token(), bodies, out);
                } finally {
                    server.tokens().revoke(token.id());
                }
            } finally {
                long removed = execute(database, "delete from page_views where view_id > " + viewMark
                        + " and session_id like 'bench-%'") + execute(database, "delete from cart_events where event_id > "
                        + cartMark + " and session_id like 'bench-%'");
                out.printf("removed the benchmark's %,d rows%n", removed);
                out.flush();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("bench ingest: " + e.getMessage(), e);
        }
    }

    private void measure(int port, String token, List<String> bodies, PrintWriter out) {
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
        out.printf("ingest: %,d events in %d batches of up to %d over HTTP from %d clients in %.2f s: %,.0f events/s;"
                        + " batch latency p50 %.0f ms, p95 %.0f ms (%d cores)%n", sent, measured.length, batch, clients,
                seconds, sent / seconds, percentile(measured, 0.50), percentile(measured, 0.95),
                Runtime.getRuntime().availableProcessors());
        out.flush();
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
    private List<String> bodies(long[] products, long[] customers) {
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

    private static long[] ids(Database database, String sql) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long scalar(Database database, String sql) throws SQLException {
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static long execute(Database database, String sql) throws SQLException {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }
}
