package shopflow.web;

import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import shopflow.web.TokenStore.Principal;

/**
 * Who may do what: reads the bearer token, checks the role a route needs, and remembers the
 * principal on the request so the access log can name the token id (never the token).
 */
final class Access {

    static final String PRINCIPAL = "shopflow.principal";
    private static final Duration TICKET_LIFETIME = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TokenStore tokens;
    private final Clock clock;
    /** One-use tickets for the event stream: a browser's EventSource cannot send headers. */
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();

    private record Ticket(Principal principal, Instant expiresAt) {
    }

    Access(TokenStore tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** The caller, who must hold at least {@code minimum}: otherwise 401 (who?) or 403 (not allowed). */
    Principal require(Context ctx, Role minimum, String what) {
        Principal principal = authenticate(ctx);
        if (!principal.role().includes(minimum)) {
            throw ApiError.forbidden(what + " needs the " + minimum.label() + " role; token " + principal.tokenId()
                    + " has " + principal.role().label());
        }
        return principal;
    }

    Principal authenticate(Context ctx) {
        Principal known = ctx.attribute(PRINCIPAL);
        if (known != null) {
            return known;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw ApiError.unauthorized("sign in: send 'Authorization: Bearer sf_...' (create a token with"
                    + " 'shopflow token create --role viewer')");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.unauthorized("the Authorization header must be 'Bearer sf_...'");
        }
        Principal principal = tokens.authenticate(header.substring(7).strip());
        ctx.attribute(PRINCIPAL, principal);
        return principal;
    }

    /** A ticket good for one event-stream connection in the next 30 s, for the signed-in caller. */
    String issueTicket(Principal principal) {
        Instant now = clock.instant();
        tickets.values().removeIf(ticket -> ticket.expiresAt().isBefore(now));
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        tickets.put(ticket, new Ticket(principal, now.plus(TICKET_LIFETIME)));
        return ticket;
    }

    /** Spends the request's {@code ticket} query parameter; 401 when missing, unknown, used or stale. */
    Principal redeemTicket(Context ctx) {
        String value = ctx.queryParam("ticket");
        Ticket ticket = value == null ? null : tickets.remove(value);
        if (ticket == null || ticket.expiresAt().isBefore(clock.instant())) {
            throw ApiError.unauthorized("the event stream needs ?ticket= from POST /api/events/ticket"
                    + " (each ticket works once, within 30 s)");
        }
        ctx.attribute(PRINCIPAL, ticket.principal());
        return ticket.principal();
    }

    static Duration ticketLifetime() {
        return TICKET_LIFETIME;
    }
}
