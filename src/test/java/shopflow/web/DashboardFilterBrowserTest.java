package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The filter bar in headless Chromium: a filter set changes the panels that take it to the API's
 * filtered numbers, the others say they are not filtered, and the URL holds the filter, so a reload
 * shows the same view.
 */
class DashboardFilterBrowserTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static Browser browser;

    /**
     * web/fixture.sql's orders 4 and 5 are customers 1's and 2's first (new), 1 and 2 their second
     * (returning). Three sessions of the last 30 days for the funnel: two from Google on a phone (one
     * views a product), one on a desktop.
     */
    @BeforeAll
    static void openBrowser() {
        app.sql("""
                insert into page_views (session_id, page_url, product_id, viewed_at, referrer, device_type) values
                    ('b-1', '/', null, now() - interval '2 hours', 'https://www.google.com/', 'mobile'),
                    ('b-1', '/products/mug', 201, now() - interval '2 hours' + interval '1 minute', null, 'mobile'),
                    ('b-2', '/', null, now() - interval '3 days', 'https://www.google.com/', 'mobile'),
                    ('b-3', '/', null, now() - interval '4 days', null, 'desktop');
                select fold_rollups();
                """);
        browser = new Browser(1400, 1000);
    }

    @AfterAll
    static void closeBrowser() {
        browser.close();
    }

    private static JsonNode yearToDate(String query) {
        return app.getJson("/api/reports/revenue_summary" + query, app.analyst).at("/rows/3");
    }

    private static String panelAttribute(String report, String attribute) {
        return browser.driver.findElement(By.cssSelector("[data-report='" + report + "']")).getAttribute(attribute);
    }

    private static void choose(String filter, String value) {
        int loads = browser.loads();
        browser.script("const select = document.querySelector('#filters [name=" + filter + "]'); select.value = '"
                + value + "'; select.dispatchEvent(new Event('change', { bubbles: true }));");
        browser.waitForLoads(loads + 1);
    }

    /** The sessions of each stage the funnel panel draws (its chart's data). */
    private static String funnelChart() {
        return String.valueOf(browser.script("return echarts.getInstanceByDom(document.getElementById('chart-funnel'))"
                + ".getOption().series[0].data.map((d) => d.value).join(',')"));
    }

    private static String funnelApi(String query) {
        List<String> sessions = new ArrayList<>();
        app.getJson("/api/reports/conversion_funnel?days=30" + query, app.analyst).get("rows")
                .forEach(row -> sessions.add(row.get("sessions").asText()));
        return String.join(",", sessions);
    }

    @Test
    void the_funnel_panel_takes_the_session_filters_and_says_which_it_cannot() throws Exception {
        browser.signIn(app.url(""), app.analyst);
        assertThat(funnelChart()).isEqualTo(funnelApi("")).isEqualTo("3,1,0,0,0");

        choose("device", "mobile");
        assertThat(panelAttribute("conversion_funnel", "data-filters")).isEqualTo("device");
        assertThat(funnelChart()).isEqualTo(funnelApi("&device=mobile")).isEqualTo("2,1,0,0,0");

        // an order filter the funnel's sessions do not have, and a channel value they never have: said so
        choose("customer", "new");
        choose("channel", "unknown");
        assertThat(panelAttribute("conversion_funnel", "data-filters")).isEqualTo("device");
        assertThat(browser.driver.findElement(By.cssSelector("[data-report='conversion_funnel'] > .filter-note"))
                .getText()).isEqualTo("Not filtered by channel unknown, customer: this panel does not take them.");
        assertThat(funnelChart()).isEqualTo("2,1,0,0,0");

        choose("channel", "direct");
        assertThat(panelAttribute("conversion_funnel", "data-filters")).isEqualTo("channel device");
        assertThat(funnelChart()).isEqualTo(funnelApi("&device=mobile&channel=direct")).isEqualTo("0,0,0,0,0");

        int loads = browser.loads();
        browser.driver.findElement(By.id("filters-clear")).click();
        browser.waitForLoads(loads + 1);
        assertThat(funnelChart()).isEqualTo("3,1,0,0,0");
    }

    private static WebElement tile(String measure) {
        return browser.driver.findElement(By.cssSelector(".tile[data-measure='" + measure + "']"));
    }

    /** kpi_tiles' value of {@code measure} for the month to date as of 30 June 12:00, as its tile shows it. */
    private static String measureApi(String measure, String query) {
        for (JsonNode row : app.getJson("/api/reports/kpi_tiles?period=month_to_date&as_of=2026-06-30T12:00" + query,
                app.analyst).get("rows")) {
            if (row.get("measure").asText().equals(measure)) {
                return row.get("value").asText();
            }
        }
        throw new AssertionError("no measure " + measure);
    }

    /**
     * As of 30 June 12:00 the month's orders are 1 and 2 (customers 1's and 2's second) and 3 (customer
     * 3's first): a new customers' filter leaves order 3 on the orders tile, and the conversion rate,
     * whose sessions have no customer kind, says why it has no figure.
     */
    @Test
    void the_measure_tiles_take_the_order_filters_and_the_conversion_rate_says_which_it_cannot() throws Exception {
        browser.signIn(app.url(""), app.analyst);
        browser.setAsOf("2026-06-30T12:00");
        assertThat(browser.kpi("orders")).isEqualTo(measureApi("orders", "")).isEqualTo("3");

        choose("customer", "new");
        assertThat(panelAttribute("kpi_tiles", "data-filters")).isEqualTo("customer");
        assertThat(browser.kpi("orders")).isEqualTo(measureApi("orders", "&customer=new")).isEqualTo("1");
        assertThat(browser.kpi("new_customer_share")).isEqualTo("100.0 %");
        // the share's list is the orders it counts under the filter: order 3 alone, the tile's 1 of 1
        // (and its cancellation in the month, a return row)
        tile("new_customer_share").click();
        assertThat(browser.drillRows("period_orders")).hasSize(2).allSatisfy(row -> assertThat(row).contains("ORD-2026-000003"));
        assertThat(browser.driver.findElement(By.id("drill-title")).getText()).endsWith("· customer new");
        assertThat(browser.driver.findElement(By.id("drill-total")).getText()).startsWith("Total: orders 1 ·");
        browser.closeDrill();
        // the other kind's share counts nothing under this filter, and its list says why
        tile("repeat_customer_share").click();
        browser.wait(Duration.ofSeconds(10)).until(d -> "empty".equals(d.findElement(By.id("drill")).getAttribute("data-state")));
        assertThat(browser.driver.findElements(By.cssSelector("#drill-table tbody tr"))).isEmpty();
        assertThat(browser.driver.findElement(By.id("drill-message")).getText())
                .isEqualTo("None: the filter bar keeps only new customers' orders.");
        browser.closeDrill();
        // the panel takes every filter set; the conversion rate's tile says why it has no figure
        assertThat(browser.driver.findElement(By.cssSelector("[data-report='kpi_tiles'] > .filter-note")).isDisplayed())
                .isFalse();
        assertThat(browser.kpi("conversion_rate")).isEqualTo("—");
        assertThat(browser.driver.findElement(By.cssSelector("[data-kpi-change='conversion_rate']")).getText())
                .isEqualTo("No conversion rate by customer: a session has only a channel and a device.");

        int loads = browser.loads();
        browser.driver.findElement(By.id("filters-clear")).click();
        browser.waitForLoads(loads + 1);
        assertThat(browser.kpi("orders")).isEqualTo("3");
    }

    @Test
    void a_filter_changes_the_panels_that_take_it_and_a_reload_of_its_url_shows_the_same_view() throws Exception {
        browser.signIn(app.url(""), app.analyst);
        String unfiltered = browser.kpi("year_to_date");
        assertThat(unfiltered).isEqualTo(Browser.pounds(yearToDate("").get("net_sales")));

        choose("customer", "new");
        String newCustomers = Browser.pounds(yearToDate("?customer=new").get("net_sales"));
        assertThat(newCustomers).isNotEqualTo(unfiltered);
        assertThat(browser.kpi("year_to_date")).isEqualTo(newCustomers);
        assertThat(panelAttribute("revenue_summary", "data-filters")).isEqualTo("customer");
        assertThat(panelAttribute("daily_revenue", "data-filters")).isEqualTo("customer");
        // a panel whose report takes no such filter says so
        assertThat(panelAttribute("rfm_segments", "data-filters")).isEmpty();
        assertThat(browser.driver.findElement(By.cssSelector("[data-report='rfm_segments'] > .filter-note")).getText())
                .isEqualTo("Not filtered by customer: this panel does not take it.");
        // the market basket takes the order filters (and the category): filtered, no note
        assertThat(panelAttribute("market_basket", "data-filters")).isEqualTo("customer");
        assertThat(browser.driver.findElement(By.cssSelector("[data-report='market_basket'] > .filter-note")).getText())
                .isEmpty();
        String url = browser.driver.getCurrentUrl();
        assertThat(url).contains("customer=new");

        // the link itself, opened again: the same filter, the same numbers
        browser.driver.navigate().to(url);
        browser.waitForLoads(1);
        assertThat(browser.script("return document.querySelector('#filters [name=customer]').value")).isEqualTo("new");
        assertThat(browser.kpi("year_to_date")).isEqualTo(newCustomers);

        // cleared: every panel unfiltered again, and the URL with it
        int loads = browser.loads();
        browser.driver.findElement(By.id("filters-clear")).click();
        browser.waitForLoads(loads + 1);
        assertThat(browser.kpi("year_to_date")).isEqualTo(unfiltered);
        assertThat(browser.driver.getCurrentUrl()).doesNotContain("customer=");
    }
}
