package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** /api/docs in headless Chromium: Swagger UI draws every operation, and "Try it out" works with a token. */
class ApiDocsBrowserTest {

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

    @Test
    void an_analyst_authorizes_with_a_token_and_tries_an_operation() {
        browser.driver.get(app.url("/api/docs"));
        var wait = browser.wait(Duration.ofSeconds(30));
        wait.until(d -> !d.findElements(By.cssSelector("#operations-tokens-me")).isEmpty());
        assertThat(browser.driver.findElements(By.cssSelector(".opblock")).size())
                .isEqualTo(app.contract.operations().size());
        browser.screenshot(Path.of("target", "api-docs.png"));

        browser.driver.findElement(By.cssSelector(".auth-wrapper .authorize")).click();
        WebElement token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".auth-container input")));
        token.sendKeys(app.analyst);
        browser.driver.findElement(By.cssSelector(".auth-btn-wrapper .authorize")).click();
        browser.driver.findElement(By.cssSelector(".auth-btn-wrapper .btn-done")).click();

        WebElement me = browser.driver.findElement(By.cssSelector("#operations-tokens-me"));
        me.findElement(By.cssSelector(".opblock-summary-control")).click();
        wait.until(ExpectedConditions.elementToBeClickable(me.findElement(By.cssSelector(".try-out__btn")))).click();
        wait.until(ExpectedConditions.elementToBeClickable(me.findElement(By.cssSelector(".execute")))).click();
        WebElement answer = wait.until(d -> me.findElements(By.cssSelector(".live-responses-table tbody .response-col_status"))
                .stream().findFirst().orElse(null));

        assertThat(answer.getText()).startsWith("200");
        assertThat(me.findElement(By.cssSelector(".live-responses-table tbody .response-col_description")).getText())
                .contains("\"role\": \"analyst\"");
    }
}
