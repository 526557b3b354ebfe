package shopflow.web.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Function;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportColumn;
import shopflow.reports.ReportParameter;

/**
 * The API's OpenAPI 3.1 document: the hand-written skeleton {@code openapi/shopflow.yaml} (every
 * route, schema and error) plus one operation per report of the catalog, made from the report's
 * header (its parameters with types, defaults and ranges; its columns), so a new report file
 * appears here with nothing else to edit.
 */
public final class OpenApiDocument {

    static final String SKELETON = "/openapi/shopflow.yaml";
    private static final String REPORT_PATH = "/api/reports/";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectNode document;
    private final String json;

    private OpenApiDocument(ObjectNode document) {
        this.document = document;
        try {
            this.json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the API document", e);
        }
    }

    /**
     * The document for the reports of {@code catalog}; {@code requiredRole} gives the lowest role
     * that may run a report ("viewer", "analyst"), as the reports API decides it.
     */
    public static OpenApiDocument build(ReportCatalog catalog, Function<Report, String> requiredRole) {
        ObjectNode document = skeleton();
        ((ObjectNode) document.get("info")).put("version", version());
        ObjectNode paths = (ObjectNode) document.get("paths");
        // After the generic /api/reports/{name}, in catalog (name) order.
        for (Report report : catalog.all()) {
            paths.set(REPORT_PATH + report.name(), NODES.objectNode().set("get", operation(report, requiredRole.apply(report))));
        }
        return new OpenApiDocument(document);
    }

    /** The document as JSON, as {@code GET /api/openapi.json} answers it. */
    public String json() {
        return json;
    }

    /** A copy of the document. */
    public ObjectNode tree() {
        return document.deepCopy();
    }

    private static ObjectNode skeleton() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(SKELETON)) {
            if (in == null) {
                throw new IllegalStateException(SKELETON + " is missing from the classpath");
            }
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SKELETON, e);
        }
    }

    private static String version() {
        Properties properties = new Properties();
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("/shopflow-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // the version is decoration: a document without it is still the document
        }
        return properties.getProperty("version", "development");
    }

    /** {@code GET /api/reports/<name>}: the report's own parameters and row columns. */
    private static ObjectNode operation(Report report, String role) {
        ObjectNode operation = NODES.objectNode();
        operation.putArray("tags").add("reports");
        operation.put("operationId", "report_" + report.name());
        operation.put("summary", report.question());
        operation.put("description", "One row: " + report.grain() + ". Audience: "
                + report.audience().name().toLowerCase(Locale.ROOT) + " (needs the " + role + " role; CSV needs analyst)."
                + " From the header of reports/" + report.name() + ".sql.");
        operation.putArray("security").addObject().putArray("bearer").add(role);
        ArrayNode parameters = operation.putArray("parameters");
        parameters.addObject().put("$ref", "#/components/parameters/AsOf");
        parameters.addObject().put("$ref", "#/components/parameters/Format");
        parameters.addObject().put("$ref", "#/components/parameters/IfNoneMatch");
        for (ReportParameter parameter : report.parameters()) {
            ObjectNode query = parameters.addObject();
            query.put("name", parameter.name());
            query.put("in", "query");
            query.put("description", parameter.description() + " (" + parameter.range() + "; default "
                    + parameter.defaultValue() + ")");
            query.set("schema", schema(parameter));
        }
        ObjectNode responses = operation.putObject("responses");
        ObjectNode ok = responses.putObject("200");
        ok.put("description", "The rows of " + report.name() + ", as of a moment.");
        ObjectNode content = ok.putObject("content");
        content.putObject("application/json").set("schema", resultSchema(report));
        content.putObject("text/csv").putObject("schema").put("type", "string");
        ok.putObject("headers").putObject("ETag").put("$ref", "#/components/headers/ReportETag");
        responses.putObject("304").put("$ref", "#/components/responses/NotModified");
        for (String status : new String[] {"400", "401", "403", "429", "500", "503"}) {
            responses.putObject(status).put("$ref", "#/components/responses/" + switch (status) {
                case "400" -> "BadRequest";
                case "401" -> "Unauthorized";
                case "403" -> "Forbidden";
                case "429" -> "TooManyReports";
                case "500" -> "InternalError";
                default -> "Unavailable";
            });
        }
        return operation;
    }

    /** The parameter's JSON Schema: its type, default, range or allowed values, from the header. */
    static ObjectNode schema(ReportParameter parameter) {
        ObjectNode schema = NODES.objectNode();
        switch (parameter.type()) {
            case "integer" -> {
                schema.put("type", "integer");
                schema.set("default", NODES.numberNode(Long.parseLong(parameter.defaultValue())));
            }
            case "numeric" -> {
                schema.put("type", "number");
                schema.set("default", NODES.numberNode(new BigDecimal(parameter.defaultValue())));
            }
            case "date" -> {
                // no default: not given (null in an answer), the report decides (its window's end, or
                // days before it)
                schema.putArray("type").add("string").add("null");
                schema.put("format", "date");
            }
            default -> {
                schema.put("type", "string");
                schema.put("default", parameter.defaultValue());
            }
        }
        if (parameter.min() != null) {
            schema.set("minimum", NODES.numberNode(parameter.min()));
        }
        if (parameter.max() != null) {
            schema.set("maximum", NODES.numberNode(parameter.max()));
        }
        if (!parameter.allowed().isEmpty()) {
            ArrayNode values = schema.putArray("enum");
            parameter.allowed().forEach(values::add);
            if (parameter.defaultValue().isEmpty()) {
                values.add(""); // not given: a filter left out
            }
        }
        return schema;
    }

    /** The report's answer: its parameters by name, and rows with exactly its columns. */
    private static ObjectNode resultSchema(Report report) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        schema.put("additionalProperties", false);
        ArrayNode required = schema.putArray("required");
        for (String name : new String[] {"report", "as_of", "parameters", "columns", "rows"}) {
            required.add(name);
        }
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("report").put("const", report.name());
        properties.putObject("as_of").put("type", "string").put("format", "date-time");
        ObjectNode parameters = properties.putObject("parameters");
        parameters.put("type", "object");
        parameters.put("additionalProperties", false);
        ObjectNode parameterProperties = parameters.putObject("properties");
        report.parameters().forEach(p -> parameterProperties.set(p.name(), schema(p)));
        ObjectNode columns = properties.putObject("columns");
        columns.put("type", "array");
        columns.putObject("items").put("type", "string");
        ObjectNode row = properties.putObject("rows").put("type", "array").putObject("items");
        row.put("type", "object");
        row.put("additionalProperties", false);
        ObjectNode rowProperties = row.putObject("properties");
        for (ReportColumn column : report.columns()) {
            rowProperties.putObject(column.name()).put("description", column.description() + " (" + column.unit() + ")"
                    + (column.personal() ? "; personal: masked for viewers" : ""));
        }
        return schema;
    }
}
