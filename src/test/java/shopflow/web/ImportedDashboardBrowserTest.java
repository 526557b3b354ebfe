package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The dashboard on an imported history in a real browser: web/fixture.sql's orders (June and July
 * 2026, months before now), made an import's by a row in imports.runs; the fixture has no page
 * views, carts or stock, as an imported file has none.
 */
class ImportedDashboardBrowserTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static Browser browser;

    @BeforeAll
    static void openBrowser() {
        app.sql("insert into imports.runs (file_name, format, lines) values ('orders.csv', 'lines', 6)");
        browser = new Browser(1400, 1000);
    }

    @AfterAll
    static void closeBrowser() {
        browser.close();
    }

    @Test
    void an_imported_history_opens_as_of_its_newest_order_says_so_and_names_the_panels_without_data()
            throws Exception {
        JsonNode shop = app.getJson("/api/shop", app.analyst);
        String opensAsOf = shop.get("opens_as_of").asText();
        assertThat(opensAsOf).matches("2026-0[67]-\\d\\dT\\d\\d:\\d\\d");

        browser.signIn(app.url(""), app.analyst);
        assertThat(browser.script("return document.getElementById('as-of').value")).isEqualTo(opensAsOf);
        var note = browser.driver.findElement(By.id("as-of-note"));
        assertThat(note.isDisplayed()).isTrue();
        assertThat(note.getText()).contains("Imported history", opensAsOf.replace('T', ' '), "Now for the present");
        assertThat(browser.driver.findElement(By.id("updated")).getText())
                .contains("as of " + opensAsOf.replace('T', ' '));
        // the year to date as of the newest order: the API's own answer for that moment, not an empty now
        JsonNode rows = app.getJson("/api/reports/revenue_summary?as_of=" + opensAsOf, app.analyst).at("/rows");
        assertThat(rows.get(3).get("orders").asInt()).isPositive();
        assertThat(browser.kpi("year_to_date")).isEqualTo(Browser.pounds(rows.get(3).get("net_sales")));
        for (String panel : new String[] {"conversion_funnel", "low_stock"}) {
            var section = browser.driver.findElement(By.cssSelector("[data-report='" + panel + "']"));
            assertThat(section.getAttribute("data-state")).as(panel).isEqualTo("nodata");
            assertThat(section.getText()).as(panel).contains("The imported order history holds no");
        }

        // Now: the present, and the note goes
        int loads = browser.loads();
        browser.driver.findElement(By.id("as-of-now")).click();
        browser.waitForLoads(loads + 1);
        assertThat(browser.script("return document.getElementById('as-of').value")).isEqualTo("");
        assertThat(note.isDisplayed()).isFalse();
        assertThat(browser.driver.findElement(By.id("updated")).getText()).contains("as of now");
    }
}
