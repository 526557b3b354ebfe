package shopflow.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;

/**
 * API tokens: {@code sf_} followed by 32 random bytes in base64url. Only the SHA-256 hash is stored
 * (table {@code api.tokens}), so the token text exists once, in the answer to {@link #create}.
 */
public final class TokenStore {

    static final String PREFIX = "sf_";
    private static final Pattern VALIDITY = Pattern.compile("(\\d{1,6})([dhm])");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CREATE = SqlScripts.read("tokens/create_token.sql");
    private static final String LIST = SqlScripts.read("tokens/list_tokens.sql");
    private static final String BY_HASH = SqlScripts.read("tokens/token_by_hash.sql");
    private static final String REVOKE = SqlScripts.read("tokens/revoke_token.sql");

    private final DataSource dataSource;
    private final Clock clock;
    private final TokenCache cache = new TokenCache();
    /** Database look-ups by {@link #authenticate}: what the cache saves is visible (tests, bench). */
    private final AtomicLong lookups = new AtomicLong();

    public TokenStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** A token as created: {@link #token()} is the only copy of its secret. */
    public record IssuedToken(long id, String token, Role role, String label, OffsetDateTime expiresAt) {
    }

    /** A token as listed: never its secret. */
    public record TokenInfo(long id, Role role, String label, OffsetDateTime createdAt, OffsetDateTime expiresAt,
            OffsetDateTime revokedAt) {

        /** active, expired or revoked, at {@code now}. */
        public String state(OffsetDateTime now) {
            if (revokedAt != null) {
                return "revoked";
            }
            return expiresAt != null && !expiresAt.isAfter(now) ? "expired" : "active";
        }
    }

    /** Who a request is: the token's id (what logs show) and role. */
    public record Principal(long tokenId, Role role) {
    }

    /**
     * Reads how long a token lives: {@code 30d}, {@code 12h}, {@code 90m}, or {@code never}
     * (empty result).
     */
    public static Optional<Duration> parseValidity(String text) {
        String value = text == null ? "" : text.strip();
        if (value.equals("never")) {
            return Optional.empty();
        }
        Matcher m = VALIDITY.matcher(value);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("expires '" + text + "' is not a validity: write 30d (days), 12h (hours),"
                    + " 90m (minutes) or never");
        }
        long amount = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "d" -> Duration.ofDays(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofMinutes(amount);
        });
    }

    public IssuedToken create(Role role, String label, Optional<Duration> validFor) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        OffsetDateTime now = now();
        OffsetDateTime expiresAt = validFor.map(now::plus).orElse(null);
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(CREATE)) {
            s.setBytes(1, hash(token));
            s.setString(2, role.label());
            s.setString(3, label);
            s.setObject(4, now);
            s.setObject(5, expiresAt);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new IssuedToken(rs.getLong(1), token, role, label, expiresAt);
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot create a token: " + e.getMessage(), e);
        }
    }

    public List<TokenInfo> list() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(LIST);
                ResultSet rs = s.executeQuery()) {
            List<TokenInfo> tokens = new ArrayList<>();
            while (rs.next()) {
                tokens.add(info(rs));
            }
            return tokens;
        } catch (SQLException e) {
            throw new DatabaseException("cannot list tokens: " + e.getMessage(), e);
        }
    }

    /** Revokes token {@code id}; false when there is no such token or it was already revoked. */
    public boolean revoke(long id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(REVOKE)) {
            s.setObject(1, now());
            s.setLong(2, id);
            boolean revoked = s.executeUpdate() == 1;
            cache.forget(id); // after the update: a look-up meanwhile would have found it active again
            return revoked;
        } catch (SQLException e) {
            throw new DatabaseException("cannot revoke token " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * The principal of {@code token}; otherwise a 401 saying why (never repeating the token). An
     * active token is looked up in the database at most once per {@link TokenCache#VALIDITY}.
     */
    public Principal authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
            throw ApiError.unauthorized("not a ShopFlow token: expected 'Authorization: Bearer sf_...'"
                    + " (create one with 'shopflow token create')");
        }
        byte[] hash = hash(token);
        Principal cached = cache.get(hash, now());
        if (cached != null) {
            return cached;
        }
        lookups.incrementAndGet();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(BY_HASH)) {
            s.setBytes(1, hash);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.unauthorized("unknown token: it was never issued here (or mistyped)");
                }
                TokenInfo info = info(rs);
                switch (info.state(now())) {
                    case "revoked" -> throw ApiError.unauthorized("token " + info.id() + " was revoked at "
                            + info.revokedAt());
                    case "expired" -> throw ApiError.unauthorized("token " + info.id() + " expired at "
                            + info.expiresAt());
                    default -> {
                        Principal principal = new Principal(info.id(), info.role());
                        cache.put(hash, principal, info.expiresAt());
                        return principal;
                    }
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot check a token: " + e.getMessage(), e);
        }
    }

    /** How many times {@link #authenticate} has asked the database (the rest the cache answered). */
    long lookups() {
        return lookups.get();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static TokenInfo info(ResultSet rs) throws SQLException {
        return new TokenInfo(rs.getLong("token_id"), Role.parse(rs.getString("role")), rs.getString("label"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("expires_at", OffsetDateTime.class),
                rs.getObject("revoked_at", OffsetDateTime.class));
    }

    private static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
