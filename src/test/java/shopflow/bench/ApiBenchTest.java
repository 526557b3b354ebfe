package shopflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import shopflow.Main;
import shopflow.TestDatabases;
import shopflow.db.Database;

class ApiBenchTest {

    private static final Pattern PANEL = Pattern.compile(
            "report: '(\\w+)',(?:\\s*//[^\\n]*)*(?:\\s*params: \\{([^}]*)\\})?");

    @Test
    void the_bench_asks_for_the_panels_the_dashboard_shows_with_its_parameters() throws IOException {
        String app;
        try (InputStream in = ApiBench.class.getResourceAsStream("/web/app.js")) {
            app = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<ApiBench.Panel> dashboard = new ArrayList<>();
        Matcher m = PANEL.matcher(app);
        while (m.find()) {
            if (m.group(1).equals("alerts")) {
                continue; // not a report: GET /api/alerts
            }
            Map<String, String> params = new LinkedHashMap<>();
            if (m.group(2) != null) {
                for (String pair : m.group(2).split(",")) {
                    String[] nameValue = pair.split(":", 2);
                    params.put(nameValue[0].strip(), nameValue[1].strip().replace("'", ""));
                }
            }
            dashboard.add(new ApiBench.Panel(m.group(1), params));
        }
        assertThat(dashboard).hasSizeGreaterThan(5);
        assertThat(ApiBench.DASHBOARD).containsExactlyElementsOf(dashboard);
    }

    @Test
    void bench_api_times_each_panel_over_http_beside_the_brief_query_and_revokes_its_tokens() throws Exception {
        try (Database db = TestDatabases.fresh()) {
            assertThat(run(db, "bench", "api")).startsWith("1\n").contains("has no orders");
            BenchData.generateShop(db, 0.002, OffsetDateTime.parse("2026-06-30T12:00:00Z"));
            String out = run(db, "bench", "api", "--panel", "daily_revenue", "--panel", "rfm_segments", "--runs", "3",
                    "--seconds", "1", "--clients", "2", "--reference-runs", "1", "--drill-pages", "3");
            assertThat(out).startsWith("0\n");
            for (String panel : List.of("daily_revenue", "rfm_segments")) {
                // computed p50, p95, the brief's median, speed-up | served p95 | computed req/s, p95 |
                // served req/s, p95 | revalidated req/s, p95, share of 304s
                assertThat(out).as(out).containsPattern("(?m)^" + panel
                        + " +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms +[0-9]+x \\| +[0-9.]+ ms \\| +[1-9][0-9]* +[0-9.]+ ms"
                        + " \\| +[1-9][0-9]* +[0-9.]+ ms \\| +[1-9][0-9]* +[0-9.]+ ms +[0-9.]+ %$");
            }
            assertThat(out).contains("worst p95 one at a time: computed").doesNotContain("conversion_funnel")
                    .containsPattern("smallest speed-up over the brief's query: computed [0-9]+x, served [0-9]+x");
            // the busiest day of the last 30 (as of now: the shop's history ended in June, so no orders)
            assertThat(out).containsPattern("(?m)^day_orders +day=[0-9-]+ +1 +0 +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms$");
            assertThat(out).containsPattern("(?m)^segment_customers +segment=\\S+ +[1-3] +[1-9][0-9]* ");
            try (Connection c = db.connection(); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("select count(*) filter (where revoked_at is null), count(*)"
                            + " from api.tokens where label = 'bench api'")) {
                r.next();
                assertThat(r.getLong(1)).isZero();
                assertThat(r.getLong(2)).isEqualTo(3); // one per client, one for the drills
            }
            // --filters: the filtered drills alone, each filter case (a rare one among them), no panel timed
            String filtered = run(db, "bench", "api", "--filters", "--drill-pages", "2");
            assertThat(filtered).as(filtered).startsWith("0\n").doesNotContain("comp p50")
                    .containsPattern("(?m)^period_orders +period=year_to_date&device=tablet +[1-2] +[0-9]+ ")
                    .containsPattern("(?m)^period_orders +period=month_to_date&coupon=no&customer=returning +")
                    .containsPattern("(?m)^day_orders +day=[0-9-]+&channel=email&coupon=yes +1 +0 +[0-9.]+ ms");
            assertThat(run(db, "bench", "api", "--filters", "--drill-pages", "0")).startsWith("1\n")
                    .contains("--drill-pages at least 1");
            assertThat(run(db, "bench", "api", "--panel", "customer_lifetime")).startsWith("1\n")
                    .contains("not a dashboard panel");

            // a busy day: orders placed now into a copy, the panels timed there, the shop untouched
            long shopOrders = BenchData.orders(db);
            String busy = run(db, "bench", "api", "--busy-day", "40", "--panel", "revenue_summary", "--runs", "2",
                    "--seconds", "1", "--clients", "2", "--reference-runs", "0", "--drill-pages", "0");
            assertThat(busy).as(busy).startsWith("0\n").contains("placed 40 orders in")
                    // without the brief's query its median and speed-up read "-", not NaN
                    .containsPattern("(?m)^revenue_summary +[0-9.]+ ms +[0-9.]+ ms +- +- \\|").doesNotContain("NaN");
            // the copy's day: its own orders of today (a copy of this shop has none; a shop generated
            // in its stead, when the shop cannot be copied, may have a few) and the 40
            Matcher today = Pattern.compile("placed 40 orders in[^\n]*\n([0-9,]+) orders, ([0-9,]+) of them today")
                    .matcher(busy);
            assertThat(today.find()).as(busy).isTrue();
            assertThat(Long.parseLong(today.group(2).replace(",", ""))).isGreaterThanOrEqualTo(40);
            assertThat(BenchData.orders(db)).isEqualTo(shopOrders);
            assertThat(BenchData.ordersToday(db)).isZero();
            assertThat(run(db, "bench", "api", "--busy-day", "-1")).startsWith("1\n").contains("--busy-day 0 to 1000000");
        }
    }

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
}
