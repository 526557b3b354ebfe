package shopflow.reports;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a report file: the header of {@code -- key: value} lines, then SQL that psql runs as it
 * is ({@code psql -v as_of="'2026-06-30 12:00'" -f report.sql}). For JDBC, psql meta-commands
 * (lines starting with a backslash) and comments are dropped and psql variables become
 * bound placeholders.
 *
 * <pre>
 * -- question: How much did each of the last N days bring?
 * -- grain:    one row per shop day
 * -- audience: aggregate
 * -- param:    days | integer | 30 | 1..3660 | number of days, ending with the as_of day
 * -- column:   day | date | the shop day
 * -- column:   email | text | the customer's email | personal
 * -- window:   from | to | days | 3660
 * </pre>
 */
public final class ReportFile {

    /** {@code :name} or {@code :'name'}, but not a cast ({@code ::int}) nor a slice ({@code [1:n]}). */
    private static final Pattern VARIABLE = Pattern.compile("(?<![:\\w]):('?)([a-z_][a-z0-9_]*)\\1");
    private static final Pattern HEADER = Pattern.compile("^--\\s*([a-z_]+):\\s*(.*)$");

    private ReportFile() {
    }

    static Report parse(String name, String source) {
        String question = null;
        String grain = null;
        Audience audience = Audience.AGGREGATE;
        List<ReportParameter> parameters = new ArrayList<>();
        List<ReportColumn> columns = new ArrayList<>();
        ReportWindow window = null;
        for (String line : source.lines().toList()) {
            if (!line.startsWith("--")) {
                if (line.isBlank()) {
                    continue;
                }
                break; // the header ends where the first statement or meta-command begins
            }
            Matcher header = HEADER.matcher(line.strip());
            if (!header.matches()) {
                continue;
            }
            String value = header.group(2).strip();
            switch (header.group(1)) {
                case "question" -> question = value;
                case "grain" -> grain = value;
                case "audience" -> audience = Audience.valueOf(value.toUpperCase(Locale.ROOT));
                case "param" -> parameters.add(parameter(name, value));
                case "column" -> columns.add(column(name, value));
                case "window" -> window = window(name, value);
                default -> { } // other notes (psql usage, references) are for readers
            }
        }
        if (question == null || grain == null || columns.isEmpty()) {
            throw new IllegalStateException("report " + name + ": header needs question, grain and columns");
        }
        List<String> placeholders = new ArrayList<>();
        String sql = jdbcSql(source, placeholders);
        for (String placeholder : placeholders) {
            if (!placeholder.equals(Report.AS_OF) && parameters.stream().noneMatch(p -> p.name().equals(placeholder))) {
                throw new IllegalStateException("report " + name + ": :" + placeholder + " is used but not declared");
            }
        }
        if (window != null) {
            for (String declared : List.of(window.from(), window.to(), window.days())) {
                if (parameters.stream().noneMatch(p -> p.name().equals(declared))) {
                    throw new IllegalStateException("report " + name + ": its window names " + declared
                            + ", which it does not declare as a parameter");
                }
            }
        }
        return new Report(name, question, grain, audience, parameters, columns, sql, placeholders, source,
                java.util.Optional.ofNullable(window));
    }

    private static ReportParameter parameter(String report, String declaration) {
        String[] f = fields(report, declaration, 5);
        BigDecimal min = null;
        BigDecimal max = null;
        List<String> allowed = List.of();
        if (f[3].contains("..")) {
            String[] bounds = f[3].split("\\.\\.", -1);
            min = bounds[0].isBlank() ? null : new BigDecimal(bounds[0].strip());
            max = bounds[1].isBlank() ? null : new BigDecimal(bounds[1].strip());
        } else if (!f[3].equals("any")) {
            allowed = Arrays.stream(f[3].split(",")).map(String::strip).toList();
        }
        return new ReportParameter(f[0], f[1], f[2], min, max, allowed, f[4]);
    }

    /** {@code from | to | days | 3660}: the window's parameters and its longest span in days. */
    private static ReportWindow window(String report, String declaration) {
        String[] f = fields(report, declaration, 4);
        return new ReportWindow(f[0], f[1], f[2], Integer.parseInt(f[3]));
    }

    private static ReportColumn column(String report, String declaration) {
        String[] f = declaration.split("\\|");
        if (f.length < 3) {
            throw new IllegalStateException("report " + report + ": column needs name | unit | description: " + declaration);
        }
        boolean personal = f.length > 3 && f[3].strip().equals("personal");
        return new ReportColumn(f[0].strip(), f[1].strip(), f[2].strip(), personal);
    }

    private static String[] fields(String report, String declaration, int count) {
        String[] f = declaration.split("\\|");
        if (f.length != count) {
            throw new IllegalStateException("report " + report + ": expected " + count + " fields in: " + declaration);
        }
        return Arrays.stream(f).map(String::strip).toArray(String[]::new);
    }

    /** The statement without meta-commands and comments, with psql variables as {@code ?}. */
    static String jdbcSql(String source, List<String> placeholders) {
        StringBuilder statement = new StringBuilder();
        for (String line : source.lines().toList()) {
            if (!line.stripLeading().startsWith("\\")) {
                statement.append(withoutComment(line)).append('\n');
            }
        }
        String sql = statement.toString().strip();
        if (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1);
        }
        Matcher variable = VARIABLE.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (variable.find()) {
            placeholders.add(variable.group(2));
            variable.appendReplacement(out, "?");
        }
        variable.appendTail(out);
        return out.toString();
    }

    /** The line up to a {@code --} comment that is not inside a string literal. */
    private static String withoutComment(String line) {
        int comment = commentStart(line);
        return comment == line.length() ? line : line.substring(0, comment).stripTrailing();
    }

    /** Where a {@code --} comment starts outside string literals (the line's length when there is none). */
    public static int commentStart(String line) {
        boolean inString = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                inString = !inString;
            } else if (!inString && c == '-' && i + 1 < line.length() && line.charAt(i + 1) == '-') {
                return i;
            }
        }
        return line.length();
    }
}
