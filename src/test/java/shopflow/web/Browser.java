package shopflow.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import shopflow.TempDirectories;

/**
 * Headless Debian Chromium driven by Selenium: Selenium Manager cannot download drivers here, so
 * the binaries are named. Used by the browser test and by {@link DashboardScreenshot}.
 */
final class Browser implements AutoCloseable {

    final ChromeDriver driver;
    private final Path profile;

    Browser(int width, int height) {
        try {
            profile = Files.createTempDirectory("shopflow-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
    }

    /** Opens the dashboard and signs in with {@code token}, waiting until every panel has loaded once. */
    void signIn(String baseUrl, String token) {
        openSignedOut(baseUrl);
        driver.findElement(By.id("token")).sendKeys(token);
        driver.findElement(By.id("signin-button")).click();
        waitForLoads(1);
    }

    /** Opens the dashboard with no token in this tab: the sign-in page. */
    void openSignedOut(String baseUrl) {
        // Cleared on a page without the app's script, which could sign in again with the old token meanwhile.
        driver.get(baseUrl + "/style.css");
        script("sessionStorage.clear()");
        driver.get(baseUrl + "/");
        wait(Duration.ofSeconds(20)).until(d -> d.findElement(By.id("token")).isDisplayed());
    }

    /** Sets the as-of picker to {@code moment} (2026-06-30T12:00) as a user would, and waits for the panels to reload. */
    void setAsOf(String moment) {
        int before = loads();
        script("const input = document.getElementById('as-of'); input.value = arguments[0];"
                + " input.dispatchEvent(new Event('change'));", moment);
        waitForLoads(before + 1);
    }

    /** The text of the KPI figure named {@code kpi} (data-kpi: today, year_to_date, orders...). */
    String kpi(String kpi) {
        return driver.findElement(By.cssSelector("[data-kpi='" + kpi + "']")).getText();
    }

    /** An amount as the dashboard shows it: pounds, UK style (£1,234.50). */
    static String pounds(JsonNode amount) {
        return NumberFormat.getCurrencyInstance(Locale.UK).format(new BigDecimal(amount.asText()));
    }

    /** The rows the drill panel shows once it has loaded {@code drill}, each as its cells' text. */
    List<String> drillRows(String drill) {
        wait(Duration.ofSeconds(20)).until(d -> {
            WebElement panel = d.findElement(By.id("drill"));
            if ("error".equals(panel.getAttribute("data-state"))) {
                throw new AssertionError(d.findElement(By.id("drill-message")).getText());
            }
            return panel.isDisplayed() && drill.equals(panel.getAttribute("data-drill"))
                    && "ready".equals(panel.getAttribute("data-state"));
        });
        return driver.findElements(By.cssSelector("#drill-table tbody tr")).stream().map(WebElement::getText).toList();
    }

    /** Closes the drill panel if it is open. */
    void closeDrill() {
        WebElement close = driver.findElement(By.id("drill-close"));
        if (close.isDisplayed()) {
            close.click();
        }
    }

    /** Waits until the dashboard has finished loading its panels at least {@code count} times. */
    void waitForLoads(int count) {
        wait(Duration.ofSeconds(30)).until(d -> loads() >= count);
    }

    int loads() {
        Object loads = ((JavascriptExecutor) driver).executeScript("return document.body.dataset.loads || '0'");
        return Integer.parseInt(String.valueOf(loads));
    }

    WebDriverWait wait(Duration timeout) {
        return new WebDriverWait(driver, timeout);
    }

    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    WebDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.quit();
        TempDirectories.delete(profile);
    }
}
