package shopflow.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import shopflow.reports.ReportFormat;

/**
 * Where the next page of a drill-down list starts: the list it belongs to (drill, parameters,
 * as_of, pinned at the first page so that orders placed meanwhile do not shift the pages) and the
 * keyset of the last row given. Opaque to clients: base64url JSON with an HMAC-SHA256 of it under a
 * key made at each start of the server, so a cursor altered, made up, or from before a restart is
 * refused (400) rather than read.
 */
final class DrillCursor {

    /** What a cursor holds. */
    record Position(String drill, Map<String, String> parameters, OffsetDateTime asOf, Map<String, String> after) {
    }

    private final SecretKeySpec key;

    DrillCursor() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    String encode(Position position) {
        ObjectNode json = ReportFormat.JSON_MAPPER.createObjectNode();
        json.put("drill", position.drill());
        json.set("parameters", ReportFormat.JSON_MAPPER.valueToTree(new TreeMap<>(position.parameters())));
        json.put("as_of", position.asOf().toString());
        json.set("after", ReportFormat.JSON_MAPPER.valueToTree(position.after()));
        byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(body) + "." + b64.encodeToString(mac(body));
    }

    /** The position of {@code cursor}; 400 naming {@code cursor} when it is not one this server made as it is. */
    Position decode(String cursor) {
        String[] parts = cursor.strip().split("\\.", -1);
        byte[] body;
        byte[] signature;
        try {
            if (parts.length != 2) {
                throw new IllegalArgumentException("not two parts");
            }
            body = Base64.getUrlDecoder().decode(parts[0]);
            signature = Base64.getUrlDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("cursor", "cursor is not a cursor this API gave (it must be the next_cursor of"
                    + " a page, unchanged): ask for the first page again, without cursor");
        }
        if (!MessageDigest.isEqual(signature, mac(body))) {
            throw ApiError.badRequest("cursor", "cursor was altered, or is stale (from before the server restarted):"
                    + " ask for the first page again, without cursor");
        }
        try {
            JsonNode json = ReportFormat.JSON_MAPPER.readTree(body);
            Map<String, String> parameters = new LinkedHashMap<>();
            json.get("parameters").fields().forEachRemaining(e -> parameters.put(e.getKey(), e.getValue().asText()));
            Map<String, String> after = new LinkedHashMap<>();
            json.get("after").fields().forEachRemaining(e -> after.put(e.getKey(), e.getValue().asText()));
            return new Position(json.get("drill").asText(), parameters, OffsetDateTime.parse(json.get("as_of").asText()),
                    after);
        } catch (Exception e) {
            // signed by this server, so never expected: say so plainly all the same
            throw ApiError.badRequest("cursor", "cursor cannot be read: ask for the first page again, without cursor");
        }
    }

    private byte[] mac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java has HmacSHA256", e);
        }
    }
}
