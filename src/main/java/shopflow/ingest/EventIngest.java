package shopflow.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import shopflow.db.SqlScripts;
import shopflow.db.Transactions;

/**
 * Stores a validated batch of events in page_views and cart_events, in one transaction: all of it
 * or none ({@code store_events()}: one multi-row insert per table, which on a Citus cluster goes
 * over the connections the session keeps to the workers, where COPY opened one to every shard).
 * Customers and products the events name are checked first, so an unknown id is reported with its
 * event's index and field rather than as a foreign-key failure of the whole insert.
 */
public final class EventIngest {

    /** How many rows of each kind a batch stored. */
    public record Stored(int pageViews, int cartEvents) {
        public int total() {
            return pageViews + cartEvents;
        }
    }

    private static final String STORE_EVENTS = SqlScripts.read("ingest/store_events.sql");
    private static final String EXISTING_CUSTOMERS = SqlScripts.read("ingest/existing_customers.sql");
    private static final String EXISTING_PRODUCTS = SqlScripts.read("ingest/existing_products.sql");
    /** The events as rows of their tables: snake_case keys as the columns, moments as ISO text. */
    private static final ObjectMapper ROWS = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private final DataSource dataSource;

    public EventIngest(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @throws EventBatchRefused naming each event whose customer or product does not exist; nothing stored */
    public Stored store(List<Event> events) {
        List<Event.PageView> pageViews = new ArrayList<>();
        List<Event.CartEvent> cartEvents = new ArrayList<>();
        for (Event event : events) {
            if (event instanceof Event.PageView view) {
                pageViews.add(view);
            } else if (event instanceof Event.CartEvent cartEvent) {
                cartEvents.add(cartEvent);
            }
        }
        try {
            return Transactions.inTransaction(dataSource, connection -> {
                checkReferences(connection, events);
                try (PreparedStatement store = connection.prepareStatement(STORE_EVENTS)) {
                    store.setString(1, ROWS.writeValueAsString(pageViews));
                    store.setString(2, ROWS.writeValueAsString(cartEvents));
                    store.execute();
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("cannot write the events as JSON: " + e.getMessage(), e);
                }
                return new Stored(pageViews.size(), cartEvents.size());
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
        Set<Integer> unknownCustomers = missing(connection, EXISTING_CUSTOMERS, customers);
        Set<Integer> unknownProducts = missing(connection, EXISTING_PRODUCTS, products);
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

    /** The ids among {@code ids} that {@code existing} (the ids it is given that exist, locked) does not return. */
    private static Set<Integer> missing(Connection connection, String existing, Set<Integer> ids) throws SQLException {
        Set<Integer> missing = new TreeSet<>(ids);
        if (ids.isEmpty()) {
            return missing;
        }
        Array array = connection.createArrayOf("int4", ids.toArray());
        try (PreparedStatement statement = connection.prepareStatement(existing)) {
            statement.setArray(1, array);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    missing.remove(row.getInt(1));
                }
            }
        }
        return missing;
    }
}
