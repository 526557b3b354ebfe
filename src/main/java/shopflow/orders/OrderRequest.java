package shopflow.orders;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A request to place an order, validated field by field: the customer, the lines (product,
 * quantity), and optionally a coupon code, the browsing session and the payment method. Prices
 * are not part of it: the server prices every line from the catalog.
 */
public record OrderRequest(int customerId, List<Line> items, String couponCode, String sessionId, String paymentMethod) {

    /** One line of the order. */
    public record Line(int productId, int quantity) {
    }

    public static final int MAX_LINES = 100;
    public static final int MAX_QUANTITY = 1000;
    static final Set<String> PAYMENT_METHODS = Set.of("card", "paypal", "apple_pay", "google_pay", "bank_transfer");
    private static final Set<String> FIELDS = Set.of("customer_id", "items", "coupon_code", "session_id", "payment_method");
    private static final Set<String> LINE_FIELDS = Set.of("product_id", "quantity");

    public OrderRequest {
        items = List.copyOf(items);
    }

    /** Reads a JSON body such as {@code {"customer_id": 7, "items": [{"product_id": 3, "quantity": 2}]}}. */
    public static OrderRequest fromJson(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw OrderException.badInput("body", "the request body must be a JSON object with customer_id and items, got "
                    + describe(body));
        }
        rejectUnknown(body, FIELDS, "");
        int customerId = positiveInt(body, "customer_id", "customer_id", Integer.MAX_VALUE);
        JsonNode items = body.get("items");
        if (items == null || items.isNull()) {
            throw OrderException.badInput("items", "items is required: an array of {product_id, quantity}");
        }
        if (!items.isArray()) {
            throw OrderException.badInput("items", "items must be an array of {product_id, quantity}, got " + describe(items));
        }
        if (items.isEmpty() || items.size() > MAX_LINES) {
            throw OrderException.badInput("items", "items must have between 1 and " + MAX_LINES + " lines, got " + items.size());
        }
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String path = "items[" + i + "]";
            if (!item.isObject()) {
                throw OrderException.badInput(path, path + " must be an object {product_id, quantity}, got " + describe(item));
            }
            rejectUnknown(item, LINE_FIELDS, path + ".");
            lines.add(new Line(positiveInt(item, "product_id", path + ".product_id", Integer.MAX_VALUE),
                    positiveInt(item, "quantity", path + ".quantity", MAX_QUANTITY)));
        }
        String coupon = optionalText(body, "coupon_code", 50);
        String session = optionalText(body, "session_id", 100);
        String payment = optionalText(body, "payment_method", 50);
        if (payment != null && !PAYMENT_METHODS.contains(payment)) {
            throw OrderException.badInput("payment_method", "unknown payment_method '" + payment + "'; accepted: "
                    + String.join(", ", PAYMENT_METHODS.stream().sorted().toList()));
        }
        return new OrderRequest(customerId, lines, coupon, session, payment);
    }

    /** The items as the database function place_order reads them. */
    String itemsJson() {
        StringBuilder json = new StringBuilder("[");
        for (Line line : items) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("{\"product_id\":").append(line.productId()).append(",\"quantity\":").append(line.quantity()).append('}');
        }
        return json.append(']').toString();
    }

    /** A fingerprint of what was asked, to tell a retry (same request) from a reused idempotency key. */
    String fingerprint() {
        String canonical = customerId + "|" + itemsJson() + "|" + couponCode + "|" + sessionId + "|" + paymentMethod;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static void rejectUnknown(JsonNode object, Set<String> accepted, String prefix) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!accepted.contains(name)) {
                throw OrderException.badInput(prefix + name, "unknown field '" + prefix + name + "'; accepted: "
                        + String.join(", ", accepted.stream().sorted().map(f -> prefix + f).toList()));
            }
        }
    }

    private static int positiveInt(JsonNode object, String name, String path, int max) {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            throw OrderException.badInput(path, path + " is required");
        }
        if (!value.isIntegralNumber()) {
            throw OrderException.badInput(path, path + " must be a whole number, got " + describe(value));
        }
        if (!value.canConvertToLong() || value.longValue() < 1 || value.longValue() > max) {
            throw OrderException.badInput(path, path + " must be between 1 and " + max + ", got " + value.asText());
        }
        return value.intValue();
    }

    private static String optionalText(JsonNode object, String name, int maxLength) {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw OrderException.badInput(name, name + " must be a string, got " + describe(value));
        }
        String text = value.textValue();
        if (text.isBlank() || text.length() > maxLength || text.chars().anyMatch(Character::isISOControl)) {
            throw OrderException.badInput(name, name + " must be 1 to " + maxLength
                    + " printable characters, got " + text.length() + " characters");
        }
        // codePoints() yields a surrogate without its pair as itself: the text is not valid Unicode
        if (text.codePoints().anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
            throw OrderException.badInput(name, name + " is not valid Unicode text: it has an unpaired surrogate");
        }
        return text;
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case STRING -> "the string \"" + abbreviate(node.textValue()) + "\"";
            case NUMBER -> "the number " + node.asText();
            case BOOLEAN -> "the boolean " + node.asText();
            case NULL -> "null";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> node.getNodeType().toString().toLowerCase();
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
