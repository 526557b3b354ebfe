package shopflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

class EventIngestTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-30T12:00:00Z"), ZoneOffset.UTC);
    private static Database database;
    private final EventParser parser = new EventParser(CLOCK);

    @BeforeAll
    static void open() {
        database = TestDatabases.fresh();
        sql("insert into customers (customer_id, email) values (7, 'c7@example.com')");
        sql("insert into products (product_id, sku, name, list_price) values (3, 'SKU-3', 'Lamp', 30.00)");
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @BeforeEach
    void empty() {
        sql("truncate page_views, cart_events");
    }

    private List<Event> parse(String body, EventParser.Format format) {
        return parser.parse(body.getBytes(StandardCharsets.UTF_8), format);
    }

    private EventIngest.Stored store(String body, EventParser.Format format) {
        return new EventIngest(database.dataSource()).store(parse(body, format));
    }

    @Test
    void a_json_array_of_page_views_and_cart_events_is_stored_exactly() {
        EventIngest.Stored stored = store("""
                [{"type": "page_view", "session_id": "s1", "customer_id": 7, "page_url": "/p/3?q=a\\tb\\\\c\\nd",
                  "product_id": 3, "viewed_at": "2026-06-30T11:59:00+01:00", "time_on_page": 42,
                  "referrer": "https://search.example/?q=lamp", "device_type": "mobile"},
                 {"type": "cart_event", "session_id": "s1", "product_id": 3, "action": "add", "quantity": 2,
                  "event_at": "2026-06-30T11:00:30Z"},
                 {"type": "page_view", "session_id": "s2", "page_url": "/"}]""", EventParser.Format.JSON_ARRAY);

        assertThat(stored).isEqualTo(new EventIngest.Stored(2, 1));
        assertThat(rows("select session_id, customer_id, page_url, product_id, viewed_at at time zone 'UTC', time_on_page,"
                + " referrer, device_type from page_views order by view_id")).containsExactly(
                "s1|7|/p/3?q=a\tb\\c\nd|3|2026-06-30 10:59:00|42|https://search.example/?q=lamp|mobile",
                // no timestamp: the moment it arrived
                "s2|null|/|null|2026-06-30 12:00:00|null|null|null");
        assertThat(rows("select session_id, customer_id, product_id, action, quantity, event_at at time zone 'UTC'"
                + " from cart_events")).containsExactly("s1|null|3|add|2|2026-06-30 11:00:30");
    }

    @Test
    void ndjson_is_one_event_per_line_and_blank_lines_are_skipped() {
        EventIngest.Stored stored = store("""
                {"type": "cart_event", "session_id": "s9", "customer_id": 7, "product_id": 3, "action": "view_cart"}

                {"type": "page_view", "session_id": "s9", "page_url": "/cart"}
                """, EventParser.Format.NDJSON);

        assertThat(stored.total()).isEqualTo(2);
        assertThat(rows("select action, quantity from cart_events")).containsExactly("view_cart|null");
    }

    @Test
    void a_batch_with_bad_events_is_refused_whole_naming_each_index_and_field() {
        assertThatThrownBy(() -> store("""
                [{"type": "page_view", "session_id": "ok", "page_url": "/"},
                 {"type": "page_view", "page_url": 5, "device_type": "watch"},
                 {"type": "cart_event", "session_id": "s", "product_id": "3", "action": "add", "quantity": 0},
                 {"type": "click", "session_id": "s"},
                 {"type": "page_view", "session_id": "s", "page_url": "/", "viewed_at": "2027-01-01T00:00:00Z", "colour": 1},
                 17]""", EventParser.Format.JSON_ARRAY))
                .isInstanceOfSatisfying(EventBatchRefused.class, e -> assertThat(e.errors()).containsExactly(
                        new EventError(1, "session_id", "session_id is required"),
                        new EventError(1, "page_url", "page_url must be a string, got 5"),
                        new EventError(1, "device_type", "device_type must be one of desktop, mobile, tablet, got \"watch\""),
                        new EventError(2, "product_id", "product_id must be a whole number, got \"3\""),
                        new EventError(2, "quantity", "quantity must be between 1 and 1000, got 0"),
                        new EventError(3, "type", "type must be one of page_view, cart_event, got \"click\""),
                        new EventError(4, "colour", "unknown field 'colour' for a page_view; accepted: customer_id, device_type,"
                                + " page_url, product_id, referrer, session_id, time_on_page, type, viewed_at"),
                        new EventError(4, "viewed_at", "viewed_at 2027-01-01T00:00:00Z is in the future (now is 2026-06-30T12:00Z)"),
                        new EventError(5, null, "an event must be a JSON object with a \"type\" (page_view or cart_event), got 17")));
        assertThat(rows("select count(*) from page_views")).containsExactly("0");
    }

    @Test
    void unknown_customers_and_products_are_named_by_event_and_nothing_is_stored() {
        assertThatThrownBy(() -> store("""
                {"type": "page_view", "session_id": "s", "page_url": "/"}
                {"type": "page_view", "session_id": "s", "page_url": "/p", "product_id": 404}
                {"type": "cart_event", "session_id": "s", "customer_id": 8, "product_id": 3, "action": "remove", "quantity": 1}
                """, EventParser.Format.NDJSON))
                .isInstanceOfSatisfying(EventBatchRefused.class, e -> assertThat(e.errors()).containsExactly(
                        new EventError(1, "product_id", "product 404 does not exist"),
                        new EventError(2, "customer_id", "customer 8 does not exist")));
        assertThat(rows("select (select count(*) from page_views) + (select count(*) from cart_events)")).containsExactly("0");
    }

    @Test
    void malformed_bodies_are_refused_with_what_to_send() {
        assertThatThrownBy(() -> parse("[{\"type\": ", EventParser.Format.JSON_ARRAY))
                .hasMessageStartingWith("the body is not valid JSON (");
        assertThatThrownBy(() -> parse("{\"type\": \"page_view\"}", EventParser.Format.JSON_ARRAY))
                .hasMessageStartingWith("the body must be a JSON array of events");
        assertThatThrownBy(() -> parse("[]", EventParser.Format.JSON_ARRAY))
                .hasMessage("the batch is empty: send at least one event");
        assertThatThrownBy(() -> parse("{\"type\": \"page_view\", \"session_id\": \"s\", \"page_url\": \"/\"}\n{oops",
                EventParser.Format.NDJSON))
                .isInstanceOfSatisfying(EventBatchRefused.class, e -> assertThat(e.errors().get(0).index()).isEqualTo(1))
                .hasMessageStartingWith("event 1: line 2 is not valid JSON");
        String tooMany = "{\"type\": \"page_view\", \"session_id\": \"s\", \"page_url\": \"/\"}\n".repeat(EventParser.MAX_EVENTS + 1);
        assertThatThrownBy(() -> parse(tooMany, EventParser.Format.NDJSON))
                .isInstanceOfSatisfying(EventBatchRefused.class, e -> assertThat(e.tooLarge()).isTrue())
                .hasMessage("the batch has 10001 events; at most 10000 per request");
    }

    @Test
    void a_batch_with_thousands_of_bad_events_tells_their_true_count_and_lists_the_first_hundred() {
        String bad = "{\"type\": \"page_view\", \"session_id\": \"s\"}\n".repeat(EventParser.MAX_EVENTS);
        assertThatThrownBy(() -> parse(bad, EventParser.Format.NDJSON))
                .isInstanceOfSatisfying(EventBatchRefused.class, e -> {
                    assertThat(e.errors()).hasSize(EventParser.MAX_ERRORS);
                    assertThat(e.total()).isEqualTo(EventParser.MAX_EVENTS);
                })
                .hasMessageStartingWith("10000 bad events (10000 problems, the first 100 listed), nothing stored; first,"
                        + " event 0: page_url is required");
        String twoProblems = "[{\"type\": \"page_view\"}]";
        assertThatThrownBy(() -> parse(twoProblems, EventParser.Format.JSON_ARRAY))
                .hasMessageStartingWith("1 bad event (2 problems), nothing stored; first, event 0: session_id is required");
    }

    @Test
    void invalid_utf8_in_ndjson_is_refused_naming_its_line_and_nothing_is_stored() {
        byte[] good = "{\"type\": \"page_view\", \"session_id\": \"s\", \"page_url\": \"/\"}\n"
                .getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"type\": \"page_view\", \"session_id\": \"s\u00ff\", \"page_url\": \"/\"}\n"
                .getBytes(StandardCharsets.ISO_8859_1); // 0xFF: never valid in UTF-8
        byte[] body = new byte[good.length * 2 + bad.length];
        System.arraycopy(good, 0, body, 0, good.length);
        System.arraycopy(good, 0, body, good.length, good.length);
        System.arraycopy(bad, 0, body, good.length * 2, bad.length);
        assertThatThrownBy(() -> parser.parse(body, EventParser.Format.NDJSON))
                .isInstanceOfSatisfying(EventBatchRefused.class, e -> assertThat(e.errors())
                        .containsExactly(new EventError(2, null, "line 3 is not valid UTF-8 text; send UTF-8")));
        // the same bytes in a JSON array: refused too, as before
        byte[] array = ("[" + new String(bad, StandardCharsets.ISO_8859_1).strip() + "]").getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> parser.parse(array, EventParser.Format.JSON_ARRAY))
                .isInstanceOf(EventBatchRefused.class)
                .hasMessageContaining("Invalid UTF-8");
        assertThat(rows("select count(*) from page_views")).containsExactly("0");
    }

    @Test
    void an_unpaired_surrogate_is_refused_in_both_formats_naming_the_event_and_field() {
        String event = "{\"type\": \"page_view\", \"session_id\": \"s\\ud800\", \"page_url\": \"/\\udc00x\"}";
        EventError[] expected = {
            new EventError(0, "session_id", "session_id is not valid Unicode text: an unpaired surrogate (\\ud800) at character 1"),
            new EventError(0, "page_url", "page_url is not valid Unicode text: an unpaired surrogate (\\udc00) at character 1")};
        assertThatThrownBy(() -> parse(event, EventParser.Format.NDJSON))
                .isInstanceOfSatisfying(EventBatchRefused.class, e -> assertThat(e.errors()).containsExactly(expected));
        assertThatThrownBy(() -> parse("[" + event + "]", EventParser.Format.JSON_ARRAY))
                .isInstanceOfSatisfying(EventBatchRefused.class, e -> assertThat(e.errors()).containsExactly(expected));
        // a pair is one character, and fine
        assertThat(store("{\"type\": \"page_view\", \"session_id\": \"\\ud83d\\ude00\", \"page_url\": \"/\"}",
                EventParser.Format.NDJSON).total()).isEqualTo(1);
        assertThat(rows("select session_id from page_views")).containsExactly("\ud83d\ude00");
    }

    @Test
    void event_times_outside_2000_to_2100_are_refused_naming_the_field() {
        assertThatThrownBy(() -> store("""
                {"type": "page_view", "session_id": "s", "page_url": "/", "viewed_at": "0000-01-01T00:00:00Z"}
                {"type": "cart_event", "session_id": "s", "product_id": 3, "action": "add", "quantity": 1, "event_at": "1999-12-31T23:59:59Z"}
                {"type": "page_view", "session_id": "s", "page_url": "/", "viewed_at": "+300000-01-01T00:00:00Z"}
                {"type": "page_view", "session_id": "s", "page_url": "/", "viewed_at": "2000-01-01T00:00:00Z"}
                """, EventParser.Format.NDJSON))
                .isInstanceOfSatisfying(EventBatchRefused.class, e -> assertThat(e.errors()).containsExactly(
                        new EventError(0, "viewed_at", "viewed_at \"0000-01-01T00:00:00Z\" is out of range: accepted"
                                + " from 2000-01-01 to 2100-01-01 (UTC)"),
                        new EventError(1, "event_at", "event_at \"1999-12-31T23:59:59Z\" is out of range: accepted"
                                + " from 2000-01-01 to 2100-01-01 (UTC)"),
                        new EventError(2, "viewed_at", "viewed_at \"+300000-01-01T00:00:00Z\" is out of range: accepted"
                                + " from 2000-01-01 to 2100-01-01 (UTC)")));
        assertThat(rows("select count(*) from page_views")).containsExactly("0");
    }

    private static List<String> rows(String query) {
        List<String> rows = new ArrayList<>();
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            int columns = r.getMetaData().getColumnCount();
            while (r.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(String.valueOf(r.getString(i)));
                }
                rows.add(String.join("|", values));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static void sql(String statement) {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
