package shopflow.reports;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;
import shopflow.rollups.Rollups;

/**
 * Runs a report: checks and binds its parameters, then runs its SQL in a read-only transaction
 * with a statement timeout, so a report can neither change data nor hold the database for long.
 */
public final class ReportRunner {

    private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    /** The session's time zone, and the transaction's statement timeout set (set local). */
    /**
     * Also custom plans always: a report's plan depends on its moment and window (a generic plan,
     * which the driver's server-side statements get after five runs, plans for any moment: the
     * orders placed after "now", none, become a third of the table).
     */
    private static final String SETTINGS = "select current_setting('TimeZone'), set_config('statement_timeout', ?, true),"
            + " set_config('plan_cache_mode', 'force_custom_plan', true)";

    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]{0,8}(kB|MB|GB)");

    private final DataSource dataSource;
    private final Duration statementTimeout;
    private final String readerRole; // null: run as the connection's own user
    private final String workMem; // null: the server's
    private final String tempFileLimit; // null: the server's
    /**
     * Whether this database lets our user set temp_file_limit (a superuser's setting: the embedded
     * server grants it to the shopflow role; an external server may not). Null until the first report.
     */
    private volatile Boolean mayLimitTempFiles;
    /**
     * On a Citus cluster a job keeps the rollups, not triggers: each report first applies
     * what was written up to then ({@code catch_up_rollups()}, which waits for the writers in
     * flight), so that it answers exactly as of any moment, as on one node. Null until the first
     * report finds out.
     */
    private volatile Boolean catchUpFirst;

    public ReportRunner(DataSource dataSource, Duration statementTimeout) {
        this(dataSource, statementTimeout, null, null, null);
    }

    private ReportRunner(DataSource dataSource, Duration statementTimeout, String readerRole, String workMem,
            String tempFileLimit) {
        this.dataSource = dataSource;
        this.statementTimeout = statementTimeout;
        this.readerRole = readerRole;
        this.workMem = workMem;
        this.tempFileLimit = tempFileLimit;
    }

    /**
     * The same runner, but each report transaction bounds the memory of each sort or hash
     * ({@code work_mem}) and the temporary files of the whole report ({@code temp_file_limit}), with
     * {@code set local}: one report cannot fill the server's memory or disk. A report over the
     * temp-file limit fails saying so. temp_file_limit is a superuser's setting: where the database
     * does not let our user set it (an external server that has not run
     * {@code grant set on parameter temp_file_limit to <user>}), only work_mem applies; see
     * {@link #limitsTempFiles()}.
     */
    public ReportRunner limited(String workMem, String tempFileLimit) {
        for (String size : List.of(workMem, tempFileLimit)) {
            if (!SIZE.matcher(size).matches()) {
                throw new IllegalArgumentException("not a size such as 64MB: " + size);
            }
        }
        return new ReportRunner(dataSource, statementTimeout, readerRole, workMem, tempFileLimit);
    }

    /**
     * The same runner, but each report transaction switches to {@code role} ({@code set local role}):
     * the HTTP server runs reports as {@code shopflow_reader}, which can only read, so the database
     * itself guarantees a report changes nothing, whatever its SQL.
     */
    public ReportRunner asRole(String role) {
        if (!ROLE_NAME.matcher(role).matches()) {
            throw new IllegalArgumentException("not a role name: " + role);
        }
        return new ReportRunner(dataSource, statementTimeout, role, workMem, tempFileLimit);
    }

    public ReportRunner(DataSource dataSource) {
        this(dataSource, Duration.ofSeconds(60));
    }

    /**
     * Answers {@code report} as of {@code asOf}, with {@code rawParameters} as the user wrote them
     * (unknown names and bad values are refused before anything runs).
     */
    public ReportResult run(Report report, OffsetDateTime asOf, Map<String, String> rawParameters) {
        Map<String, Object> bound = report.bind(rawParameters, asOf);
        try {
            return runOnce(report, asOf, bound);
        } catch (ReportException e) {
            if (e.kind() != ReportException.Kind.UNAVAILABLE || e.getCause() instanceof SQLTransientConnectionException) {
                throw e;
            }
            // Citus keeps its connections to the workers open between statements: after a worker
            // restarts, the first statement on such a connection fails and Citus drops it. A report
            // only reads, so one more attempt (on a fresh connection) is safe; a node still down
            // fails it again, with the same message.
            return runOnce(report, asOf, bound);
        }
    }

    /**
     * The database's snapshot now ({@code pg_current_snapshot()}, "xmin:xmax:in-progress ids"): two
     * moments with the same snapshot see the same committed data, whatever the tables, and a write
     * its client has seen committed is in every snapshot taken after it. Report answers are tagged
     * and shared by it. Any transaction that writes (anywhere on the server) changes it.
     */
    public String dataSnapshot() {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select pg_current_snapshot()::text")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLTransientConnectionException e) {
            throw ReportException.unavailable("reports cannot run now: every connection for reports is busy; try"
                    + " again in a few seconds", e);
        } catch (SQLException e) {
            String reason = e.getMessage().lines().findFirst().orElse("");
            if (nodeUnreachable(e)) {
                throw ReportException.unavailable("reports cannot run now, the database cannot be reached: " + reason, e);
            }
            throw ReportException.failed("reading the database's snapshot failed: " + reason, e);
        }
    }

    private ReportResult runOnce(Report report, OffsetDateTime asOf, Map<String, Object> bound) {
        try (Connection connection = dataSource.getConnection()) {
            catchUpRollups(connection, asOf);
            checkTempFilePrivilege(connection);
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            ZoneId zone = applySettings(connection);
            try (PreparedStatement statement = connection.prepareStatement(report.sql())) {
                int index = 1;
                for (String placeholder : report.placeholders()) {
                    statement.setObject(index++, placeholder.equals(Report.AS_OF) ? asOf : bound.get(placeholder));
                }
                try (ResultSet rs = statement.executeQuery()) {
                    ReportResult result = read(report, asOf, bound, rs, zone);
                    connection.commit();
                    return result;
                }
            } catch (SQLException e) {
                try {
                    connection.rollback();
                } catch (SQLException closed) {
                    // The pool closes a connection after a connection-class error (SQLSTATE 08, as
                    // Citus reports an unreachable worker): the report's own error is the one to tell.
                    e.addSuppressed(closed);
                }
                throw e;
            }
        } catch (SQLTransientConnectionException e) {
            // the pool's timeout: every connection reports may use is busy (waiting again would not help now)
            throw ReportException.unavailable("report " + report.name() + " cannot run now: every connection for"
                    + " reports is busy; try again in a few seconds", e);
        } catch (SQLException e) {
            if (nodeUnreachable(e)) {
                throw ReportException.unavailable("report " + report.name() + " cannot run now, a database node is"
                        + " unreachable: " + e.getMessage().lines().findFirst().orElse(""), e);
            }
            if ("22023".equals(e.getSQLState()) && e instanceof PSQLException refused
                    && refused.getServerErrorMessage() != null && refused.getServerErrorMessage().getColumn() != null) {
                // a parameter the report's SQL refused (a category that does not exist): the user's to fix
                throw ReportException.badParameter(refused.getServerErrorMessage().getColumn(),
                        refused.getServerErrorMessage().getMessage());
            }
            switch (String.valueOf(e.getSQLState())) {
                case "57014" -> throw ReportException.stopped("report " + report.name() + " took longer than "
                        + seconds(statementTimeout) + " s and was stopped", e);
                case "53400" -> throw ReportException.stopped("report " + report.name() + " needed more than "
                        + tempFileLimit + " of temporary files and was stopped", e);
                default -> throw ReportException.failed("report " + report.name() + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** Whether reports run with a temp_file_limit (false until the first report has found out). */
    public boolean limitsTempFiles() {
        return tempFileLimit != null && Boolean.TRUE.equals(mayLimitTempFiles);
    }

    private void checkTempFilePrivilege(Connection connection) throws SQLException {
        if (tempFileLimit == null || mayLimitTempFiles != null) {
            return;
        }
        try (Statement statement = connection.createStatement();
                ResultSet may = statement.executeQuery("select has_parameter_privilege('temp_file_limit', 'SET')")) {
            may.next();
            mayLimitTempFiles = may.getBoolean(1);
        }
    }

    /**
     * On a cluster, the rows written before {@code asOf} applied to the rollups, in their own
     * transaction (nothing to do when the job's last run covers that moment).
     */
    private void catchUpRollups(Connection connection, OffsetDateTime asOf) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (catchUpFirst == null) {
                try (ResultSet kept = statement.executeQuery("select rollups_kept_by_job()")) {
                    kept.next();
                    catchUpFirst = kept.getBoolean(1);
                }
            }
            if (catchUpFirst) {
                Rollups.catchUp(connection, asOf);
            }
        }
    }

    /**
     * The database, or on a Citus cluster a worker the report needs, cannot be reached. Citus names
     * the node in its message: "connection to the remote node user@host:port failed" (SQLSTATE
     * class 08) when it connects, "failure on connection marked as essential: host:port" (no code
     * of its own) when a connection it had open breaks.
     */
    private static boolean nodeUnreachable(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() == null ? "" : e.getMessage();
        return state.startsWith("08") || message.contains("failure on connection marked as essential");
    }

    /** 60, 1.5 or 0.3: the timeout as a person would write it. */
    private static String seconds(Duration duration) {
        return java.math.BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    /**
     * Sets the transaction's statement timeout (and role) and returns the session's time zone (the
     * shop's, so moments come back as the shop's clock shows them), in one round trip: for the
     * dashboard's small reports the round trips cost as much as the query.
     */
    private ZoneId applySettings(Connection connection) throws SQLException {
        List<String> values = new ArrayList<>(List.of(Long.toString(statementTimeout.toMillis())));
        StringBuilder sql = new StringBuilder(SETTINGS);
        if (workMem != null) {
            sql.append(", set_config('work_mem', ?, true)");
            values.add(workMem);
        }
        if (limitsTempFiles()) {
            // before the role changes: the privilege is our user's, not the reader's
            sql.append(", set_config('temp_file_limit', ?, true)");
            values.add(tempFileLimit);
        }
        if (readerRole != null) {
            sql.append(", set_config('role', ?, true)");
            values.add(readerRole);
        }
        try (PreparedStatement settings = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                settings.setString(i + 1, values.get(i));
            }
            try (ResultSet rs = settings.executeQuery()) {
                rs.next();
                try {
                    return ZoneId.of(rs.getString(1));
                } catch (DateTimeException unknownToJava) {
                    return ZoneOffset.UTC;
                }
            }
        }
    }

    private static ReportResult read(Report report, OffsetDateTime asOf, Map<String, Object> bound, ResultSet rs,
            ZoneId zone) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        int[] types = new int[meta.getColumnCount()]; // looked up once, not for every value of a long export
        for (int i = 1; i <= types.length; i++) {
            columns.add(meta.getColumnLabel(i));
            types[i - 1] = meta.getColumnType(i);
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            Object[] row = new Object[columns.size()];
            for (int i = 1; i <= row.length; i++) {
                row[i - 1] = value(rs, types[i - 1], i, zone);
            }
            rows.add(Arrays.asList(row));
        }
        return new ReportResult(report, asOf, bound, columns, rows);
    }

    /** Values in plain Java types: LocalDate for dates, OffsetDateTime for moments, BigDecimal for numeric. */
    private static Object value(ResultSet rs, int type, int column, ZoneId zone) throws SQLException {
        return switch (type) {
            case Types.DATE -> rs.getObject(column, LocalDate.class);
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                OffsetDateTime moment = rs.getObject(column, OffsetDateTime.class);
                yield moment == null ? null : moment.atZoneSameInstant(zone).toOffsetDateTime();
            }
            default -> rs.getObject(column);
        };
    }
}
