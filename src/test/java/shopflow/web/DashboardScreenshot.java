package shopflow.web;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;

/**
 * Takes the README's screenshot of a running dashboard; skipped unless asked for:
 * {@code mvn test -Dtest=DashboardScreenshot -Dshopflow.screenshot.url=http://localhost:8080 -Dshopflow.screenshot.token=sf_...}
 * (writes docs/dashboard.png, 1400x1000; {@code -Dshopflow.screenshot.size=390x844} and
 * {@code -Dshopflow.screenshot.file=...} for another window, e.g. a phone's).
 */
@EnabledIfSystemProperty(named = "shopflow.screenshot.url", matches = "http.*")
class DashboardScreenshot {

    @Test
    void screenshot_of_a_running_dashboard() throws InterruptedException {
        String[] size = System.getProperty("shopflow.screenshot.size", "1400x1000").split("x");
        try (Browser browser = new Browser(Integer.parseInt(size[0]), Integer.parseInt(size[1]))) {
            browser.signIn(System.getProperty("shopflow.screenshot.url"), System.getProperty("shopflow.screenshot.token"));
            browser.wait(Duration.ofSeconds(30)).until(d -> !d.findElements(By.cssSelector("#chart-retention canvas")).isEmpty());
            Thread.sleep(2000); // the charts' entry animations
            browser.screenshot(Path.of(System.getProperty("shopflow.screenshot.file", "docs/dashboard.png")));
        }
    }
}
