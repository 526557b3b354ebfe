package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The filter bar in headless Chromium: a filter set changes the panels that take it to the API's
 * filtered numbers, the others say they are not filtered, and the URL holds the filter, so a reload
 * shows the same view.
 */
class DashboardFilterBrowserTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static Browser browser;

    /** web/fixture.sql's orders 4 and 5 are customers 1's and 2's first (new), 1 and 2 their second (returning). */
    @BeforeAll
    static void openBrowser() {
        app.sql("select fold_rollups()");
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

    @Test
    void a_filter_changes_the_panels_that_take_it_and_a_reload_of_its_url_shows_the_same_view() throws Exception {
        browser.signIn(app.url(""), app.analyst);
        String unfiltered = browser.kpi("year_to_date");
        assertThat(unfiltered).isEqualTo(Browser.pounds(yearToDate("").get("net_sales")));

        int loads = browser.loads();
        browser.script("const select = document.querySelector('#filters [name=customer]'); select.value = 'new';"
                + " select.dispatchEvent(new Event('change', { bubbles: true }));");
        browser.waitForLoads(loads + 1);
        String newCustomers = Browser.pounds(yearToDate("?customer=new").get("net_sales"));
        assertThat(newCustomers).isNotEqualTo(unfiltered);
        assertThat(browser.kpi("year_to_date")).isEqualTo(newCustomers);
        assertThat(panelAttribute("revenue_summary", "data-filters")).isEqualTo("customer");
        assertThat(panelAttribute("daily_revenue", "data-filters")).isEqualTo("customer");
        // a panel whose report takes no such filter says so
        assertThat(panelAttribute("rfm_segments", "data-filters")).isEmpty();
        assertThat(browser.driver.findElement(By.cssSelector("[data-report='rfm_segments'] > .filter-note")).getText())
                .isEqualTo("Not filtered by customer: this panel does not take it.");
        String url = browser.driver.getCurrentUrl();
        assertThat(url).contains("customer=new");

        // the link itself, opened again: the same filter, the same numbers
        browser.driver.navigate().to(url);
        browser.waitForLoads(1);
        assertThat(browser.script("return document.querySelector('#filters [name=customer]').value")).isEqualTo("new");
        assertThat(browser.kpi("year_to_date")).isEqualTo(newCustomers);

        // cleared: every panel unfiltered again, and the URL with it
        loads = browser.loads();
        browser.driver.findElement(By.id("filters-clear")).click();
        browser.waitForLoads(loads + 1);
        assertThat(browser.kpi("year_to_date")).isEqualTo(unfiltered);
        assertThat(browser.driver.getCurrentUrl()).doesNotContain("customer=");
    }
}
