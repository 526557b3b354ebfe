package shopflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import shopflow.Main;
import shopflow.TestDatabases;
import shopflow.db.Database;

class BenchReportsCommandTest {

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
    void an_empty_database_is_refused_without_scale_and_filled_with_it_then_every_report_is_timed() {
        try (Database db = TestDatabases.fresh()) {
            assertThat(run(db, "bench", "reports")).startsWith("1\n").contains("has no orders", "--scale 1");

            // generated into this database on purpose (otherwise into a scratch one, dropped afterwards), for the runs below
            String timed = run(db, "bench", "reports", "--scale", "0.002", "--in-place", "--runs", "2", "--reference-runs",
                    "1");

            assertThat(timed).startsWith("0\n").contains("in place");
            for (String report : shopflow.reports.ReportCatalog.load().all().stream().map(r -> r.name()).toList()) {
                assertThat(timed).as(report).containsPattern("(?m)^" + report + " +([0-9.]+ ms|- ) ");
            }
            assertThat(timed).contains("rollup-backed reports: worst p95");
            // (the runs below skip the verify the first made: its filter cases run every reference again)
            assertThat(run(db, "bench", "reports", "--scale", "1", "--runs", "1", "--reference-runs", "1",
                    "--report", "daily_revenue", "--skip-verify")).startsWith("0\n").contains("already holds", "not generated");
            assertThat(run(db, "bench", "reports", "--runs", "2", "--reference-runs", "0", "--report", "daily_revenue",
                    "--skip-verify"))
                    .startsWith("0\n").containsPattern("(?m)^daily_revenue +[0-9.]+ ms +[0-9.]+ ms +- +- +-$")
                    .contains("worst p95").doesNotContain("speed-up 0");
            assertThat(run(db, "bench", "reports", "--reference-runs", "-1")).startsWith("1\n")
                    .contains("--reference-runs at least 0");
        }
    }
}
