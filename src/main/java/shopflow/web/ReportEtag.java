package shopflow.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ETag of a report answer, known before its SQL runs: a hash of the database's snapshot
 * ({@link shopflow.reports.ReportRunner#dataSnapshot}), the report, its parameters as asked, the format and whether
 * personal columns are masked. A repeat request naming it in {@code If-None-Match} is answered 304
 * without running anything while the data has not changed.
 *
 * <p>An answer "as of now" depends on the moment too, but asking for the exact moment would make
 * every tag new: such answers share a tag for the rest of the clock minute ({@link #NOW_GRANULARITY}).
 * A 304 then keeps the client's answer as of a moment at most that much earlier, with the same data.
 * The tag is weak ({@code W/}): two answers with one tag are equal in rows, not byte for byte (the
 * as_of they state may differ within the minute).
 */
final class ReportEtag {

    /** How long an "as of now" answer stands for now while the data has not changed. */
    static final ChronoUnit NOW_GRANULARITY = ChronoUnit.MINUTES;

    /**
     * Tells one start's tags from another's: a database restored or replaced while the server was
     * down may come back at a snapshot it had before, with other data.
     */
    private final String epoch;

    ReportEtag() {
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        this.epoch = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * The tag of an answer; {@code asOf} is null for "as of now", which {@code now} then stands for
     * to the minute.
     */
    String of(String snapshot, String report, Map<String, String> parameters, OffsetDateTime asOf, Instant now,
            String format, boolean masked) {
        StringBuilder key = new StringBuilder().append(epoch).append('\n').append(snapshot).append('\n')
                .append(report).append('\n').append(format).append('\n').append(masked).append('\n');
        key.append(asOf == null ? "now " + now.truncatedTo(NOW_GRANULARITY) : asOf.toInstant().toString()).append('\n');
        // sorted: the same parameters in another order are the same question
        new TreeMap<>(parameters).forEach((name, value) -> key.append(name).append('=').append(value).append('\n'));
        return "W/\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(key.toString())).substring(0, 27)
                + "\"";
    }

    /**
     * Whether an {@code If-None-Match} header names {@code etag}: a list of tags, each weak or
     * strong (compared weakly, as RFC 9110 asks for If-None-Match), or {@code *}.
     */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        String opaque = etag.substring(2);
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
