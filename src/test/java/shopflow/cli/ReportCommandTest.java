package shopflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shopflow.TestDatabases;
import shopflow.db.Database;

class ReportCommandTest {

    private static Database database;

    @BeforeAll
    static void load() throws Exception {
        database = TestDatabases.fresh();
        try (InputStream in = ReportCommandTest.class.getResourceAsStream("/fixtures/shop.sql");
                Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static CommandLineTest.Run report(String... args) {
        String[] all = new String[args.length + 7];
        all[0] = "report";
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(new String[] {"--jdbc-url", database.jdbcUrl(), "--db-user", "shopflow", "--db-password",
            TestDatabases.password()}, 0, all, args.length + 1, 6);
        return CommandLineTest.run(all);
    }

    @Test
    void a_table_aligns_numbers_to_the_right_and_says_as_of_when() {
        CommandLineTest.Run run = report("top_products", "--as-of", "2026-06-30T12:00", "--param", "limit=2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().toList()).containsExactly(
                "net_sales_rank  product_id  sku    product_name   category  units  orders  gross_sales  discounts  returns"
                        + "  net_sales  margin_pct  rank_in_category  window_start            window_end",
                "--------------  ----------  -----  -------------  --------  -----  ------  -----------  ---------  -------"
                        + "  ---------  ----------  ----------------  ----------------------  ----------------------",
                "             1           2  LAP-2  Gaming Laptop  Laptops       2       2      3000.00     150.00     0.00"
                        + "    2850.00        36.8                 1  2026-06-01T00:00+01:00  2026-06-30T12:00+01:00",
                "             2           4  BK-1   Novel          Fiction       7       5        70.00       0.00     0.00"
                        + "      70.00        60.0                 1  2026-06-01T00:00+01:00  2026-06-30T12:00+01:00",
                "(2 rows, as of 2026-06-30T12:00+01:00)");
        assertThat(run.err()).contains("report: 2 rows, the report's limit; there may be more (--param limit=N, up to 10000)");
    }

    @Test
    void csv_and_json_keep_numbers_as_numbers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pairs.csv");
        CommandLineTest.Run csv = report("market_basket", "--as-of", "2026-06-30T12:00", "-p", "min_pair_orders=1",
                "--format", "csv", "--output", file.toString());
        assertThat(csv.exitCode()).as(csv.err()).isZero();
        assertThat(csv.err()).contains("1 rows written to " + file).doesNotContain("limit");
        assertThat(Files.readAllLines(file)).containsExactly(
                "product_1_id,product_1,product_2_id,product_2,orders_together,support_pct,confidence_1_to_2_pct,"
                        + "confidence_2_to_1_pct,lift,window_start,window_end",
                "4,Novel,5,Cookbook,1,14.29,20.0,100.0,1.40,\"2026-06-01T00:00+01:00\",\"2026-06-30T12:00+01:00\"");
        CommandLineTest.Run json = report("revenue_summary", "--as-of", "2026-06-30T12:00", "--format", "json");
        assertThat(json.out()).contains("\"as_of\":\"2026-06-30T12:00:00+01:00\"", "\"period\":\"today\"",
                "\"net_sales\":55.00", "\"net_sales_growth_pct\":null", "\"orders\":1");
    }

    @Test
    void bad_input_fails_with_the_reason_and_runs_nothing() {
        CommandLineTest.Run unknown = report("rfm_segment");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown report 'rfm_segment'; did you mean 'rfm_segments'?");
        CommandLineTest.Run wrongType = report("daily_revenue", "-p", "days=abc");
        assertThat(wrongType.exitCode()).isEqualTo(1);
        assertThat(wrongType.err()).contains("parameter 'days' = 'abc' must be a whole number from 1 to 3660");
        CommandLineTest.Run badMoment = report("daily_revenue", "--as-of", "yesterday");
        assertThat(badMoment.err()).contains("as-of 'yesterday' is not a date or time");
    }

    @Test
    void bench_fraud_without_generated_data_says_what_to_do() {
        CommandLineTest.Run run = CommandLineTest.run("bench", "fraud", "--jdbc-url", database.jdbcUrl(), "--db-user", "shopflow",
                "--db-password", TestDatabases.password());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no complete 'shopflow generate' run in this database");
    }
}
