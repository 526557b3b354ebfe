package shopflow.reports;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a report's rows are written out: an aligned table for a terminal, CSV, or JSON. */
public enum ReportFormat {

    TABLE {
        @Override
        public void write(ReportResult result, Writer out) throws IOException {
            List<String> columns = result.columns();
            List<List<String>> cells = new ArrayList<>();
            for (List<Object> row : result.rows()) {
                cells.add(row.stream().map(ReportFormat::text).toList());
            }
            int[] widths = new int[columns.size()];
            boolean[] numeric = new boolean[columns.size()];
            for (int c = 0; c < widths.length; c++) {
                widths[c] = columns.get(c).length();
                for (int r = 0; r < cells.size(); r++) {
                    widths[c] = Math.max(widths[c], cells.get(r).get(c).length());
                    numeric[c] |= result.rows().get(r).get(c) instanceof Number;
                }
            }
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < widths.length; c++) {
                line.append(c == 0 ? "" : "  ").append(pad(columns.get(c), widths[c], numeric[c]));
            }
            out.write(line.toString().stripTrailing() + "\n");
            line.setLength(0);
            for (int c = 0; c < widths.length; c++) {
                line.append(c == 0 ? "" : "  ").append("-".repeat(widths[c]));
            }
            out.write(line + "\n");
            for (List<String> row : cells) {
                line.setLength(0);
                for (int c = 0; c < widths.length; c++) {
                    line.append(c == 0 ? "" : "  ").append(pad(row.get(c), widths[c], numeric[c]));
                }
                out.write(line.toString().stripTrailing() + "\n");
            }
            out.write("(" + result.rows().size() + (result.rows().size() == 1 ? " row" : " rows") + ", as of "
                    + result.asOf() + ")\n");
        }
    },

    CSV {
        @Override
        public void write(ReportResult result, Writer out) throws IOException {
            CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
            result.columns().forEach(schema::addColumn);
            try (CsvGenerator csv = (CsvGenerator) CSV_MAPPER.getFactory().createGenerator(out)) {
                csv.setSchema(schema.build());
                for (List<Object> row : result.rows()) {
                    csv.writeStartArray();
                    for (Object value : row) {
                        if (value == null) {
                            csv.writeNull();
                        } else if (value instanceof BigDecimal number) {
                            csv.writeNumber(number);
                        } else if (value instanceof Number number) {
                            csv.writeNumber(number.longValue());
                        } else {
                            csv.writeString(text(value));
                        }
                    }
                    csv.writeEndArray();
                }
            }
        }
    },

    JSON {
        @Override
        public void write(ReportResult result, Writer out) throws IOException {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("report", result.report().name());
            document.put("as_of", result.asOf());
            document.put("parameters", result.parameters());
            document.put("columns", result.columns());
            document.put("rows", rowObjects(result));
            JSON_MAPPER.writeValue(out, document);
        }
    };

    /** Shared by the HTTP API: numbers stay numbers, moments are ISO-8601 with their offset. */
    public static final ObjectMapper JSON_MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .build();

    private static final CsvMapper CSV_MAPPER = new CsvMapper();

    public abstract void write(ReportResult result, Writer out) throws IOException;

    /** Each row as an object keyed by column name, in column order. */
    public static List<Map<String, Object>> rowObjects(ReportResult result) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (List<Object> row : result.rows()) {
            Map<String, Object> object = new LinkedHashMap<>();
            for (int c = 0; c < result.columns().size(); c++) {
                object.put(result.columns().get(c), row.get(c));
            }
            rows.add(object);
        }
        return rows;
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof BigDecimal number) {
            return number.toPlainString();
        }
        if (value instanceof OffsetDateTime moment) {
            return moment.toString();
        }
        return value.toString();
    }

    private static String pad(String text, int width, boolean right) {
        String padding = " ".repeat(width - text.length());
        return right ? padding + text : text + padding;
    }
}
