package shopflow.web;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import shopflow.web.TokenStore.Principal;

/**
 * The tokens seen lately, by the hash of their text, so that a request does not cost a database
 * round trip to check its token: an entry is trusted for {@link #VALIDITY} after the database last
 * said the token was active, then looked up again. A token revoked by another process (the CLI's
 * {@code token revoke}) therefore stops working within that time; one revoked through this server
 * at once ({@link #forget}). Expiry needs no look-up: the entry keeps the expiry and each hit checks it.
 * Only active tokens are kept, so unknown tokens cannot fill the map; it is bounded all the same.
 */
final class TokenCache {

    /** How long the database's word on a token is trusted: revocation elsewhere shows within this. */
    static final Duration VALIDITY = Duration.ofMillis(500);
    /** Far more tokens than a shop uses at once; past it the map is emptied, not grown. */
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(Principal principal, OffsetDateTime expiresAt, long checkedAtNanos) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * The principal of the token with this hash, if the database said it was active less than
     * {@link #VALIDITY} ago and it has not expired since; null when it must be looked up.
     */
    Principal get(byte[] tokenHash, OffsetDateTime now) {
        String key = HexFormat.of().formatHex(tokenHash);
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        // nanoTime, not the server's clock: that one may be fixed (tests) or set back, and this is a duration
        if (System.nanoTime() - entry.checkedAtNanos() >= VALIDITY.toNanos()
                || entry.expiresAt() != null && !entry.expiresAt().isAfter(now)) {
            entries.remove(key, entry);
            return null;
        }
        return entry.principal();
    }

    /** Remembers that the database has just said this token is active. */
    void put(byte[] tokenHash, Principal principal, OffsetDateTime expiresAt) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(HexFormat.of().formatHex(tokenHash), new Entry(principal, expiresAt, System.nanoTime()));
    }

    /** Drops token {@code tokenId}: it was revoked here, and must not work for one more request. */
    void forget(long tokenId) {
        entries.values().removeIf(entry -> entry.principal().tokenId() == tokenId);
    }
}
