package shopflow.ingest;

import java.time.OffsetDateTime;

/** One analytics event, validated: a page view or a cart event, each a row of its table. */
public sealed interface Event permits Event.PageView, Event.CartEvent {

    /** A row of page_views. */
    record PageView(String sessionId, Integer customerId, String pageUrl, Integer productId, OffsetDateTime viewedAt,
            Integer timeOnPage, String referrer, String deviceType) implements Event {
    }

    /** A row of cart_events. */
    record CartEvent(String sessionId, Integer customerId, Integer productId, String action, Integer quantity,
            OffsetDateTime eventAt) implements Event {
    }
}
