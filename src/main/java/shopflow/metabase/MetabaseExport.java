package shopflow.metabase;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportFile;
import shopflow.reports.ReportParameter;

/**
 * What a Metabase user needs to see the ShopFlow reports there: the connection settings, and each
 * report as a native question, generated from its SQL file so no SQL is written twice.
 *
 * <p>psql variables become Metabase variables inside an optional clause with the report's default:
 * {@code :days} becomes {@code coalesce([[{{days}},]] 30)}. Metabase drops {@code [[...]]} when the
 * variable is empty, so every question runs with no configuration, like the psql file does.
 */
public final class MetabaseExport {

    /** The same psql variable syntax the report catalog binds: {@code :name} or {@code :'name'}, not {@code ::cast}. */
    private static final Pattern VARIABLE = Pattern.compile("(?<![:\\w]):('?)([a-z_][a-z0-9_]*)\\1");

    /** Where Metabase connects; {@code password} says where to find it (never the password itself). */
    public record Connection(String host, int port, String database, String user, String password, String timeZone) {
    }

    /** One report as a Metabase native question. */
    public record Question(String name, String title, String grain, List<Variable> variables, String sql) {
    }

    /** A Metabase variable: its widget type ({@code Text} or {@code Number}) and what empty means. */
    public record Variable(String name, String type, String whenEmpty, String description) {
    }

    private MetabaseExport() {
    }

    public static List<Question> questions(ReportCatalog catalog) {
        return catalog.all().stream().map(MetabaseExport::question).toList();
    }

    static Question question(Report report) {
        List<Variable> variables = new ArrayList<>();
        variables.add(new Variable(Report.AS_OF, "Text", "now",
                "the moment to answer for, in the shop's time zone: 2026-06-30 12:00 (a date alone is its midnight)"));
        for (ReportParameter parameter : report.parameters()) {
            variables.add(new Variable(parameter.name(), isNumber(parameter) ? "Number" : "Text",
                    parameter.defaultValue(), parameter.description() + " (" + parameter.range() + ")"));
        }
        return new Question(report.name(), report.question(), report.grain(), variables, sql(report));
    }

    /** The report file as Metabase runs it: no header, no psql meta-commands, variables as above. */
    static String sql(Report report) {
        StringBuilder body = new StringBuilder();
        boolean inHeader = true;
        for (String line : report.source().lines().toList()) {
            if (inHeader && (line.startsWith("--") || line.isBlank())) {
                continue; // the header: Metabase shows the question's title and description instead
            }
            inHeader = false;
            if (!line.stripLeading().startsWith("\\")) {
                body.append(line).append('\n');
            }
        }
        String sql = body.toString().strip();
        if (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1);
        }
        StringBuilder out = new StringBuilder();
        for (String line : sql.lines().toList()) {
            int comment = ReportFile.commentStart(line);
            out.append(variables(report, line.substring(0, comment))).append(line.substring(comment)).append('\n');
        }
        return "-- " + report.question() + "\n" + out.toString().stripTrailing();
    }

    private static String variables(Report report, String code) {
        Matcher variable = VARIABLE.matcher(code);
        StringBuilder out = new StringBuilder();
        while (variable.find()) {
            variable.appendReplacement(out, Matcher.quoteReplacement(
                    "coalesce([[{{" + variable.group(2) + "}},]] " + fallback(report, variable.group(2)) + ")"));
        }
        variable.appendTail(out);
        return out.toString();
    }

    /** What an empty variable means: now for as_of (as in the psql preamble), the declared default otherwise. */
    private static String fallback(Report report, String name) {
        if (name.equals(Report.AS_OF)) {
            return "now()::text";
        }
        ReportParameter parameter = report.parameter(name)
                .orElseThrow(() -> new IllegalStateException("report " + report.name() + " uses :" + name
                        + " but does not declare it"));
        return isNumber(parameter)
                ? parameter.defaultValue()
                : "'" + parameter.defaultValue().replace("'", "''") + "'";
    }

    /** Integer and numeric parameters are numbers; text and date parameters are text. */
    private static boolean isNumber(ReportParameter parameter) {
        return parameter.type().equals("integer") || parameter.type().equals("numeric");
    }

    /** The whole text for the terminal or a file: connection first, then every question. */
    public static String document(Connection connection, List<Question> questions) {
        StringBuilder out = new StringBuilder();
        out.append("# ShopFlow Analytics in Metabase\n\n")
                .append("Generated by `shopflow metabase` from the report files: the same SQL as the CLI, the API and psql.\n\n")
                .append("## 1. Add the database (Admin settings > Databases > Add database)\n\n")
                .append("| setting | value |\n|---|---|\n")
                .append("| Database type | PostgreSQL |\n")
                .append("| Host | ").append(connection.host()).append(" |\n")
                .append("| Port | ").append(connection.port()).append(" |\n")
                .append("| Database name | ").append(connection.database()).append(" |\n")
                .append("| Username | ").append(connection.user()).append(" |\n")
                .append("| Password | ").append(connection.password()).append(" |\n")
                .append("| Report timezone (Admin > Localization) | ").append(connection.timeZone()).append(" |\n\n")
                .append("Metabase in Docker reaches a server on this machine as `host.docker.internal` (Docker Desktop)"
                        + " or with `--network host` (Linux); the embedded server listens on localhost only.\n\n")
                .append("## 2. Add each question (New > SQL query), paste its SQL\n\n")
                .append("Metabase lists the variables found in the SQL; set each one's type as below. Every variable is"
                        + " optional: left empty it takes the value shown (as_of empty means now), as the psql file does.\n");
        for (Question question : questions) {
            out.append("\n### ").append(question.name()).append("\n\n")
                    .append(question.title()).append(" (").append(question.grain()).append(")\n\n")
                    .append("| variable | type | empty means | description |\n|---|---|---|---|\n");
            for (Variable variable : question.variables()) {
                out.append("| ").append(variable.name()).append(" | ").append(variable.type()).append(" | ")
                        .append(variable.whenEmpty()).append(" | ").append(variable.description().replace("|", "/"))
                        .append(" |\n");
            }
            out.append("\n```sql\n").append(question.sql()).append("\n```\n");
        }
        return out.toString();
    }
}
