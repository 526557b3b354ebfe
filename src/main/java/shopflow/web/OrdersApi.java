package shopflow.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import shopflow.db.SqlScripts;
import shopflow.ingest.EventParser;
import shopflow.orders.OrderLifecycle;
import shopflow.orders.OrderPlacement;
import shopflow.orders.OrderRefunds;
import shopflow.orders.OrderRequest;
import shopflow.orders.OrderStatus;
import shopflow.orders.PlacedOrder;
import shopflow.orders.Refund;
import shopflow.orders.Transition;

/**
 * {@code POST /api/orders} places an order (priced by the server) and
 * {@code POST /api/orders/{id}/status} moves one through its lifecycle and
 * {@code POST /api/orders/{id}/refunds} refunds part of one; all need the admin role.
 * Refusals answer {@code {"error", "field"}} with 400, 404, 409 or 422 and change nothing.
 */
final class OrdersApi {

    /** Strict: a key given twice is an error rather than "the last one wins". */
    static final ObjectMapper STRICT_JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** A random sample of what traffic can refer to: active customers, and active products in stock first. */
    private static final String SAMPLE = SqlScripts.read("simulate/catalog_sample.sql");

    private final OrderPlacement placement;
    private final OrderLifecycle lifecycle;
    private final OrderRefunds refunds;
    private final Access access;
    private final javax.sql.DataSource dataSource;

    OrdersApi(javax.sql.DataSource dataSource, Access access) {
        this.dataSource = dataSource;
        this.placement = new OrderPlacement(dataSource);
        this.lifecycle = new OrderLifecycle(dataSource);
        this.refunds = new OrderRefunds(dataSource);
        this.access = access;
    }

    /** {@code GET /api/catalog/sample} (admin): ids for traffic tools such as {@code shopflow simulate}. */
    void sample(Context ctx) throws java.sql.SQLException {
        access.require(ctx, Role.ADMIN, "sampling ids for traffic");
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement();
                var row = statement.executeQuery(SAMPLE)) {
            row.next();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("customer_ids", STRICT_JSON.readTree(row.getString("customer_ids")));
            out.put("product_ids", STRICT_JSON.readTree(row.getString("product_ids")));
            ctx.json(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Body: {@code {"customer_id": 7, "items": [{"product_id": 3, "quantity": 2}], "coupon_code": "TEN"}}. */
    void place(Context ctx) {
        access.require(ctx, Role.ADMIN, "placing orders");
        OrderRequest request = OrderRequest.fromJson(jsonBody(ctx, "{\"customer_id\": 7, \"items\": [{\"product_id\": 3,"
                + " \"quantity\": 2}], \"coupon_code\": \"TEN\", \"session_id\": \"...\"}"));
        PlacedOrder order = placement.place(request, ctx.header("Idempotency-Key"));
        ctx.attribute("shopflow.log.detail", (order.replayed() ? "replayed order " : "placed order ") + order.orderId());
        ctx.status(order.replayed() ? 200 : 201).json(order);
    }

    /** Body: {@code {"status": "shipped"}}. */
    void changeStatus(Context ctx) {
        access.require(ctx, Role.ADMIN, "changing an order's status");
        int orderId = orderId(ctx.pathParam("id"));
        JsonNode body = jsonBody(ctx, "{\"status\": \"shipped\"}");
        if (!body.isObject()) {
            throw ApiError.badRequest("body", "the body must be a JSON object like {\"status\": \"shipped\"}");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("status")) {
                throw ApiError.badRequest(name, "unknown field '" + name + "': the body is {\"status\": \"shipped\"}");
            }
        }
        JsonNode status = body.get("status");
        if (status == null || status.isNull()) {
            throw ApiError.badRequest("status", "status is required: one of pending, processing, shipped, delivered,"
                    + " cancelled, refunded");
        }
        if (!status.isTextual()) {
            throw ApiError.badRequest("status", "status must be a string: one of pending, processing, shipped, delivered,"
                    + " cancelled, refunded");
        }
        Transition transition = lifecycle.transition(orderId, OrderStatus.parse(status.textValue()));
        ctx.attribute("shopflow.log.detail", transition.message());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("order_id", transition.orderId());
        out.put("order_number", transition.orderNumber());
        out.put("previous_status", transition.previousStatus());
        out.put("status", transition.status());
        out.put("changed", transition.changed());
        out.put("message", transition.message());
        ctx.json(out);
    }

    /**
     * Body: {@code {"amount": 12.50}} (of the order's net sales) or
     * {@code {"lines": [{"item_id": 456, "quantity": 1}]}}; the database checks the rest.
     */
    void refund(Context ctx) {
        access.require(ctx, Role.ADMIN, "refunding orders");
        int orderId = orderId(ctx.pathParam("id"));
        String example = "{\"amount\": 12.50} or {\"lines\": [{\"item_id\": 456, \"quantity\": 1}]}";
        JsonNode body = jsonBody(ctx, example);
        if (!body.isObject()) {
            throw ApiError.badRequest("body", "the body must be a JSON object like " + example);
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("amount") && !name.equals("lines")) {
                throw ApiError.badRequest(name, "unknown field '" + name + "': the body is " + example);
            }
        }
        JsonNode amount = body.get("amount");
        JsonNode lines = body.get("lines");
        if ((amount == null) == (lines == null)) {
            throw ApiError.badRequest("amount", "give exactly one of amount and lines: " + example);
        }
        if (amount != null && !amount.isNumber()) {
            throw ApiError.badRequest("amount", "amount must be a number of GBP, e.g. 12.50");
        }
        if (lines != null && !lines.isArray()) {
            throw ApiError.badRequest("lines", "lines must be an array like [{\"item_id\": 456, \"quantity\": 1}]");
        }
        Refund refund = refunds.refund(orderId, amount == null ? null : amount.decimalValue(),
                lines == null ? null : lines.toString());
        ctx.attribute("shopflow.log.detail", refund.message());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("refund_id", refund.refundId());
        out.put("order_id", refund.orderId());
        out.put("order_number", refund.orderNumber());
        out.put("refunded", refund.refunded());
        out.put("left_to_refund", refund.leftToRefund());
        out.put("message", refund.message());
        ctx.status(201).json(out);
    }

    private static int orderId(String text) {
        try {
            int id = Integer.parseInt(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.badRequest("order_id", "order id '" + abbreviate(text) + "' is not a positive whole number");
    }

    /** The body as JSON; 415 when it is not declared JSON, 400 when it does not parse. */
    static JsonNode jsonBody(Context ctx, String example) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            throw ApiError.unsupportedType("send the body as JSON with Content-Type: application/json, e.g. " + example);
        }
        try {
            JsonNode body = STRICT_JSON.readTree(RequestBodies.read(ctx, WebServer.MAX_REQUEST_BYTES));
            if (body == null || body.isMissingNode()) {
                throw ApiError.badRequest("body", "the body is empty; send JSON like " + example);
            }
            return body;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("body", "the body is not valid JSON (" + EventParser.jsonProblem(e) + "); send JSON like "
                    + example);
        } catch (IOException e) {
            throw ApiError.badRequest("body", "the body could not be read: " + e.getMessage());
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
