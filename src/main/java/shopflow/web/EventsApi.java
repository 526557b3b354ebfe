package shopflow.web;

import io.javalin.http.Context;
import java.util.Map;
import shopflow.ingest.EventIngest;
import shopflow.ingest.EventParser;

/**
 * {@code POST /api/events}: a batch of page views and cart events (admin role), as a JSON array
 * ({@code application/json}) or one event per line ({@code application/x-ndjson}). Stored whole,
 * or refused whole with {@code {"error", "field", "errors": [{"index", "field", "error"}, ...]}}.
 */
final class EventsApi {

    private final EventParser parser;
    private final EventIngest ingest;
    private final Access access;
    private final RequestBodies bodies;

    EventsApi(EventParser parser, EventIngest ingest, Access access, RequestBodies bodies) {
        this.parser = parser;
        this.ingest = ingest;
        this.access = access;
        this.bodies = bodies;
    }

    void post(Context ctx) {
        access.require(ctx, Role.ADMIN, "sending events");
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase();
        EventParser.Format format;
        if (type.startsWith("application/x-ndjson")) {
            format = EventParser.Format.NDJSON;
        } else if (type.startsWith("application/json")) {
            format = EventParser.Format.JSON_ARRAY;
        } else {
            throw ApiError.unsupportedType("send events as a JSON array (Content-Type: application/json) or one JSON object"
                    + " per line (Content-Type: application/x-ndjson)");
        }
        EventIngest.Stored stored = bodies.withEventBudget(ctx, () -> ingest.store(parser.parse(
                RequestBodies.read(ctx, WebServer.MAX_EVENT_BATCH_BYTES), format)));
        ctx.attribute("shopflow.log.detail", "stored " + stored.total() + " events");
        ctx.status(201).json(Map.of("stored", stored.total(), "page_views", stored.pageViews(),
                "cart_events", stored.cartEvents()));
    }
}
