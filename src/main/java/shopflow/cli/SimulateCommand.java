package shopflow.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.simulate.TrafficSimulator;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Send live shop traffic to a running 'shopflow serve' through its HTTP API, so the dashboard"
                + " moves: sessions browsing and filling carts (POST /api/events), orders (POST /api/orders), the"
                + " warehouse moving them along (POST /api/orders/{id}/status) and restocking what runs low"
                + " (POST /api/inventory/{sku}/{warehouse}/restock). At the shop's own pace: its sessions, orders"
                + " and status changes in this hour of the week over the last 4 weeks (GET /api/catalog/pace), at"
                + " least 30 sessions, 2 orders and 4 status changes an hour; --speed multiplies it."
                + " Needs an admin token.",
        footer = {"", "Examples:",
            "  shopflow token create --role admin            # once; prints the token",
            "  shopflow simulate --token sf_... --speed 10 --duration 5m   # ten times the shop's pace",
            "  SHOPFLOW_TOKEN=sf_... shopflow simulate --url http://localhost:9000 --duration 0   # until Ctrl-C"})
public final class SimulateCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--speed", paramLabel = "N", defaultValue = "1",
            description = "Times the shop's own pace, from more than 0 to 10000 (default: ${DEFAULT-VALUE}: as the"
                    + " shop; 60: an hour's traffic a minute). Restocks' lead times shrink alike.")
    double speed;

    @Option(names = "--max-rate", paramLabel = "N", defaultValue = "" + TrafficSimulator.DEFAULT_MAX_STEPS_PER_SECOND,
            description = "At most N steps a second, a step being a session's visit or a status change"
                    + " (default: ${DEFAULT-VALUE}).")
    double maxRate;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "60s",
            description = "How long: 90s, 5m, 1h; 0 runs until Ctrl-C (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:SHOPFLOW_URL:-http://localhost:8080}",
            description = "The ShopFlow server (default: ${DEFAULT-VALUE}; env SHOPFLOW_URL).")
    URI url;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:SHOPFLOW_TOKEN}",
            description = "An admin token (env SHOPFLOW_TOKEN).")
    String token;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public void run() {
        if (!(speed > 0 && speed <= 10_000)) {
            throw new IllegalArgumentException("--speed " + speed + " is out of range: more than 0, at most 10000");
        }
        if (!(maxRate > 0 && maxRate <= 10_000)) {
            throw new IllegalArgumentException("--max-rate " + maxRate + " is out of range: more than 0, at most 10000"
                    + " steps a second");
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("an admin token is needed: --token sf_... or SHOPFLOW_TOKEN"
                    + " (create one with 'shopflow token create --role admin')");
        }
        if (url.getScheme() == null || !url.getScheme().startsWith("http") || url.getHost() == null) {
            throw new IllegalArgumentException("--url " + url + " is not an http(s) URL like http://localhost:8080");
        }
        Duration length = parseDuration(duration);
        PrintWriter out = spec.commandLine().getOut();
        try {
            TrafficSimulator.Summary summary = new TrafficSimulator(url, token.strip(), seed, out)
                    .run(speed, maxRate, length.isZero() ? Duration.ofDays(3650) : length);
            out.printf("done: %d requests, %d events, %d orders placed, %d status changes, %d restocks, %d refused (4xx),"
                    + " %d failed; by HTTP status: %s%n", summary.requests(), summary.events(), summary.ordersPlaced(),
                    summary.statusChanges(), summary.restocks(), summary.refused(), summary.failed(),
                    summary.byStatusCode());
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("0")) {
                return Duration.ZERO;
            }
            long amount = Long.parseLong(t.substring(0, t.length() - 1));
            Duration d = switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> null;
            };
            if (d != null && !d.isNegative()) {
                return d;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // answered below
        }
        throw new IllegalArgumentException("--duration '" + text + "' is not a duration: write 90s, 5m or 1h (0: until Ctrl-C)");
    }
}
