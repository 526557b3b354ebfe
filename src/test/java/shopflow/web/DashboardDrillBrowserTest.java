package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * Click-to-drill in headless Chromium: a KPI tile, a day of the daily chart, a segment, a category
 * (then one of its products), a product, a low-stock row and a fraud row each open the rows behind
 * them, the same rows as the API's drill.
 */
class DashboardDrillBrowserTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static final String AS_OF = "2026-06-30T12:00";
    private static Browser browser;

    @BeforeAll
    static void openBrowser() {
        // mugs in Kitchen, a burst of customer 3 that fraud_review flags, and mugs running low in London
        app.sql("""
                insert into categories (category_id, name, parent_id) values (1, 'Kitchen', null);
                update products set category_id = 1 where product_id = 201;
                insert into orders (order_id, customer_id, order_number, status, subtotal, total_amount, created_at)
                select 300 + n, 3, 'ORD-BURST-' || n, 'delivered', 12.00 * n, 12.00 * n,
                       '2026-06-28 10:00 Europe/London'::timestamptz + make_interval(mins => 10 * n)
                from generate_series(1, 4) as n;
                insert into order_items (order_id, product_id, quantity, unit_price, line_total)
                select 300 + n, 201, 1, 12.00 * n, 12.00 * n from generate_series(1, 4) as n;
                insert into order_status_changes (order_id, from_status, to_status, changed_at)
                select order_id, null, 'delivered', created_at from orders where order_id between 301 and 304;
                insert into inventory (product_id, warehouse, quantity, reorder_level) values (201, 'London', 2, 10);
                insert into stock_movements (product_id, warehouse, quantity, reason, moved_at) values
                    (201, 'London', 12, 'restock', '2026-06-05 09:00 Europe/London'),
                    (201, 'London', -6, 'ship', '2026-06-12 09:00 Europe/London'),
                    (201, 'London', -4, 'ship', '2026-06-26 09:00 Europe/London');
                """);
        browser = new Browser(1400, 1000);
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

    private static String total() {
        return browser.driver.findElement(By.id("drill-total")).getText();
    }

    /** Clicks a chart where the bar of {@code point} ([x, y] in the chart's values) is, as a user would. */
    private static void clickChart(String id, Object x, Object y) {
        WebElement chart = browser.driver.findElement(By.id(id));
        // in the middle of the window: at its top edge the sticky top bar would take the click
        browser.script("arguments[0].scrollIntoView({block: 'center'});", chart);
        List<?> pixel = (List<?>) browser.script("return echarts.getInstanceByDom(document.getElementById(arguments[0]))"
                + ".convertToPixel({seriesIndex: 0}, [arguments[1], arguments[2]]);", id, x, y);
        int dx = (int) Math.round(((Number) pixel.get(0)).doubleValue() - chart.getSize().getWidth() / 2.0);
        int dy = (int) Math.round(((Number) pixel.get(1)).doubleValue() - chart.getSize().getHeight() / 2.0);
        new Actions(browser.driver).moveToElement(chart, dx, dy).click().perform();
    }

    private static void clickFirstRow(String tableId) {
        WebElement row = browser.driver.findElement(By.cssSelector("#" + tableId + " tbody tr"));
        browser.script("arguments[0].scrollIntoView({block: 'center'});", row);
        row.click();
    }

    @Test
    void a_kpi_tile_opens_its_orders_and_returns_with_the_tiles_net_sales() throws Exception {
        browser.driver.findElement(By.cssSelector(".tile.headline")).click();
        List<String> rows = browser.drillRows("period_orders");
        JsonNode drill = app.getJson("/api/drill/period_orders?period=month_to_date&as_of=" + AS_OF, app.analyst);
        // June to noon: orders 1, 2, 3 and the burst of four placed, order 3's cancellation
        assertThat(rows).hasSize(8).hasSize(drill.at("/total/orders").asInt() + drill.at("/total/returns_made").asInt());
        assertThat(rows.get(0)).startsWith("order").contains("ORD-2026-000001");
        String tile = browser.driver.findElement(By.cssSelector("[data-kpi='month_to_date']")).getText();
        assertThat(total()).contains("net sales " + tile).contains("orders 7");
        assertThat(browser.driver.findElement(By.id("drill-csv")).isDisplayed()).isTrue();
        assertThat(browser.driver.findElement(By.id("drill-next")).isEnabled()).isFalse();
        browser.screenshot(Path.of("target", "dashboard-drill.png"));
    }

    @Test
    void a_day_of_the_daily_chart_opens_that_days_orders() {
        // 25 June, the sixth day before the last of 30: order 2 alone
        clickChart("chart-daily", 24, 25);
        List<String> rows = browser.drillRows("day_orders");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).contains("ORD-2026-000002", "£50.50");
        assertThat(total()).contains("orders 1");
    }

    @Test
    void a_segment_opens_its_customers() throws Exception {
        String segment = (String) browser.script("return echarts.getInstanceByDom(document.getElementById('chart-rfm'))"
                + ".getOption().yAxis[0].data[0];");
        Number customers = (Number) browser.script("return echarts.getInstanceByDom(document.getElementById('chart-rfm'))"
                + ".getOption().series[0].data[0];");
        clickChart("chart-rfm", customers.doubleValue() / 2, 0);
        List<String> rows = browser.drillRows("segment_customers");
        JsonNode drill = app.getJson("/api/drill/segment_customers?segment=" + URLEncoder.encode(segment, StandardCharsets.UTF_8)
                + "&as_of=" + AS_OF, app.analyst);
        assertThat(rows).hasSize(customers.intValue()).hasSize(drill.get("rows").size());
        assertThat(browser.driver.findElement(By.id("drill-title")).getText()).isEqualTo("Customers · " + segment);
    }

    @Test
    void a_category_opens_its_products_and_a_product_of_them_its_orders() throws Exception {
        Number netSales = (Number) browser.script("return echarts.getInstanceByDom("
                + "document.getElementById('chart-categories')).getOption().series[0].data[0];");
        clickChart("chart-categories", 0, netSales.doubleValue() / 2);
        List<String> products = browser.drillRows("category_products");
        JsonNode category = app.getJson("/api/reports/category_sales?as_of=" + AS_OF, app.analyst);
        assertThat(products).hasSize(1);
        assertThat(products.get(0)).contains("MUG", "Kitchen");
        assertThat(total()).contains("net sales £" + category.at("/rows/0/net_sales").decimalValue().setScale(2));
        browser.driver.findElement(By.cssSelector("#drill-table tbody tr")).click();
        List<String> orders = browser.drillRows("product_orders");
        JsonNode top = app.getJson("/api/reports/top_products?limit=1&as_of=" + AS_OF, app.analyst);
        assertThat(orders).hasSize(top.at("/rows/0/orders").asInt());
    }

    @Test
    void a_product_opens_its_orders_then_what_was_bought_with_it() throws Exception {
        clickFirstRow("table-products");
        List<String> orders = browser.drillRows("product_orders");
        JsonNode top = app.getJson("/api/reports/top_products?limit=1&as_of=" + AS_OF, app.analyst);
        assertThat(orders).hasSize(top.at("/rows/0/orders").asInt());
        browser.driver.findElement(By.cssSelector("#drill-related button")).click();
        List<String> partners = browser.drillRows("product_partners");
        JsonNode drill = app.getJson("/api/drill/product_partners?product_id=" + top.at("/rows/0/product_id").asText()
                + "&as_of=" + AS_OF, app.analyst);
        assertThat(partners).hasSize(drill.at("/total/partners").asInt());
    }

    @Test
    void a_low_stock_row_opens_its_movements_and_a_fraud_row_the_customers_orders() throws Exception {
        clickFirstRow("table-stock");
        List<String> moves = browser.drillRows("stock_movements");
        // newest first: 4 and 6 shipped, 12 restocked; 2 left
        assertThat(moves).hasSize(3);
        assertThat(moves.get(0)).contains("ship -4").endsWith(" 2");
        assertThat(total()).contains("shipped in window 10", "stock 2");

        closeTheList();
        assertThat(browser.driver.findElement(By.id("drill")).isDisplayed()).isFalse();
        clickFirstRow("table-fraud");
        List<String> history = browser.drillRows("customer_orders");
        JsonNode fraud = app.getJson("/api/reports/fraud_review?as_of=" + AS_OF, app.analyst);
        JsonNode drill = app.getJson("/api/drill/customer_orders?customer_id=" + fraud.at("/rows/0/customer_id").asText()
                + "&as_of=" + AS_OF, app.analyst);
        assertThat(history).hasSize(drill.at("/total/orders").asInt()).isNotEmpty();

    }
}
