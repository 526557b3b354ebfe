package shopflow.metabase;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;

/**
 * Every report as a Metabase question gives the same rows as the catalog's runner: the SQL is run
 * here the way Metabase would substitute its variables, empty and filled in.
 */
class MetabaseExportTest {

    private static final Pattern OPTIONAL = Pattern.compile("\\[\\[(.*?)]]", Pattern.DOTALL);
    private static final Pattern VARIABLE = Pattern.compile("\\{\\{(\\w+)}}");
    private static Database database;

    @BeforeAll
    static void shop() throws Exception {
        database = TestDatabases.fresh();
        try (InputStream in = MetabaseExportTest.class.getResourceAsStream("/web/fixture.sql");
                Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    /** What Metabase does: an empty variable drops its optional clause; a filled one is inlined. */
    static String substitute(String sql, Map<String, String> values) {
        Matcher optional = OPTIONAL.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (optional.find()) {
            Matcher variable = VARIABLE.matcher(optional.group(1));
            String name = variable.find() ? variable.group(1) : null;
            String value = values.get(name);
            optional.appendReplacement(out, Matcher.quoteReplacement(
                    value == null ? "" : optional.group(1).replace("{{" + name + "}}", value)));
        }
        optional.appendTail(out);
        return out.toString();
    }

    private static List<List<Object>> rows(String sql) throws Exception {
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.add(Objects.toString(rs.getObject(i), null));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private static List<List<Object>> asText(ReportResult result) {
        List<List<Object>> rows = new ArrayList<>();
        for (List<Object> row : result.rows()) {
            rows.add(row.stream().map(value -> (Object) (value == null ? null : value.toString())).toList());
        }
        return rows;
    }

    @Test
    void every_question_with_as_of_filled_in_gives_the_rows_of_the_report() throws Exception {
        ReportRunner runner = new ReportRunner(database.dataSource());
        OffsetDateTime asOf = OffsetDateTime.of(2026, 6, 30, 12, 0, 0, 0, ZoneId.of("Europe/London").getRules()
                .getOffset(java.time.LocalDateTime.of(2026, 6, 30, 12, 0)));
        for (Report report : ReportCatalog.load().all()) {
            String sql = MetabaseExport.question(report).sql();
            assertThat(sql).as(report.name()).doesNotContain("\\if", ":as_of").contains("{{as_of}}");
            List<List<Object>> metabase = rows(substitute(sql, Map.of("as_of", "'2026-06-30 12:00'")));
            ReportResult expected = runner.run(report, asOf, Map.of());
            // Moments print differently through JDBC's text form; compare their instants instead.
            assertThat(metabase).as(report.name()).hasSameSizeAs(expected.rows());
            if (!report.columns().stream().anyMatch(c -> c.unit().equals("time"))) {
                assertThat(metabase).as(report.name()).isEqualTo(asText(expected));
            }
        }
    }

    @Test
    void a_filled_in_parameter_replaces_the_default() throws Exception {
        String sql = MetabaseExport.question(ReportCatalog.load().get("daily_revenue")).sql();
        assertThat(sql).contains("coalesce([[{{days}},]] 30)");
        assertThat(rows(substitute(sql, Map.of("as_of", "'2026-06-30 12:00'", "days", "7")))).hasSize(7);
        assertThat(rows(substitute(sql, Map.of("as_of", "'2026-06-30 12:00'")))).hasSize(30);
        assertThat(rows(substitute(sql, Map.of("as_of", "'2026-06-30 12:00'", "days", "7"))).get(6))
                .containsExactly("2026-06-30", "1", "100.00", "0.00", "0.00", "100.00", "0.00", "0.00", "100.00", "100.00", "false");
    }

    @Test
    void an_empty_as_of_means_now() throws Exception {
        String sql = MetabaseExport.question(ReportCatalog.load().get("daily_revenue")).sql();
        List<List<Object>> rows = rows(substitute(sql, Map.of("days", "1")));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get(0)).isEqualTo(java.time.LocalDate.now(ZoneId.of("Europe/London")).toString());
    }

    @Test
    void the_document_gives_the_connection_and_every_question() {
        String document = MetabaseExport.document(
                new MetabaseExport.Connection("localhost", 5488, "shopflow", "shopflow", "(yours)", "Europe/London"),
                MetabaseExport.questions(ReportCatalog.load()));
        assertThat(document).contains("| Port | 5488 |", "| Database name | shopflow |", "Europe/London",
                "### daily_revenue", "| days | Number | 30 |");
        assertThat(document.split("```sql", -1)).hasSize(ReportCatalog.load().all().size() + 1);
    }
}
