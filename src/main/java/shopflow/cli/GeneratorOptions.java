package shopflow.cli;

import java.time.Clock;
import java.time.ZoneId;
import picocli.CommandLine.Option;
import shopflow.generate.GeneratorSettings;
import shopflow.reports.AsOf;

/** The generator's options, shared by {@code generate} and {@code bench generate}. */
public final class GeneratorOptions {

    @Option(names = "--scale", paramLabel = "FACTOR", defaultValue = "1",
            description = "Size: 1 = the shop's real size (460,000 customer accounts, 10,000 products, 500,000 orders, "
                    + "~5M page views); 0.01 for a quick try; up to 100 (default: ${DEFAULT-VALUE}).")
    double scale;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Random seed: the same scale, seed and as-of give the same rows (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--as-of", paramLabel = "MOMENT",
            description = "End of the two years of history, in the shop's time zone unless an offset is given: "
                    + "2026-06-30T12:00, 2026-06-30 (end of that day) or 2026-06-30T11:00:00Z (default: now).")
    String asOf;

    @Option(names = "--threads", paramLabel = "N",
            description = "Generator threads (default: the available processors). The rows do not depend on it.")
    Integer threads;

    @Option(names = "--replace",
            description = "Delete the data already in the database (customers, products, orders, events) and "
                    + "generate anew. Without it, generate refuses to touch a database that holds data.")
    boolean replace;

    /** The settings, checked; throws with the option's name when one is out of range. */
    GeneratorSettings settings(ZoneId zone) {
        var moment = asOf == null ? null : parseAsOf(zone);
        return new GeneratorSettings(scale, seed,
                moment != null ? moment : AsOf.parseOrNow(null, zone, Clock.systemDefaultZone()),
                zone, threads == null ? Runtime.getRuntime().availableProcessors() : threads, replace);
    }

    private java.time.OffsetDateTime parseAsOf(ZoneId zone) {
        try {
            return AsOf.parse(asOf, zone);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--as-of: " + e.getMessage());
        }
    }
}
