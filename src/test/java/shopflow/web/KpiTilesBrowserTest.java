package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The measure tiles in headless Chromium, as of 30 June 2026 12:00 on web/fixture.sql with two
 * sessions added: each shows kpi_tiles' value and its change against the same days of May, a
 * sparkline of kpi_days' last 14 days, and opens the orders behind it. By hand:
 *
 * <pre>
 * June to noon: orders 3 (customer 3's first; cancelled the same day, 20.00), 2 (customer 2's second,
 *   50.50) and 1 (customer 1's second, 100.00): net 150.50, sales 170.50; sessions k1 (29 June, a
 *   page view) and k2 (30 June, all the way to order 1).
 * 1-30 May noon: order 4, customer 1's first, 200.00; no session.
 * </pre>
 */
class KpiTilesBrowserTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static final String AS_OF = "2026-06-30T12:00";
    private static Browser browser;

    @BeforeAll
    static void openBrowser() {
        app.sql("""
                insert into page_views (session_id, page_url, product_id, viewed_at) values
                    ('k1', '/', null, '2026-06-29 10:00 Europe/London'),
                    ('k2', '/p/MUG', 201, '2026-06-30 08:00 Europe/London');
                insert into cart_events (session_id, product_id, action, quantity, event_at) values
                    ('k2', 201, 'add', 1, '2026-06-30 08:02 Europe/London'),
                    ('k2', 201, 'begin_checkout', null, '2026-06-30 08:03 Europe/London');
                update orders set session_id = 'k2' where order_id = 1;
                """);
        browser = new Browser(1280, 900);
        browser.signIn(app.url(""), app.analyst);
        browser.setAsOf(AS_OF);
    }

    /** Each test clicks with the drill panel closed, as a user who closed the last list. */
    @AfterEach
    void closeTheList() {
        browser.closeDrill();
    }

    @AfterAll
    static void closeBrowser() {
        browser.close();
    }

    private static WebElement tile(String measure) {
        return browser.driver.findElement(By.cssSelector(".tile[data-measure='" + measure + "']"));
    }

    @Test
    void each_measure_tile_shows_its_value_and_its_change_against_the_same_days_last_month() {
        Map<String, List<String>> expected = Map.of(
                "orders", List.of("3", "▲ +200.0 % vs same days last month", "tile-growth up"),
                // 150.50 / 3 against 200.00 / 1
                "average_order_value", List.of("£50.17", "▼ -74.9 % vs same days last month", "tile-growth down"),
                // k2 of k1 and k2; May had no session
                "conversion_rate", List.of("50.00 %", "nothing same days last month to compare with", "tile-growth"),
                // 20.00 of 170.50 against 0 of 200.00: more returns read as worse
                "returns_rate", List.of("11.7 %", "▲ +11.73 pt vs same days last month", "tile-growth down"),
                // order 3 of 3 orders against order 4 of 1
                "new_customer_share", List.of("33.3 %", "▼ -66.67 pt vs same days last month", "tile-growth down"),
                "repeat_customer_share", List.of("66.7 %", "▲ +66.67 pt vs same days last month", "tile-growth up"));
        expected.forEach((measure, shown) -> {
            WebElement tile = tile(measure);
            assertThat(tile.findElement(By.cssSelector("[data-kpi]")).getText()).as(measure).isEqualTo(shown.get(0));
            WebElement change = tile.findElement(By.cssSelector("[data-kpi-change]"));
            assertThat(change.getText()).as(measure).isEqualTo(shown.get(1));
            assertThat(change.getAttribute("class")).as(measure).isEqualTo(shown.get(2));
        });
        // the comparison's own figure on hover, and a rate's counts
        assertThat(tile("new_customer_share").findElement(By.cssSelector("[data-kpi-change]")).getAttribute("title"))
                .isEqualTo("same days last month: 100.0 % (1 of 1)");
        assertThat(tile("average_order_value").findElement(By.cssSelector("[data-kpi-change]")).getAttribute("title"))
                .isEqualTo("same days last month: £200.00");
    }

    @Test
    void each_measure_tile_draws_kpi_days_last_fourteen_days() throws Exception {
        JsonNode days = app.getJson("/api/reports/kpi_days?days=14&as_of=" + AS_OF, app.analyst).get("rows");
        for (String measure : List.of("orders", "average_order_value", "conversion_rate", "returns_rate",
                "new_customer_share", "repeat_customer_share")) {
            WebElement spark = tile(measure).findElement(By.cssSelector("svg.spark"));
            String[] values = spark.getAttribute("data-values").split(",", -1);
            assertThat(values).as(measure).hasSize(14);
            List<String> fromApi = new ArrayList<>();
            days.forEach(day -> fromApi.add(day.get(measure).isNull() ? "" : day.get(measure).decimalValue()
                    .stripTrailingZeros().toPlainString()));
            List<String> shown = new ArrayList<>();
            for (String value : values) {
                shown.add(value.isEmpty() ? "" : new java.math.BigDecimal(value).stripTrailingZeros().toPlainString());
            }
            assertThat(shown).as(measure).isEqualTo(fromApi);
            // 17 to 30 June, all this month's
            assertThat(spark.getAttribute("data-days")).startsWith("2026-06-17,").endsWith(",2026-06-30");
        }
        // orders: 2 June's cancelled order 3 is before the 14 days; the 25th's order 2, the 30th's order 1
        assertThat(tile("orders").findElement(By.cssSelector("svg.spark")).getAttribute("data-values"))
                .isEqualTo("0,0,0,0,0,0,0,0,1,0,0,0,0,1");
        // conversion: k1 on the 29th without an order, k2 on the 30th with one; no session before
        assertThat(tile("conversion_rate").findElement(By.cssSelector("svg.spark")).getAttribute("data-values"))
                .isEqualTo(",,,,,,,,,,,,0,100");
    }

    @Test
    void the_customer_share_tiles_open_the_orders_they_count() {
        tile("new_customer_share").click();
        assertThat(browser.drillRows("period_customer_orders")).singleElement().asString().contains("ORD-2026-000003");
        assertThat(browser.driver.findElement(By.id("drill-title")).getText())
                .isEqualTo("Orders by first-time customers · month to date");
        assertThat(browser.driver.findElement(By.id("drill-total")).getText()).isEqualTo("Total: orders 1 · of orders 3");
        browser.closeDrill();

        tile("repeat_customer_share").click();
        assertThat(browser.drillRows("period_customer_orders")).hasSize(2);
        assertThat(browser.driver.findElement(By.id("drill-total")).getText()).isEqualTo("Total: orders 2 · of orders 3");
    }

    @Test
    void the_order_tiles_open_the_months_orders_and_returns_and_the_conversion_tile_opens_nothing() {
        tile("orders").click();
        // orders 1, 2 and 3 placed, and order 3's cancellation
        assertThat(browser.drillRows("period_orders")).hasSize(4);
        assertThat(browser.driver.findElement(By.id("drill-total")).getText()).contains("orders 3");
        browser.closeDrill();
        tile("conversion_rate").click();
        assertThat(browser.driver.findElement(By.id("drill")).isDisplayed()).isFalse();
    }

    @Test
    void the_dashboard_fits_a_1280_pixel_screen_and_a_phone_without_sideways_scrolling() {
        assertFits(browser, "1280 px");
        try (Browser phone = new Browser(390, 844)) {
            phone.signIn(app.url(""), app.analyst);
            phone.setAsOf(AS_OF);
            assertFits(phone, "phone");
            // the funnel's labels on two lines there, name over figures
            Object label = phone.script("return echarts.getInstanceByDom(document.getElementById('chart-funnel'))"
                    + ".getOption().series[0].label.formatter({name: 'order', value: 1, dataIndex: 4});");
            assertThat((String) label).startsWith("order\n1");
        }
    }

    /** No sideways scrolling of the page, and no tile's or panel heading's text wider than its box. */
    private static void assertFits(Browser in, String screen) {
        assertThat((Boolean) in.script("return document.documentElement.scrollWidth <= window.innerWidth;"))
                .as(screen + ": the page is no wider than the window").isTrue();
        @SuppressWarnings("unchecked")
        List<String> overflowing = (List<String>) in.script("return [...document.querySelectorAll('.tile, .panel h2')]"
                + ".filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent.trim().slice(0, 40));");
        assertThat(overflowing).as(screen + ": boxes whose text runs over").isEmpty();
    }

}
