package shopflow.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Holds the API to its OpenAPI document: every request the web tests send goes through
 * {@link #check}, which finds the documented operation by method and path, requires the answer's
 * status and content type to be documented for it, and validates the body against the documented
 * schema with a JSON Schema validator (2020-12, as OpenAPI 3.1 uses). A request the server accepted
 * (2xx) must be valid against the documented request body too. Static files (outside /api) are not
 * part of the API; an /api path that no operation matches must be a documented-shape 404.
 */
final class ApiContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final JsonNode document;
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    ApiContract(String documentJson) {
        try {
            this.document = JSON.readTree(documentJson);
        } catch (Exception e) {
            throw new AssertionError("the API document is not JSON", e);
        }
    }

    JsonNode document() {
        return document;
    }

    /** The operation's documented-path key for a request path: the path itself, else the template that matches it. */
    Optional<String> documentedPath(String path) {
        if (document.get("paths").has(path)) {
            return Optional.of(path);
        }
        String[] segments = path.split("/", -1);
        for (Iterator<String> keys = document.get("paths").fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (matches(key, segments)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /** Whether the template ("/api/orders/{id}/status") matches the path's segments. */
    static boolean matches(String template, String[] segments) {
        String[] parts = template.split("/", -1);
        if (parts.length != segments.length) {
            return false;
        }
        for (int i = 0; i < parts.length; i++) {
            boolean variable = parts[i].startsWith("{") && parts[i].endsWith("}");
            if (variable ? segments[i].isEmpty() : !parts[i].equals(segments[i])) {
                return false;
            }
        }
        return true;
    }

    /** Fails, saying what differs from the document, when the exchange is not as documented. */
    void check(HttpRequest request, HttpResponse<String> response) {
        String path = request.uri().getRawPath();
        if (!path.startsWith("/api/")) {
            return; // the dashboard's static files and webjars are not the API
        }
        if (!decodable(path)) {
            // Jetty answers itself a path it cannot decode or that holds control characters (400),
            // before the API sees it
            return;
        }
        // HEAD is GET without its body: every GET route is registered for HEAD, with the same handler
        boolean head = request.method().equals("HEAD");
        String method = head ? "get" : request.method().toLowerCase(Locale.ROOT);
        String exchange = request.method() + " " + path + " -> " + response.statusCode();
        JsonNode operation = documentedPath(path).map(key -> document.get("paths").get(key).get(method)).orElse(null);
        if (operation == null) {
            if (response.statusCode() != 404) {
                throw new AssertionError(exchange + ": no operation in the API document for " + request.method() + " "
                        + path + ", yet the server answered; document it in openapi/shopflow.yaml");
            }
            if (!head) {
                validate(exchange, schemaAt("/components/schemas/Error"), response.body());
            }
            return;
        }
        if (response.statusCode() / 100 == 2) {
            checkRequest(exchange, operation, request);
        }
        JsonNode documented = resolve(operation.path("responses").get(String.valueOf(response.statusCode())));
        if (documented == null) {
            throw new AssertionError(exchange + ": status " + response.statusCode() + " is not documented for this"
                    + " operation (documented: " + names(operation.path("responses")) + "); body: " + response.body());
        }
        if (head) {
            return;
        }
        JsonNode content = documented.get("content");
        if (content == null) {
            if (!response.body().isEmpty()) {
                throw new AssertionError(exchange + ": documented without a body, but answered " + response.body());
            }
            return;
        }
        String type = response.headers().firstValue("Content-Type").orElse("").split(";")[0].strip();
        JsonNode media = content.get(type);
        if (media == null) {
            throw new AssertionError(exchange + ": content type '" + type + "' is not documented (documented: "
                    + names(content) + ")");
        }
        if (type.equals("application/json")) {
            validate(exchange, media.get("schema"), response.body());
        }
    }

    /** Whether the path's percent-escapes decode as UTF-8 text without control characters. */
    private static boolean decodable(String path) {
        try {
            String decoded = StandardCharsets.UTF_8.newDecoder()
                    .decode(ByteBuffer.wrap(percentDecoded(path))).toString();
            return decoded.chars().noneMatch(Character::isISOControl);
        } catch (CharacterCodingException | IndexOutOfBoundsException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] percentDecoded(String path) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                bytes.write(Integer.parseInt(path.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toByteArray();
    }

    /** A request body the server accepted must be valid against the operation's documented request body. */
    private void checkRequest(String exchange, JsonNode operation, HttpRequest request) {
        String body = body(request);
        JsonNode requestBody = operation.get("requestBody");
        if (requestBody == null || body.isBlank()) {
            return;
        }
        String type = request.headers().firstValue("Content-Type").orElse("").split(";")[0].strip();
        JsonNode media = requestBody.path("content").get(type);
        if (media == null) {
            throw new AssertionError(exchange + ": the server accepted a " + type + " body, which is not documented");
        }
        if (type.equals("application/json")) {
            validate(exchange + " (request body)", media.get("schema"), body);
        } else if (type.equals("application/x-ndjson")) {
            for (String line : body.split("\r?\n")) {
                if (!line.isBlank()) {
                    validate(exchange + " (request line)", schemaAt("/components/schemas/Event"), line);
                }
            }
        }
    }

    /** The schema validation errors of {@code json} against {@code schema} (a node of the document); empty when valid. */
    List<String> errors(JsonNode schema, String json) {
        Schema validator = compiled.computeIfAbsent(schema.toString(), key -> {
            ObjectNode wrapper = JSON.createObjectNode();
            wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            // The document's own references (#/components/schemas/...) resolve against this wrapper.
            wrapper.set("components", document.get("components"));
            wrapper.putArray("allOf").add(schema);
            return SCHEMAS.getSchema(wrapper.toString(), InputFormat.JSON);
        });
        return validator.validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
    }

    JsonNode schemaAt(String pointer) {
        JsonNode schema = document.at(pointer);
        if (schema.isMissingNode()) {
            throw new AssertionError("the API document has nothing at " + pointer);
        }
        return schema;
    }

    private void validate(String exchange, JsonNode schema, String json) {
        List<String> errors = errors(schema, json);
        if (!errors.isEmpty()) {
            throw new AssertionError(exchange + ": the body does not match its documented schema:\n  "
                    + String.join("\n  ", errors) + "\nbody: " + abbreviate(json));
        }
    }

    /** A response object, or the one its $ref names. */
    private JsonNode resolve(JsonNode node) {
        if (node != null && node.has("$ref")) {
            return schemaAt(node.get("$ref").asText().substring(1));
        }
        return node;
    }

    private static String names(JsonNode object) {
        return String.join(", ", (Iterable<String>) object::fieldNames);
    }

    private static String abbreviate(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "...";
    }

    /** What the request sends: its body publisher, read again (string publishers can be read any number of times). */
    static String body(HttpRequest request) {
        Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
        if (publisher.isEmpty() || publisher.get().contentLength() == 0) {
            return "";
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CompletableFuture<Void> done = new CompletableFuture<>();
        publisher.get().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.writeBytes(chunk);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the request body again", e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** "GET /api/reports/{name}" for every operation in the document. */
    List<String> operations() {
        List<String> operations = new ArrayList<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(
                method -> operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
        return operations;
    }
}
