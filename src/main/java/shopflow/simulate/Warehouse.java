package shopflow.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The simulated shop's stock planner, restocking as the generator's warehouse does: a row that
 * needs reordering now (low_stock's REORDER NOW: its stock covers less than a lead time, or, with no
 * sales to size it, it is at or under its reorder level) is reordered once, and the delivery arrives
 * after a lead time of 2 to 10 shop days (wall time: divided by the speed), booked as a real
 * warehouse would, through {@code POST /api/inventory/{sku}/{warehouse}/restock}. Deliveries still
 * on the way when the simulator stops are not made.
 */
final class Warehouse {

    /** Days from a reorder to its delivery, evenly between the two: the generator's normal lead time. */
    static final int MIN_LEAD_DAYS = 2;
    static final int MAX_LEAD_DAYS = 10;
    /** The fewest units a delivery brings, as in the generator. */
    static final int MIN_BATCH = 4;
    /** low_stock's rows, most urgent first: more than a demo shop reorders at once. */
    private static final String LOW_STOCK = "/api/reports/low_stock?show=low&limit=1000";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Delivery(String sku, String warehouse, int units, long dueNanos, AtomicBoolean sent) {
    }

    private final Function<String, HttpResponse<String>> get;
    private final BiFunction<String, String, HttpResponse<String>> postJson;
    private final double speed;
    private final PrintWriter log;
    private final SplittableRandom random = new SplittableRandom(17);
    /** By row (sku, warehouse): reordered, not arrived yet. */
    private final Map<String, Delivery> onTheWay = new ConcurrentHashMap<>();
    private final AtomicLong restocked = new AtomicLong();

    Warehouse(Function<String, HttpResponse<String>> get, BiFunction<String, String, HttpResponse<String>> postJson,
            double speed, PrintWriter log) {
        this.get = get;
        this.postJson = postJson;
        this.speed = speed;
        this.log = log;
    }

    /** Deliveries booked so far. */
    long restocked() {
        return restocked.get();
    }

    /** How often to look at the stock: a shop hour, but at least a second and at most 15 minutes apart. */
    long checkEveryNanos() {
        double nanos = TimeUnit.HOURS.toNanos(1) / speed;
        return (long) Math.max(TimeUnit.SECONDS.toNanos(1), Math.min(TimeUnit.MINUTES.toNanos(15), nanos));
    }

    /** Reorders every row low_stock says to reorder now that has no delivery on the way. */
    void checkStock() {
        HttpResponse<String> response = get.apply(LOW_STOCK);
        if (response == null || response.statusCode() != 200) {
            return;
        }
        for (JsonNode row : read(response.body()).get("rows")) {
            if (!"REORDER NOW".equals(row.get("status").asText())) {
                continue;
            }
            String sku = row.get("sku").asText();
            String warehouse = row.get("warehouse").asText();
            onTheWay.computeIfAbsent(sku + '\u0000' + warehouse, key -> reorder(sku, warehouse, row));
        }
    }

    /** The planner's suggestion, or, with no sales to size it, the row back to twice its reorder level. */
    private Delivery reorder(String sku, String warehouse, JsonNode row) {
        JsonNode suggested = row.get("suggested_reorder_qty");
        int units = suggested != null && suggested.asInt() > 0 ? suggested.asInt()
                : 2 * row.get("reorder_level").asInt() - row.get("stock").asInt();
        long leadNanos;
        synchronized (random) {
            leadNanos = (long) ((MIN_LEAD_DAYS + random.nextDouble() * (MAX_LEAD_DAYS - MIN_LEAD_DAYS))
                    * TimeUnit.DAYS.toNanos(1) / speed);
        }
        return new Delivery(sku, warehouse, Math.max(MIN_BATCH, units), System.nanoTime() + leadNanos,
                new AtomicBoolean());
    }

    /** Books the deliveries that are due, on {@code workers}; each row can be reordered once it has arrived. */
    void deliverDue(ExecutorService workers) {
        long now = System.nanoTime();
        onTheWay.forEach((key, delivery) -> {
            if (now - delivery.dueNanos() >= 0 && delivery.sent().compareAndSet(false, true)) {
                workers.submit(() -> {
                    try {
                        deliver(delivery);
                    } finally {
                        onTheWay.remove(key);
                    }
                });
            }
        });
    }

    private void deliver(Delivery delivery) {
        String path = "/api/inventory/" + segment(delivery.sku()) + "/"
                + segment(delivery.warehouse()) + "/restock";
        HttpResponse<String> response = postJson.apply(path, "{\"quantity\": " + delivery.units() + "}");
        if (response != null && response.statusCode() == 201) {
            restocked.incrementAndGet();
            log.printf("restocked %d of %s in %s%n", delivery.units(), delivery.sku(), delivery.warehouse());
            log.flush();
        }
    }

    /** A path segment: URLEncoder's form encoding, with spaces as %20 rather than + (a + in a path is a +). */
    private static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }
}
