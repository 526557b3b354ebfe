package shopflow.ingest;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import shopflow.db.Transactions;

/**
 * Stores a validated batch of events in page_views and cart_events with COPY, in one transaction:
 * all of it or none. Customers and products the events name are checked first, so an unknown id is
 * reported with its event's index and field rather than as a foreign-key failure of the whole COPY.
 */
public final class EventIngest {

    /** How many rows of each kind a batch stored. */
    public record Stored(int pageViews, int cartEvents) {
        public int total() {
            return pageViews + cartEvents;
        }
    }

    private static final String COPY_PAGE_VIEWS = "copy page_views (session_id, customer_id, page_url, product_id,"
            + " viewed_at, time_on_page, referrer, device_type) from stdin";
    private static final String COPY_CART_EVENTS = "copy cart_events (session_id, customer_id, product_id, action,"
            + " quantity, event_at) from stdin";

    private final DataSource dataSource;

    public EventIngest(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @throws EventBatchRefused naming each event whose customer or product does not exist; nothing stored */
    public Stored store(List<Event> events) {
        try {
            return Transactions.inTransaction(dataSource, connection -> {
                checkReferences(connection, events);
                StringBuilder pageViews = new StringBuilder();
                StringBuilder cartEvents = new StringBuilder();
                int views = 0;
                for (Event event : events) {
                    if (event instanceof Event.PageView v) {
                        row(pageViews, v.sessionId(), v.customerId(), v.pageUrl(), v.productId(), v.viewedAt(),
                                v.timeOnPage(), v.referrer(), v.deviceType());
                        views++;
                    } else if (event instanceof Event.CartEvent c) {
                        row(cartEvents, c.sessionId(), c.customerId(), c.productId(), c.action(), c.quantity(), c.eventAt());
                    }
                }
                CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
                try {
                    if (views > 0) {
                        copy.copyIn(COPY_PAGE_VIEWS, new StringReader(pageViews.toString()));
                    }
                    if (views < events.size()) {
                        copy.copyIn(COPY_CART_EVENTS, new StringReader(cartEvents.toString()));
                    }
                } catch (IOException e) {
                    throw new SQLException("COPY failed: " + e.getMessage(), e);
                }
                return new Stored(views, events.size() - views);
            });
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the events: " + e.getMessage(), e);
        }
    }

    private static void checkReferences(Connection connection, List<Event> events) throws SQLException {
        Set<Integer> customers = new HashSet<>();
        Set<Integer> products = new HashSet<>();
        for (Event event : events) {
            if (event instanceof Event.PageView v) {
                addIfPresent(customers, v.customerId());
                addIfPresent(products, v.productId());
            } else if (event instanceof Event.CartEvent c) {
                addIfPresent(customers, c.customerId());
                addIfPresent(products, c.productId());
            }
        }
        Set<Integer> unknownCustomers = missing(connection, "customers", "customer_id", customers);
        Set<Integer> unknownProducts = missing(connection, "products", "product_id", products);
        if (unknownCustomers.isEmpty() && unknownProducts.isEmpty()) {
            return;
        }
        List<EventError> errors = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            Integer customer = event instanceof Event.PageView v ? v.customerId() : ((Event.CartEvent) event).customerId();
            Integer product = event instanceof Event.PageView v ? v.productId() : ((Event.CartEvent) event).productId();
            if (customer != null && unknownCustomers.contains(customer)) {
                errors.add(new EventError(i, "customer_id", "customer " + customer + " does not exist"));
            }
            if (product != null && unknownProducts.contains(product)) {
                errors.add(new EventError(i, "product_id", "product " + product + " does not exist"));
            }
        }
        throw new EventBatchRefused(errors, false);
    }

    private static void addIfPresent(Set<Integer> ids, Integer id) {
        if (id != null) {
            ids.add(id);
        }
    }

    /** The ids among {@code ids} that {@code table} does not have. */
    private static Set<Integer> missing(Connection connection, String table, String key, Set<Integer> ids)
            throws SQLException {
        Set<Integer> missing = new TreeSet<>(ids);
        if (ids.isEmpty()) {
            return missing;
        }
        Array array = connection.createArrayOf("int4", ids.toArray());
        // key share: a customer or product cannot be deleted under us before the COPY checks its foreign key.
        try (PreparedStatement statement = connection.prepareStatement(
                "select " + key + " from " + table + " where " + key + " = any(?) for key share")) {
            statement.setArray(1, array);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    missing.remove(row.getInt(1));
                }
            }
        }
        return missing;
    }

    /** One line of COPY text format: tab-separated, \N for null, backslash escapes. */
    private static void row(StringBuilder out, Object... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            Object value = values[i];
            if (value == null) {
                out.append("\\N");
            } else if (value instanceof String text) {
                escape(out, text);
            } else if (value instanceof OffsetDateTime moment) {
                out.append(moment);
            } else {
                out.append(value);
            }
        }
        out.append('\n');
    }

    private static void escape(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }
}
