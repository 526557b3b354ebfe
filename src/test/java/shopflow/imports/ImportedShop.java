package shopflow.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import shopflow.Main;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.rollups.Drift;
import shopflow.rollups.RollupVerifier;

/**
 * A fresh test database that the import tests load files into through the command line, and read
 * back with SQL: what ImportLinesTest and ImportShopifyTest share.
 */
final class ImportedShop implements AutoCloseable {

    /** A command's exit code and what it printed. */
    record Run(int exitCode, String out, String err) {
    }

    private final Database db = TestDatabases.fresh();

    /** Runs {@code shopflow ARGS} on this database. */
    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        String[] all = Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--jdbc-url";
        all[args.length + 1] = db.jdbcUrl();
        all[args.length + 2] = "--db-password";
        all[args.length + 3] = TestDatabases.password();
        int code = cmd.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    /** Every report equal to its reference SQL at each moment, and every order's status its history's last. */
    void assertEveryReportEqualsItsReference(OffsetDateTime... moments) {
        RollupVerifier verifier = new RollupVerifier(db.dataSource());
        for (OffsetDateTime asOf : moments) {
            assertThat(verifier.verifyUnfiltered(asOf)).as("drifts as of %s", asOf).extracting(Drift::describe).isEmpty();
        }
        assertThat(number("select count(*) from orders_off_history")).as("orders off their history").isZero();
    }

    void execute(String sql) {
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    long number(String sql) {
        return decimal(sql).longValueExact();
    }

    BigDecimal decimal(String sql) {
        try (Connection c = db.connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getBigDecimal(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    List<String> strings(String sql) {
        try (Connection c = db.connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (r.next()) {
                values.add(r.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        db.close();
    }
}
