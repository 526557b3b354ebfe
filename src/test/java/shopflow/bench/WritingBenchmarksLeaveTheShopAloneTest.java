package shopflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import shopflow.Main;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.generate.Generator;
import shopflow.generate.GeneratorSettings;

/**
 * The benchmarks that write (live, soak, ingest, and reports when it generates) work on a scratch
 * database of their own and drop it: the shop they measure keeps every row, as a hash of each
 * table's rows shows, and no scratch database is left on the server.
 */
class WritingBenchmarksLeaveTheShopAloneTest {

    private static final List<String> TABLES = List.of("orders", "order_items", "page_views", "cart_events",
            "stock_movements", "inventory");

    @Test
    void bench_live_soak_and_ingest_write_into_a_copy_of_the_shop_and_leave_the_shop_as_it_was() throws SQLException {
        String url;
        try (Database shop = TestDatabases.fresh()) {
            new Generator(shop, new GeneratorSettings(0.002, 42, OffsetDateTime.now(), ZoneId.of("Europe/London"), 2,
                    false), null, false).run();
            url = shop.jdbcUrl();
        } // closed: the copy needs the shop to have no other connection
        Map<String, String> before = fingerprint(url);
        assertThat(before.get("orders")).doesNotStartWith("0 ");

        String live = run("bench", "live", "--seconds", "1", "--clients", "1", "--orders-per-second", "10",
                "--events-per-second", "20", "--jdbc-url", url, "--db-password", TestDatabases.password());
        assertThat(live).startsWith("0\n").contains("measuring on a copy of the shop", "orders/s", "freshness under",
                "of which commit -> notification");
        assertThat(fingerprint(url)).isEqualTo(before);
        String freshness = run("bench", "live", "--freshness-only", "--seconds", "1", "--orders-per-second", "10",
                "--events-per-second", "20", "--jdbc-url", url, "--db-password", TestDatabases.password());
        assertThat(freshness).startsWith("0\n").contains("freshness under", "of which commit -> notification")
                .doesNotContain("order placement", "cost of the rollups");
        assertThat(fingerprint(url)).isEqualTo(before);

        String soak = run("bench", "soak", "--minutes", "0.1", "--orders-per-second", "10", "--events-per-second", "20",
                "--readers", "1", "--jdbc-url", url, "--db-password", TestDatabases.password());
        assertThat(soak).startsWith("0\n").contains("measuring on a copy of the shop", "order placed", "status change",
                "dashboard reload", "ok: stock equals the ledger");
        assertThat(fingerprint(url)).isEqualTo(before);

        String ingest = run("bench", "ingest", "--events", "400", "--batch", "100", "--clients", "2", "--jdbc-url", url, "--db-password", TestDatabases.password());
        assertThat(ingest).startsWith("0\n").contains("measuring on a copy of the shop", "events/s")
                .doesNotContain("removed the benchmark's");
        assertThat(fingerprint(url)).isEqualTo(before);

        // someone else connected (a web server, psql): no copy can be made, a shop of its size is generated instead
        try (Connection someone = DriverManager.getConnection(url, "shopflow", TestDatabases.password())) {
            String generated = run("bench", "ingest", "--events", "200", "--batch", "100", "--clients", "1",
                    "--jdbc-url", url, "--db-password", TestDatabases.password());
            assertThat(generated).startsWith("0\n").contains("cannot be copied while others are connected",
                    "generating a shop of scale 0.002", "events/s");
        }
        assertThat(fingerprint(url)).isEqualTo(before);
        assertThat(scratchDatabasesLeft(url)).isEmpty();
    }

    @Test
    void bench_reports_generates_into_a_scratch_database_and_in_place_only_when_asked() throws SQLException {
        String url;
        try (Database empty = TestDatabases.fresh()) {
            url = empty.jdbcUrl();
        }
        // --skip-verify: BenchReportsCommandTest verifies the same generated shop (scale 0.002, seed 42, as of
        // now) in bench reports, in place; here only where it is generated matters
        String timed = run("bench", "reports", "--scale", "0.002", "--runs", "1", "--reference-runs", "0",
                "--report", "daily_revenue", "--skip-verify", "--jdbc-url", url, "--db-password", TestDatabases.password());
        assertThat(timed).startsWith("0\n").contains("generating into a scratch database", "worst p95");
        assertThat(fingerprint(url)).allSatisfy((table, rows) -> assertThat(rows).as(table).startsWith("0 "));
        assertThat(scratchDatabasesLeft(url)).isEmpty();
    }

    static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return code + "\n" + out + err;
    }

    /** Per table: its row count and an md5 of all its rows, in order. */
    static Map<String, String> fingerprint(String url) throws SQLException {
        Map<String, String> tables = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url, "shopflow", TestDatabases.password()); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet r = s.executeQuery("select count(*) || ' ' || coalesce(md5(string_agg(t::text, ','"
                        + " order by t::text)), '') from " + table + " t")) {
                    r.next();
                    tables.put(table, r.getString(1));
                }
            }
        }
        return tables;
    }

    private static List<String> scratchDatabasesLeft(String url) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "shopflow", TestDatabases.password()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select datname from pg_database where datname like 'shopflow\\_bench\\_%'")) {
            while (r.next()) {
                names.add(r.getString(1));
            }
        }
        return names;
    }
}
