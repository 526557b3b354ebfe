package shopflow.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import shopflow.orders.Restocking;

/**
 * {@code POST /api/inventory/{sku}/{warehouse}/restock} (admin): a supplier's delivery arrives at a
 * warehouse, as a real shop's warehouse system would book it. Refusals answer {@code {"error", "field"}}
 * with 400, 404 or 422 and change nothing.
 */
final class InventoryApi {

    private static final String EXAMPLE = "{\"quantity\": 40}";

    private final Restocking restocking;
    private final Access access;

    InventoryApi(DataSource dataSource, Access access) {
        this.restocking = new Restocking(dataSource);
        this.access = access;
    }

    void restock(Context ctx) {
        access.require(ctx, Role.ADMIN, "restocking a warehouse");
        JsonNode body = OrdersApi.jsonBody(ctx, EXAMPLE);
        if (!body.isObject()) {
            throw ApiError.badRequest("body", "the body must be a JSON object like " + EXAMPLE);
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("quantity")) {
                throw ApiError.badRequest(name, "unknown field '" + name + "': the body is " + EXAMPLE);
            }
        }
        JsonNode quantity = body.get("quantity");
        if (quantity == null || !quantity.isIntegralNumber() || !quantity.canConvertToInt()) {
            throw ApiError.badRequest("quantity", "quantity is required: a whole number of units from 1 to 1000000, like "
                    + EXAMPLE);
        }
        Restocking.Restock restock = restocking.restock(ctx.pathParam("sku"), ctx.pathParam("warehouse"),
                quantity.intValue());
        ctx.attribute("shopflow.log.detail", "restocked " + restock.quantity() + " of " + restock.sku() + " in "
                + restock.warehouse());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sku", restock.sku());
        out.put("warehouse", restock.warehouse());
        out.put("quantity", restock.quantity());
        out.put("stock", restock.stock());
        out.put("movement_id", restock.movementId());
        out.put("moved_at", restock.movedAt().toString());
        ctx.status(201).json(out);
    }
}
