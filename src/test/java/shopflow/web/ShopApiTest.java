package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import shopflow.Main;
import shopflow.TestDatabases;
import shopflow.db.Database;

/**
 * What GET /api/shop tells the dashboard about an imported history (src/test/resources/import/
 * shopify_orders.csv, newest order 2026-11-20 18:00 UTC, London's time in November), read from a real
 * database at fixed moments. WebApiTest covers the route itself on a shop that was not imported.
 */
class ShopApiTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    private Database db;

    @BeforeEach
    void database() {
        db = TestDatabases.fresh();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    @Test
    void an_imported_history_a_day_old_opens_as_of_its_newest_order_and_names_what_it_lacks() throws Exception {
        // an empty shop: not imported, nothing to open on, nothing said missing
        Map<String, Object> empty = ShopApi.describe(db.dataSource(), LONDON, at("2026-12-05T00:00:00Z"));
        assertThat(empty.get("imported")).isEqualTo(false);
        assertThat(empty.get("newest_order_at")).isNull();
        assertThat(empty.get("opens_as_of")).isNull();
        assertThat(empty.get("missing")).isEqualTo(List.of());
        assertThat(empty.get("currency")).as("a shop without orders").isEqualTo("GBP");
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(new StringWriter()));
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute("import", "orders", "src/test/resources/import/shopify_orders.csv", "--format",
                "shopify", "--jdbc-url", db.jdbcUrl(), "--db-password", TestDatabases.password());
        assertThat(code).as(err.toString()).isZero();

        Map<String, Object> later = ShopApi.describe(db.dataSource(), LONDON, at("2026-12-05T00:00:00Z"));
        assertThat(later.get("imported")).isEqualTo(true);
        assertThat(later.get("newest_order_at")).isEqualTo("2026-11-20T18:00Z");
        assertThat(later.get("opens_as_of")).isEqualTo("2026-11-20T18:00");
        assertThat(later.get("missing")).isEqualTo(List.of("clickstream", "stock"));

        // within a day of the newest order: the dashboard opens on now, as for a live shop
        assertThat(ShopApi.describe(db.dataSource(), LONDON, at("2026-11-21T17:59:00Z")).get("opens_as_of")).isNull();
        assertThat(ShopApi.describe(db.dataSource(), LONDON, at("2026-11-21T18:01:00Z")).get("opens_as_of"))
                .isEqualTo("2026-11-20T18:00");
    }

    @Test
    void the_dashboard_shows_money_in_the_currency_of_the_shops_newest_order() throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("insert into customers (customer_id, email) values (1, 'a@example.com')");
            s.execute("insert into orders (customer_id, order_number, status, subtotal, total_amount, currency, created_at)"
                    + " values (1, 'ORD-1', 'pending', 10, 10, 'GBP', '2026-11-01 10:00Z'),"
                    + " (1, 'ORD-2', 'pending', 10, 10, 'EUR', '2026-11-02 10:00Z')");
        }
        assertThat(ShopApi.describe(db.dataSource(), LONDON, at("2026-12-05T00:00:00Z")).get("currency")).isEqualTo("EUR");
    }
}
