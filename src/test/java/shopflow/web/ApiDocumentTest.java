package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportFormat;

/**
 * The OpenAPI document at /api/openapi.json against the code: valid for a real OpenAPI parser,
 * the same routes as the server registers, every report with its header's parameters, the roles
 * it names enforced, and request schemas that refuse what the server's validation refuses. (Every
 * answer the web tests receive is checked against it as well: TestServer.send, ApiContract.)
 */
class ApiDocumentTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static JsonNode json(String body) {
        try {
            return ReportFormat.JSON_MAPPER.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    @Test
    void the_document_is_served_without_a_token_and_is_valid_openapi_3_1() {
        HttpResponse<String> response = app.get("/api/openapi.json", null);
        assertThat(response.statusCode()).isEqualTo(200);

        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(response.body(), null, options);

        assertThat(parsed.getMessages()).as("the parser's complaints").isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.1");
        assertThat(parsed.getOpenAPI().getComponents().getSecuritySchemes().get("bearer").getScheme()).isEqualTo("bearer");
        assertThat(parsed.getOpenAPI().getPaths()).containsKeys("/api/orders", "/api/events", "/api/reports/daily_revenue");
    }

    @Test
    void every_registered_route_is_documented_and_every_documented_route_is_registered() {
        List<String> all = app.server.routes();
        // every GET route is registered for HEAD too (same handler, same checks): HEAD is documented by its GET
        List<String> heads = all.stream().filter(route -> route.startsWith("HEAD ")).toList();
        assertThat(heads).isNotEmpty().allSatisfy(head -> assertThat(all).contains("GET " + head.substring(5)));
        List<String> routes = all.stream().filter(route -> !route.startsWith("HEAD ")).toList();
        List<String> documented = app.contract.operations();
        assertThat(routes).contains("GET /api/health", "POST /api/orders", "GET /api/reports/{name}", "GET /api/docs");

        assertThat(routes).as("routes the server registers but the document (openapi/shopflow.yaml) lacks")
                .allSatisfy(route -> assertThat(documented).contains(route));
        for (String operation : documented) {
            String[] words = operation.split(" ", 2);
            assertThat(routes).as(operation + " is documented but no route of the server serves it")
                    .anySatisfy(route -> {
                        String[] registered = route.split(" ", 2);
                        assertThat(registered[0]).isEqualTo(words[0]);
                        assertThat(ApiContract.matches(registered[1], words[1].split("/", -1))).isTrue();
                    });
        }
    }

    @Test
    void every_report_has_an_operation_with_the_parameters_of_its_header() {
        JsonNode paths = app.contract.document().get("paths");
        for (Report report : ReportCatalog.load().all()) {
            JsonNode operation = paths.path("/api/reports/" + report.name()).path("get");
            assertThat(operation.path("summary").asText()).as(report.name()).isEqualTo(report.question());
            List<String> names = new ArrayList<>();
            operation.path("parameters").forEach(p -> names.add(p.path("name").asText()));
            assertThat(names).as(report.name())
                    .containsAll(report.parameters().stream().map(p -> p.name()).toList());
        }
        JsonNode days = parameter(paths, "daily_revenue", "days");
        assertThat(days.toString()).isEqualTo("{\"type\":\"integer\",\"default\":30,\"minimum\":1,\"maximum\":3660}");
        assertThat(parameter(paths, "rfm_customers", "segment").path("enum").toString()).contains("Champions", "At Risk");
        // A report the packaged catalog does not have (the test server's own) is documented all the same.
        JsonNode customerReport = paths.path("/api/reports/" + TestServer.CUSTOMER_REPORT).path("get");
        assertThat(customerReport.at("/security/0/bearer/0").asText()).isEqualTo("analyst");
        assertThat(customerReport.at("/responses/200/content/application~1json/schema/properties/rows/items/properties")
                .has("email")).isTrue();
        assertThat(paths.at("/~1api~1reports~1daily_revenue/get/security/0/bearer/0").asText()).isEqualTo("viewer");
    }

    private static JsonNode parameter(JsonNode paths, String report, String name) {
        for (JsonNode p : paths.path("/api/reports/" + report).path("get").path("parameters")) {
            if (p.path("name").asText().equals(name)) {
                return p.get("schema");
            }
        }
        throw new AssertionError(report + " has no documented parameter " + name);
    }

    @Test
    void every_operation_refuses_callers_below_the_role_it_documents() {
        Map<String, List<String>> below = Map.of("viewer", List.of(), "analyst", List.of(app.viewer),
                "admin", List.of(app.viewer, app.analyst));
        int checked = 0;
        for (String operation : app.contract.operations()) {
            String method = operation.split(" ")[0];
            String path = operation.split(" ")[1];
            JsonNode spec = app.contract.document().get("paths").get(path).get(method.toLowerCase());
            String concrete = path.replace("{name}", "daily_revenue").replace("{id}", "1").replace("{sku}", "MUG")
                    .replace("{warehouse}", "Leeds");
            JsonNode security = spec.has("security") ? spec.get("security") : app.contract.document().get("security");
            if (security.isEmpty()) {
                boolean needsTicket = spec.path("parameters").toString().contains("\"ticket\"");
                assertThat(call(method, concrete, null).statusCode()).as(operation + " is public")
                        .isEqualTo(needsTicket ? 401 : 200);
                continue;
            }
            String role = security.at("/0/bearer/0").asText();
            assertThat(below).as(operation + " names a role").containsKey(role);
            assertThat(call(method, concrete, null).statusCode()).as(operation + " without a token").isEqualTo(401);
            for (String token : below.get(role)) {
                HttpResponse<String> response = call(method, concrete, token);
                assertThat(response.statusCode()).as(operation + " below " + role + ": " + response.body()).isEqualTo(403);
                assertThat(json(response.body()).get("error").asText()).contains(role);
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(20);
    }

    private static HttpResponse<String> call(String method, String path, String token) {
        HttpRequest.BodyPublisher body = method.equals("GET") || method.equals("DELETE")
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}");
        return app.send(HttpRequest.newBuilder(URI.create(app.url(path))).method(method, body)
                .header("Content-Type", "application/json"), token);
    }

    @Test
    void the_docs_page_is_swagger_ui_served_by_the_app_with_every_file_it_loads() {
        HttpResponse<String> page = app.get("/api/docs", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        Matcher links = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"").matcher(page.body());
        List<String> loaded = new ArrayList<>();
        while (links.find()) {
            HttpResponse<String> file = app.get(links.group(1), null);
            assertThat(file.statusCode()).as(links.group(1)).isEqualTo(200);
            loaded.add(links.group(1));
        }
        assertThat(loaded).anySatisfy(link -> assertThat(link).startsWith("/webjars/swagger-ui/").endsWith(
                "swagger-ui-bundle.js"));
        assertThat(app.get("/api-docs.js", null).body()).contains("/api/openapi.json");
    }

    /** A body the server refuses for its shape: where, what, and the field its 400 names. */
    record Refused(String path, String contentType, String body, String field) {
        @Override
        public String toString() {
            return path + " " + body.substring(0, Math.min(body.length(), 90));
        }
    }

    static Stream<Refused> refused_bodies() {
        String line = "{\"product_id\": 101, \"quantity\": 1}";
        String order = "\"customer_id\": 1, \"items\": [" + line + "]";
        String view = "\"type\": \"page_view\", \"session_id\": \"s\", \"page_url\": \"/\"";
        String hundredAndOne = String.join(",", java.util.Collections.nCopies(101, line));
        return Stream.of(
                new Refused("/api/orders", "application/json", "{\"customer_id\": \"1\", \"items\": [" + line + "]}",
                        "customer_id"),
                new Refused("/api/orders", "application/json", "{\"items\": [" + line + "]}", "customer_id"),
                new Refused("/api/orders", "application/json", "{\"customer_id\": 0, \"items\": [" + line + "]}",
                        "customer_id"),
                new Refused("/api/orders", "application/json", "{\"customer_id\": 1.5, \"items\": [" + line + "]}",
                        "customer_id"),
                new Refused("/api/orders", "application/json", "{\"customer_id\": 1}", "items"),
                new Refused("/api/orders", "application/json", "{\"customer_id\": 1, \"items\": {}}", "items"),
                new Refused("/api/orders", "application/json", "{\"customer_id\": 1, \"items\": []}", "items"),
                new Refused("/api/orders", "application/json", "{\"customer_id\": 1, \"items\": [" + hundredAndOne + "]}",
                        "items"),
                new Refused("/api/orders", "application/json", "{\"customer_id\": 1, \"items\": [5]}", "items[0]"),
                new Refused("/api/orders", "application/json",
                        "{\"customer_id\": 1, \"items\": [{\"product_id\": 101, \"quantity\": 0}]}", "items[0].quantity"),
                new Refused("/api/orders", "application/json",
                        "{\"customer_id\": 1, \"items\": [{\"product_id\": 101, \"quantity\": 1001}]}", "items[0].quantity"),
                new Refused("/api/orders", "application/json",
                        "{\"customer_id\": 1, \"items\": [{\"product_id\": 101, \"quantity\": \"2\"}]}", "items[0].quantity"),
                new Refused("/api/orders", "application/json",
                        "{\"customer_id\": 1, \"items\": [{\"product_id\": null, \"quantity\": 1}]}", "items[0].product_id"),
                new Refused("/api/orders", "application/json",
                        "{\"customer_id\": 1, \"items\": [{\"product_id\": 101, \"quantity\": 1, \"unit_price\": 1}]}",
                        "items[0].unit_price"),
                new Refused("/api/orders", "application/json", "{" + order + ", \"total_amount\": 0}", "total_amount"),
                new Refused("/api/orders", "application/json", "{" + order + ", \"coupon_code\": 10}", "coupon_code"),
                new Refused("/api/orders", "application/json", "{" + order + ", \"coupon_code\": \"  \"}", "coupon_code"),
                new Refused("/api/orders", "application/json", "{" + order + ", \"session_id\": \"" + "x".repeat(101)
                        + "\"}", "session_id"),
                new Refused("/api/orders", "application/json", "{" + order + ", \"payment_method\": \"bitcoin\"}",
                        "payment_method"),
                new Refused("/api/orders/1/status", "application/json", "{\"status\": \"dispatched\"}", "status"),
                new Refused("/api/orders/1/status", "application/json", "{\"status\": 3}", "status"),
                new Refused("/api/orders/1/status", "application/json", "{}", "status"),
                new Refused("/api/orders/1/status", "application/json", "{\"status\": \"shipped\", \"force\": true}",
                        "force"),
                new Refused("/api/tokens", "application/json", "{\"role\": \"owner\"}", "role"),
                new Refused("/api/tokens", "application/json", "{\"role\": \"viewer\", \"expires\": \"soon\"}", "expires"),
                new Refused("/api/tokens", "application/json", "{\"role\": \"viewer\", \"colour\": 1}", "colour"),
                new Refused("/api/tokens", "application/json", "{\"role\": \"viewer\", \"label\": \"" + "l".repeat(201)
                        + "\"}", "label"),
                new Refused("/api/events", "application/json", "[{\"session_id\": \"s\"}]", "type"),
                new Refused("/api/events", "application/json", "[{" + view + ", \"time_on_page\": -1}]", "time_on_page"),
                new Refused("/api/events", "application/json", "[{" + view + ", \"device_type\": \"watch\"}]",
                        "device_type"),
                new Refused("/api/events", "application/json", "[{" + view + ", \"colour\": \"red\"}]", "colour"),
                new Refused("/api/events", "application/json", "[{\"type\": \"page_view\", \"session_id\": 5,"
                        + " \"page_url\": \"/\"}]", "session_id"),
                new Refused("/api/events", "application/json", "[{\"type\": \"page_view\", \"session_id\": \"s\"}]",
                        "page_url"),
                new Refused("/api/events", "application/json", "[{\"type\": \"cart_event\", \"session_id\": \"s\","
                        + " \"product_id\": 101, \"action\": \"add\"}]", "quantity"),
                new Refused("/api/events", "application/json", "[{\"type\": \"cart_event\", \"session_id\": \"s\","
                        + " \"product_id\": 101, \"action\": \"buy\", \"quantity\": 1}]", "action"),
                new Refused("/api/events", "application/json", "[]", "body"));
    }

    /**
     * The document's request schemas and the server's field-by-field validation describe the same
     * rules: a body the server refuses for its shape is refused by the schema too, at the same field.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("refused_bodies")
    void the_request_schemas_refuse_the_bodies_the_server_refuses(Refused refused) {
        HttpResponse<String> response = app.send(HttpRequest.newBuilder(URI.create(app.url(refused.path())))
                .POST(HttpRequest.BodyPublishers.ofString(refused.body()))
                .header("Content-Type", refused.contentType()), app.admin);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode answer = json(response.body());
        assertThat(answer.get("field").asText()).as(response.body()).isEqualTo(refused.field());

        String documented = app.contract.documentedPath(refused.path()).orElseThrow();
        JsonNode schema = app.contract.document().get("paths").get(documented).get("post")
                .at("/requestBody/content/" + refused.contentType().replace("/", "~1") + "/schema");
        List<String> errors = app.contract.errors(schema, refused.body());
        assertThat(errors).as("the documented schema accepts a body the server refuses: " + response.body()).isNotEmpty();
        String leaf = refused.field().replaceAll("^.*[.\\[]", "").replace("]", "");
        if (!refused.field().equals("body")) {
            assertThat(String.join("\n", errors)).as("the schema's complaint names the field").contains(leaf);
        }
    }
}
