package shopflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import shopflow.Main;
import shopflow.TestDatabases;
import shopflow.db.Database;

class BenchImportCommandTest {

    private static String run(Database db, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        String[] all = java.util.Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--jdbc-url";
        all[args.length + 1] = db.jdbcUrl();
        all[args.length + 2] = "--db-password";
        all[args.length + 3] = TestDatabases.password();
        int code = cmd.execute(all);
        return code + "\n" + out + err;
    }

    @Test
    void it_imports_a_synthetic_file_into_a_scratch_database_and_leaves_the_shop_alone() throws SQLException {
        try (Database db = TestDatabases.fresh()) {
            String out = run(db, "bench", "import", "--lines", "3000");

            assertThat(out).startsWith("0\n").contains("importing it into an empty scratch database",
                    "read, check, COPY into staging", "rebuild the rollups").containsPattern("import: 3,0[0-9]{2} lines, "
                    + "[0-9,]+ orders in [0-9.]+ s: [0-9,]+ lines/s");
            try (Connection c = db.connection(); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("select (select count(*) from orders) + (select count(*) from"
                            + " pg_database where datname like 'shopflow_bench%')")) {
                r.next();
                assertThat(r.getLong(1)).as("orders in the shop, scratch databases left").isZero();
            }
            assertThat(run(db, "bench", "import", "--lines", "10")).startsWith("1\n").contains("--lines", "1,000");
        }
    }

    @Test
    void the_synthetic_file_has_the_quirks_of_the_real_one_and_the_same_rows_for_a_seed(@TempDir Path dir)
            throws Exception {
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        assertThat(RetailLinesFile.write(a, 20_000, 7)).isBetween(20_000L, 20_500L);
        RetailLinesFile.write(b, 20_000, 7);
        assertThat(Files.mismatch(a, b)).isEqualTo(-1);
        List<String> lines = Files.readAllLines(a);
        assertThat(lines.get(0)).isEqualTo("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country");
        assertThat(lines).anyMatch(l -> l.startsWith("C")).anyMatch(l -> l.contains(",POST,"))
                .anyMatch(l -> l.contains(",,United Kingdom")).anyMatch(l -> l.contains(" NEW, BOXED"));
    }
}
