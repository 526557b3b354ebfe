package shopflow.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live shop traffic through the public HTTP API, so the dashboard moves: shoppers' sessions browse
 * (page views, product pages), fill carts (cart events), some start checkout and some of those
 * order (orders tied to their session), the warehouse moves orders along the lifecycle (processing,
 * shipped, delivered, now and then a cancellation or a refund) and restocks what runs low.
 *
 * <p>At the shop's own pace: sessions, orders and status changes come at the rates the shop had in
 * this hour of the week over the last 4 weeks ({@code GET /api/catalog/pace}), read again every few
 * minutes, so the dashboard's like-for-like comparisons stay in the shop's normal range. A floor
 * keeps a tiny or empty shop visibly moving; {@code speed} multiplies the pace for a livelier demo.
 */
public final class TrafficSimulator {

    /** How the run went: requests by outcome. */
    public record Summary(long requests, long events, long ordersPlaced, long statusChanges, long restocks, long refused,
            long failed, Map<String, Long> byStatusCode) {
    }

    /** What the shop does in an hour at this time of the week, floored. */
    private record ShopPace(double sessionsPerHour, double ordersPerHour, double statusChangesPerHour) {
        static final ShopPace FLOOR = new ShopPace(MIN_SESSIONS_PER_HOUR, MIN_ORDERS_PER_HOUR,
                MIN_STATUS_CHANGES_PER_HOUR);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PAGES = {"/", "/search?q=gift", "/category/electronics", "/category/clothing",
        "/category/books", "/deals", "/account"};
    private static final String[] REFERRERS = {"https://www.google.com/", "https://www.bing.com/", null, null,
        "https://news.example/", "https://social.example/"};
    private static final String[] DEVICES = {"desktop", "mobile", "mobile", "tablet"};
    private static final List<String> FORWARD = List.of("pending", "processing", "shipped", "delivered");
    /**
     * The pace's floor, per hour: a session every two minutes, two orders and four status changes,
     * so even a shop with a few orders a day (or none in this hour) shows something within minutes.
     */
    static final double MIN_SESSIONS_PER_HOUR = 30;
    static final double MIN_ORDERS_PER_HOUR = 2;
    static final double MIN_STATUS_CHANGES_PER_HOUR = 4;
    /** The default ceiling of steps a second: what a laptop's server takes beside its dashboard. */
    public static final int DEFAULT_MAX_STEPS_PER_SECOND = 20;
    /** Checkouts abandoned per order: a third of the checkouts started (real shops: 15-50 %). */
    private static final double ABANDONED_PER_ORDER = 0.5;
    private static final long PACE_EVERY_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final double SECONDS_PER_HOUR = 3600;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;
    private final PrintWriter log;
    private final SplittableRandom random;
    private final ConcurrentLinkedQueue<Integer> openOrders = new ConcurrentLinkedQueue<>();
    private final Map<Integer, String> statusOf = new ConcurrentHashMap<>();
    private final Map<String, Long> byStatusCode = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong placed = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private List<Integer> customers = List.of();
    private List<Integer> products = List.of();
    private volatile ShopPace pace = ShopPace.FLOOR;
    private Warehouse warehouse;

    public TrafficSimulator(URI base, String token, long seed, PrintWriter log) {
        this.base = base;
        this.token = token;
        this.random = new SplittableRandom(seed);
        this.log = log;
    }

    /**
     * Sends the shop's pace times {@code speed} for {@code duration} (or until interrupted), at most
     * {@code maxStepsPerSecond} steps (a session's visit, or a status change) a second.
     */
    public Summary run(double speed, double maxStepsPerSecond, Duration duration) throws InterruptedException {
        loadSample();
        warehouse = new Warehouse(this::get, (path, json) -> post(path, "application/json", json, null), speed, log);
        ExecutorService workers = Executors.newFixedThreadPool(8);
        // At most 32 requests in flight: a slow server slows the simulator down rather than piling up work.
        Semaphore inFlight = new Semaphore(32);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long next = start;
        long lastReport = start;
        long nextPace = start;
        long nextStockCheck = start;
        try {
            while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
                if (System.nanoTime() - nextPace >= 0) {
                    readPace();
                    nextPace = System.nanoTime() + PACE_EVERY_NANOS;
                }
                if (System.nanoTime() - nextStockCheck >= 0) {
                    workers.submit(warehouse::checkStock);
                    nextStockCheck = System.nanoTime() + warehouse.checkEveryNanos();
                }
                warehouse.deliverDue(workers);
                long wake = Math.min(Math.min(next, end), Math.min(nextPace, nextStockCheck));
                long wait = wake - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (System.nanoTime() - next < 0) {
                    continue;  // woken for the pace or the stock, or the run is over
                }
                ShopPace now = pace;
                double stepsPerSecond = Math.min(maxStepsPerSecond,
                        (now.sessionsPerHour() + now.statusChangesPerHour()) * speed / SECONDS_PER_HOUR);
                SplittableRandom stepRandom = split();
                // exponential gaps: arrivals at random moments, at the pace on average
                next += (long) (-Math.log(1 - stepRandom.nextDouble()) / stepsPerSecond * 1e9);
                inFlight.acquire();
                workers.submit(() -> {
                    try {
                        step(stepRandom, now);
                    } finally {
                        inFlight.release();
                    }
                });
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    lastReport = System.nanoTime();
                    log.printf("%d requests: %d events, %d orders placed, %d status changes, %d restocks, %d refused,"
                            + " %d failed%n", requests.get(), events.get(), placed.get(), changes.get(),
                            warehouse.restocked(), refused.get(), failed.get());
                    log.flush();
                }
            }
        } finally {
            workers.shutdown();
            workers.awaitTermination(30, TimeUnit.SECONDS);
        }
        return new Summary(requests.get(), events.get(), placed.get(), changes.get(), warehouse.restocked(),
                refused.get(), failed.get(), Map.copyOf(byStatusCode));
    }

    private synchronized SplittableRandom split() {
        return random.split();
    }

    private void step(SplittableRandom r, ShopPace now) {
        double sessions = now.sessionsPerHour();
        if (r.nextDouble() * (sessions + now.statusChangesPerHour()) < sessions || customers.isEmpty()
                || products.isEmpty()) {
            visit(r, now);
        } else {
            advanceAnOrder(r);
        }
    }

    /**
     * A session's visit: a few pages and product pages, maybe a cart. The shop's share of sessions
     * that order (its orders over its sessions) go to checkout (a {@code /checkout} page view and a
     * {@code begin_checkout} event) and order what the cart holds, in the same session; half as many
     * others start checkout and abandon it, so the funnel sees every stage and its abandonments.
     */
    private void visit(SplittableRandom r, ShopPace now) {
        double converts = now.ordersPerHour() / now.sessionsPerHour();
        double roll = r.nextDouble();
        boolean buys = roll < converts;
        boolean checksOut = roll < converts * (1 + ABANDONED_PER_ORDER);
        String session = "sim-" + UUID.randomUUID();
        Integer customer = customers.isEmpty() || r.nextInt(3) == 0 ? null : pick(customers, r);
        String device = DEVICES[r.nextInt(DEVICES.length)];
        String referrer = REFERRERS[r.nextInt(REFERRERS.length)];
        List<String> batch = new ArrayList<>();
        Map<Integer, Integer> cart = new LinkedHashMap<>();  // product -> quantity
        int pages = 1 + r.nextInt(6);
        for (int i = 0; i < pages; i++) {
            // one going to checkout has put something in the cart by its last page
            boolean mustAdd = checksOut && cart.isEmpty() && i == pages - 1 && !products.isEmpty();
            Integer product = mustAdd || !products.isEmpty() && r.nextInt(2) == 1 ? pick(products, r) : null;
            batch.add(write(pageView(session, customer, product,
                    product == null ? PAGES[r.nextInt(PAGES.length)] : "/product/" + product, referrer, device, r)));
            referrer = null;  // only the landing page has one
            if (product != null && (mustAdd || r.nextInt(4) == 0)) {
                int quantity = 1 + r.nextInt(2);
                Map<String, Object> add = event("cart_event", session, customer, product);
                add.put("action", "add");
                add.put("quantity", quantity);
                batch.add(write(add));
                cart.merge(product, quantity, Integer::sum);
            }
        }
        checksOut &= !cart.isEmpty();
        if (checksOut) {
            batch.add(write(pageView(session, customer, null, "/checkout", null, device, r)));
            Map<String, Object> begin = event("cart_event", session, customer, cart.keySet().iterator().next());
            begin.put("action", "begin_checkout");
            batch.add(write(begin));
        }
        HttpResponse<String> response = post("/api/events", "application/x-ndjson", String.join("\n", batch), null);
        if (response != null && response.statusCode() == 201) {
            events.addAndGet(batch.size());
            if (checksOut && buys && !customers.isEmpty()) {
                order(session, customer == null ? pick(customers, r) : customer, cart, r);
            }
        }
    }

    private void order(String session, int customer, Map<Integer, Integer> cart, SplittableRandom r) {
        List<Map<String, Object>> items = new ArrayList<>();
        cart.forEach((product, quantity) -> items.add(Map.of("product_id", product, "quantity", quantity)));
        Map<String, Object> order = new LinkedHashMap<>(Map.of("customer_id", customer, "items", items,
                "session_id", session, "payment_method", r.nextInt(4) == 0 ? "paypal" : "card"));
        HttpResponse<String> response = post("/api/orders", "application/json", write(order), UUID.randomUUID().toString());
        if (response != null && response.statusCode() == 201) {
            placed.incrementAndGet();
            int id = read(response.body()).get("order_id").asInt();
            statusOf.put(id, "pending");
            openOrders.add(id);
        }
    }

    /** The warehouse's day: the oldest open order moves on; a few are cancelled or refunded. */
    private void advanceAnOrder(SplittableRandom r) {
        Integer id = openOrders.poll();
        if (id == null) {
            return;
        }
        String current = statusOf.get(id);
        int roll = r.nextInt(100);
        String target;
        if (roll < 5 && (current.equals("pending") || current.equals("processing"))) {
            target = "cancelled";
        } else if (roll < 8 && (current.equals("shipped") || current.equals("delivered"))) {
            target = "refunded";
        } else {
            int index = FORWARD.indexOf(current);
            target = index < 0 || index == FORWARD.size() - 1 ? null : FORWARD.get(index + 1);
        }
        if (target == null) {
            statusOf.remove(id);
            return;
        }
        HttpResponse<String> response = post("/api/orders/" + id + "/status", "application/json",
                "{\"status\": \"" + target + "\"}", null);
        if (response != null && response.statusCode() == 200) {
            changes.incrementAndGet();
            statusOf.put(id, target);
        }
        boolean finished = target.equals("cancelled") || target.equals("refunded") || target.equals("delivered") && roll > 20;
        if (finished) {
            statusOf.remove(id);
        } else {
            openOrders.add(id);  // back of the queue: it moves again later
        }
    }

    private static Map<String, Object> pageView(String session, Integer customer, Integer product, String url,
            String referrer, String device, SplittableRandom r) {
        Map<String, Object> view = event("page_view", session, customer, product);
        view.put("page_url", url);
        view.put("referrer", referrer);
        view.put("device_type", device);
        view.put("time_on_page", 1 + r.nextInt(120));
        return view;
    }

    private static Map<String, Object> event(String type, String session, Integer customer, Integer product) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("session_id", session);
        event.put("customer_id", customer);
        event.put("product_id", product);
        return event;
    }

    private void loadSample() {
        HttpResponse<String> response = get("/api/catalog/sample");
        if (response == null || response.statusCode() != 200) {
            throw new IllegalArgumentException("cannot read ids from " + base.resolve("/api/catalog/sample") + ": "
                    + (response == null ? "no answer (is 'shopflow serve' running there?)"
                            : response.statusCode() + " " + response.body()) + ". The simulator needs an admin token"
                    + " (--token or SHOPFLOW_TOKEN; 'shopflow token create --role admin').");
        }
        JsonNode body = read(response.body());
        customers = ids(body.get("customer_ids"));
        products = ids(body.get("product_ids"));
        log.printf("simulating against %s with %d customers and %d products%s%n", base, customers.size(), products.size(),
                products.isEmpty() ? " (no products: browsing only; run 'shopflow generate' first)" : "");
        log.flush();
    }

    /** The shop's pace now, floored; on no answer the last one stays. */
    private void readPace() {
        HttpResponse<String> response = get("/api/catalog/pace");
        if (response == null || response.statusCode() != 200) {
            return;
        }
        JsonNode body = read(response.body());
        pace = new ShopPace(Math.max(MIN_SESSIONS_PER_HOUR, body.get("sessions_per_hour").asDouble()),
                Math.max(MIN_ORDERS_PER_HOUR, body.get("orders_per_hour").asDouble()),
                Math.max(MIN_STATUS_CHANGES_PER_HOUR, body.get("status_changes_per_hour").asDouble()));
        log.printf("pace (this hour of the week, last 4 weeks, floored): %.2f sessions, %.2f orders, %.2f status"
                + " changes an hour%n", pace.sessionsPerHour(), pace.ordersPerHour(), pace.statusChangesPerHour());
        log.flush();
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    private HttpResponse<String> post(String path, String type, String body, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", type);
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        requests.incrementAndGet();
        try {
            HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            byStatusCode.merge(String.valueOf(response.statusCode()), 1L, Long::sum);
            if (response.statusCode() >= 500) {
                failed.incrementAndGet();
            } else if (response.statusCode() >= 400) {
                refused.incrementAndGet();   // e.g. not enough stock to ship: the shop says no, as it should
            }
            return response;
        } catch (IOException e) {
            failed.incrementAndGet();
            byStatusCode.merge("no answer", 1L, Long::sum);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static <T> T pick(List<T> list, SplittableRandom r) {
        return list.get(r.nextInt(list.size()));
    }

    private static List<Integer> ids(JsonNode array) {
        List<Integer> ids = new ArrayList<>();
        if (array != null) {
            array.forEach(id -> ids.add(id.asInt()));
        }
        return List.copyOf(ids);
    }

    private static String write(Map<String, Object> value) {
        value.values().removeIf(Objects::isNull);
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }
}
