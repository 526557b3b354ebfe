package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/** The dashboard in headless Chromium: sign in, charts drawn, KPI tiles equal to the API's numbers in GBP. */
class DashboardBrowserTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static Browser browser;

    @BeforeAll
    static void openBrowser() {
        browser = new Browser(1400, 1000);
    }

    @AfterAll
    static void closeBrowser() {
        browser.close();
    }

    /** revenue_summary's rows: today, last_7_days, month_to_date, year_to_date. */
    private static JsonNode summary(String query) {
        return app.getJson("/api/reports/revenue_summary" + query, app.analyst).at("/rows");
    }

    private static final String[] PERIODS = {"today", "last_7_days", "month_to_date", "year_to_date"};

    private static String growth(String period) {
        return browser.driver.findElement(By.cssSelector("[data-kpi-growth='" + period + "']")).getText();
    }

    @Test
    void an_analyst_signs_in_and_the_tiles_show_the_api_numbers_in_pounds() throws Exception {
        browser.signIn(app.url(""), app.analyst);
        browser.wait(Duration.ofSeconds(20)).until(d -> !d.findElements(By.cssSelector("#chart-daily canvas")).isEmpty());
        JsonNode now = summary("");
        for (int p = 0; p < PERIODS.length; p++) {
            assertThat(browser.kpi(PERIODS[p])).as(PERIODS[p]).isEqualTo(Browser.pounds(now.get(p).get("net_sales")));
        }

        // The as-of picker: the moment of the hand-computed fixture.
        browser.setAsOf("2026-06-30T12:00");
        JsonNode then = summary("?as_of=2026-06-30T12:00");
        // every tile is net sales, and says so; the headline is the month to date
        assertThat(browser.kpi("today")).isEqualTo(Browser.pounds(then.get(0).get("net_sales"))).isEqualTo("£100.00");
        assertThat(browser.kpi("last_7_days")).isEqualTo("£150.50");
        assertThat(browser.kpi("month_to_date")).isEqualTo("£150.50");
        assertThat(browser.kpi("year_to_date")).isEqualTo(Browser.pounds(then.get(3).get("net_sales"))).isEqualTo("£380.50");
        assertThat(browser.driver.findElements(By.cssSelector("[data-report='revenue_summary'] .tile-label")))
                .extracting(label -> label.getText()).containsExactly("Net sales · month to date", "Net sales · today",
                        "Net sales · last 7 days", "Net sales · year to date");
        assertThat(browser.driver.findElement(By.cssSelector(".tile.headline [data-kpi]")).getAttribute("data-kpi"))
                .isEqualTo("month_to_date");
        // like for like: June to the 30th noon against 1-30 May noon; nothing on the Tuesday a week before
        assertThat(growth("month_to_date")).isEqualTo("▼ -24.8 % vs same days last month");
        assertThat(growth("today")).isEqualTo("no net sales same day last week to compare with");
        assertThat(browser.kpi("orders")).isEqualTo("3");
        // the fixture's handful of orders is no history to forecast from: the tile says so instead of a number
        assertThat(browser.driver.findElement(By.cssSelector("[data-kpi-note='month_end']")).getText())
                .startsWith("no month-end projection: too little history to forecast: ");
        assertThat(browser.driver.findElement(By.cssSelector("[data-report='alerts']")).getAttribute("data-state"))
                .isEqualTo("empty");
        assertThat(browser.driver.findElement(By.cssSelector("[data-report='daily_revenue'] h2")).getText())
                .startsWith("Net sales by day");
        assertThat(browser.driver.findElement(By.id("updated")).getText()).contains("as of 2026-06-30 12:00");
        assertThat(browser.driver.findElement(By.cssSelector("[data-report='daily_revenue']")).getAttribute("data-state"))
                .isEqualTo("ready");
        browser.screenshot(Path.of("target", "dashboard.png"));
    }

    @Test
    void every_tile_draws_the_recent_days_of_daily_revenue_with_its_period_in_colour() throws Exception {
        browser.signIn(app.url(""), app.analyst);
        browser.setAsOf("2026-06-30T12:00");
        var daily = app.getJson("/api/reports/daily_revenue?days=14&as_of=2026-06-30T12:00", app.analyst).at("/rows");
        for (String kpi : List.of("today", "last_7_days", "month_to_date", "year_to_date", "orders")) {
            var spark = browser.driver.findElement(By.cssSelector(".tile:has([data-kpi='" + kpi + "']) svg.spark"));
            List<String> values = List.of(spark.getAttribute("data-values").split(","));
            assertThat(values).as(kpi).hasSize(14);
            for (int i = 0; i < 14; i++) {
                JsonNode day = daily.get(i);
                assertThat(new BigDecimal(values.get(i))).as(kpi + " " + day.get("day").asText())
                        .isEqualByComparingTo(kpi.equals("orders") ? day.get("orders").decimalValue()
                                : day.get("net_sales").decimalValue());
            }
            // 17 to 30 June: today is the last point alone, the last 7 days the last 7, the month and year all 14
            int inPeriod = kpi.equals("today") ? 1 : kpi.equals("last_7_days") ? 7 : 14;
            String[] period = spark.findElement(By.cssSelector(".spark-period")).getAttribute("points").split(" ");
            assertThat(period).as(kpi).hasSize(inPeriod);
        }
        // the fixture's 25 June: order 2 for 50.50, the 9th of the 14 days
        assertThat(browser.driver.findElement(By.cssSelector(".tile.headline svg.spark")).getAttribute("data-values")
                .split(",")[8]).isEqualTo("50.5");
    }

    @Test
    void a_new_order_refreshes_the_open_dashboard_by_itself() throws Exception {
        openLive();
        String before = browser.kpi("today");
        int loads = browser.loads();
        // an order and its line in one statement: net sales come from the lines
        app.sql("with placed as (insert into orders (customer_id, order_number, status, subtotal, total_amount)"
                + " values (2, 'ORD-BROWSER-1', 'processing', 12.34, 12.34) returning order_id)"
                + " insert into order_items (order_id, product_id, quantity, unit_price, line_total)"
                + " select order_id, 201, 1, 12.34, 12.34 from placed");
        browser.waitForLoads(loads + 1);
        browser.wait(Duration.ofSeconds(5)).until(d -> !browser.kpi("today").equals(before));
        assertThat(browser.kpi("today")).isEqualTo(Browser.pounds(summary("").get(0).get("net_sales")));
    }

    @Test
    void a_page_view_reloads_only_the_panels_that_read_the_clickstream() throws Exception {
        openLive();
        int loads = browser.loads();
        long funnelBefore = requests("conversion_funnel");
        long dailyBefore = requests("daily_revenue");
        app.sql("insert into page_views (session_id, page_url, device_type) values ('browser-test', '/', 'mobile')");
        browser.waitForLoads(loads + 1);
        // the change notice names page_views: the funnel and the vitals reload, the sales panels do not
        browser.wait(Duration.ofSeconds(5)).until(d -> requests("conversion_funnel") > funnelBefore);
        assertThat(requests("shop_vitals")).isGreaterThan(0);
        assertThat(requests("daily_revenue")).isEqualTo(dailyBefore);
    }

    @Test
    void a_change_notice_naming_a_moment_reloads_the_panels_as_of_it() throws Exception {
        openLive();
        String now = browser.kpi("today");
        int loads = browser.loads();
        // as a Citus cluster's rollup job tells of a run: the moment it brought the rollups up to
        // (catch_up_rollups()); 12:00 in London, the fixture's hand-computed moment
        app.sql("select pg_notify('shopflow_changes', 'rollups:caught_up:2026-06-30T11:00:00.000000Z')");
        browser.waitForLoads(loads + 1);
        assertThat(browser.kpi("today")).isEqualTo(Browser.pounds(summary("?as_of=2026-06-30T11:00:00Z").get(0)
                .get("net_sales"))).isEqualTo("£100.00").isNotEqualTo(now);
        assertThat(browser.driver.findElement(By.id("updated")).getText()).contains("as of").doesNotContain("now");
    }

    /** Signs the analyst in and waits until the dashboard listens for change notices. */
    private static void openLive() {
        browser.signIn(app.url(""), app.analyst);
        browser.wait(Duration.ofSeconds(10)).until(d -> "live".equals(
                d.findElement(By.id("live")).getAttribute("data-state")));
    }

    /** GET requests for a report in the server's log so far. */
    private static long requests(String report) {
        return app.server.recentLog().stream().filter(line -> line.contains("GET /api/reports/" + report + " ")).count();
    }

    @Test
    void a_viewer_sees_the_fraud_panel_explain_it_needs_the_analyst_role() {
        browser.signIn(app.url(""), app.viewer);
        var fraud = browser.driver.findElement(By.cssSelector("[data-report='fraud_review']"));
        String state = fraud.getAttribute("data-state");
        // Until the fraud report lands in the catalog the panel says it is missing; once there, locked.
        assertThat(state).isIn("locked", "missing");
        if (state.equals("locked")) {
            assertThat(fraud.getText()).contains("needs the analyst role", "viewer");
        }
        assertThat(browser.driver.findElement(By.id("role")).getText()).isEqualToIgnoringCase("viewer");
    }

    @Test
    void a_wrong_token_keeps_the_sign_in_page_with_the_reason() {
        browser.openSignedOut(app.url(""));
        browser.driver.findElement(By.id("token")).sendKeys("sf_not-a-real-token");
        browser.driver.findElement(By.id("signin-button")).click();
        browser.wait(Duration.ofSeconds(10)).until(d -> d.findElement(By.id("signin-error")).isDisplayed());
        assertThat(browser.driver.findElement(By.id("signin-error")).getText()).contains("unknown token");
        assertThat(browser.driver.findElement(By.id("dashboard")).isDisplayed()).isFalse();
    }
}
