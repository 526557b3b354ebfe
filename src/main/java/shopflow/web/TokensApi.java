package shopflow.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import shopflow.reports.ReportFormat;
import shopflow.web.TokenStore.IssuedToken;
import shopflow.web.TokenStore.Principal;
import shopflow.web.TokenStore.TokenInfo;

/** {@code /api/tokens}: admins list, create and revoke tokens over HTTP, as {@code shopflow token} does. */
final class TokensApi {

    private static final Set<String> FIELDS = Set.of("role", "label", "expires");

    private final TokenStore tokens;
    private final Access access;
    private final Clock clock;

    TokensApi(TokenStore tokens, Access access, Clock clock) {
        this.tokens = tokens;
        this.access = access;
        this.clock = clock;
    }

    void list(Context ctx) {
        access.require(ctx, Role.ADMIN, "listing tokens");
        OffsetDateTime now = OffsetDateTime.now(clock);
        ctx.json(Map.of("tokens", tokens.list().stream().map(token -> describe(token, now)).toList()));
    }

    /** Body: {@code {"role": "viewer", "label": "wall screen", "expires": "30d"}}; answers the token once. */
    void create(Context ctx) {
        Principal admin = access.require(ctx, Role.ADMIN, "creating tokens");
        JsonNode body;
        try {
            body = ReportFormat.JSON_MAPPER.readTree(RequestBodies.read(ctx, WebServer.MAX_REQUEST_BYTES));
        } catch (IOException e) {
            throw ApiError.badRequest("body", "the body must be JSON like {\"role\": \"viewer\", \"label\": \"wall screen\","
                    + " \"expires\": \"30d\"}");
        }
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest("body", "the body must be a JSON object with role, and optionally label and expires");
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                throw ApiError.badRequest(name, "unknown field '" + name + "': accepted are role, label, expires");
            }
        });
        Role role;
        try {
            role = Role.parse(body.path("role").asText(null));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("role", e.getMessage());
        }
        Optional<Duration> validity;
        try {
            validity = TokenStore.parseValidity(body.path("expires").asText("30d"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("expires", e.getMessage());
        }
        String label = body.path("label").asText(null);
        if (label != null && label.length() > 200) {
            throw ApiError.badRequest("label", "label is " + label.length() + " characters long; at most 200");
        }
        if (label != null && label.codePoints().anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
            throw ApiError.badRequest("label", "label is not valid Unicode text: it has an unpaired surrogate");
        }
        IssuedToken issued = tokens.create(role, label, validity);
        ctx.attribute("shopflow.log.detail", "created token " + issued.id() + " (" + role.label() + ") by token "
                + admin.tokenId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", issued.id());
        out.put("token", issued.token());
        out.put("role", role.label());
        out.put("label", label);
        out.put("expires_at", issued.expiresAt());
        ctx.status(201).json(out);
    }

    void revoke(Context ctx) {
        Principal admin = access.require(ctx, Role.ADMIN, "revoking tokens");
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("id", "token id '" + ctx.pathParam("id") + "' is not a number (see GET /api/tokens)");
        }
        if (!tokens.revoke(id)) {
            throw ApiError.notFound("id", "no active token " + id + " (see GET /api/tokens)");
        }
        ctx.attribute("shopflow.log.detail", "revoked token " + id + " by token " + admin.tokenId());
        ctx.status(204);
    }

    static Map<String, Object> describe(TokenInfo token, OffsetDateTime now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", token.id());
        out.put("role", token.role().label());
        out.put("label", token.label());
        out.put("created_at", token.createdAt());
        out.put("expires_at", token.expiresAt());
        out.put("revoked_at", token.revokedAt());
        out.put("state", token.state(now));
        return out;
    }
}
