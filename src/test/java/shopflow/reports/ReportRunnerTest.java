package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import shopflow.TestDatabases;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A report can neither change data nor hold the database for long. */
class ReportRunnerTest {

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    @RegisterExtension
    static final ReportFixture empty = ReportFixture.empty();

    private static Report report(String name, String sql) {
        return ReportFile.parse(name, """
                -- question: test
                -- grain:    test
                -- column:   x | x | x
                """ + sql);
    }

    @Test
    void a_report_that_tries_to_write_is_stopped_and_changes_nothing() {
        Report writer = report("writer", "with gone as (delete from orders returning order_id) select count(*) as x from gone;");
        assertThatThrownBy(() -> new ReportRunner(shop.database().dataSource()).run(writer, ReportFixture.AS_OF, Map.of()))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("report writer failed")
                .hasMessageContaining("read-only transaction");
        assertThat(shop.run("customer_lifetime").rows()).hasSize(6);
    }

    @Test
    void a_too_long_report_is_stopped_with_a_clear_message() {
        Report slow = report("slow", "select pg_sleep(5) as x;");
        long started = System.nanoTime();
        assertThatThrownBy(() -> new ReportRunner(shop.database().dataSource(), Duration.ofMillis(300))
                .run(slow, ReportFixture.AS_OF, Map.of()))
                .isInstanceOf(ReportException.class)
                .hasMessage("report slow took longer than 0.3 s and was stopped");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void a_limited_report_runs_with_its_work_mem_and_temp_file_limit_as_the_reader() {
        Report settings = ReportFile.parse("settings", """
                -- question: test
                -- grain:    test
                -- column:   work_mem | x | x
                -- column:   temp_file_limit | x | x
                -- column:   role | x | x
                select current_setting('work_mem') as work_mem, current_setting('temp_file_limit') as temp_file_limit,
                       current_user as role;
                """);
        ReportRunner runner = new ReportRunner(shop.database().dataSource()).asRole("shopflow_reader")
                .limited("16MB", "512MB");
        assertThat(runner.run(settings, ReportFixture.AS_OF, Map.of()).rows())
                .containsExactly(List.of("16MB", "512MB", "shopflow_reader"));
        assertThat(runner.limitsTempFiles()).isTrue();
        // set local: the next user of the connection has the server's settings again
        assertThat(new ReportRunner(shop.database().dataSource()).run(settings, ReportFixture.AS_OF, Map.of()).rows())
                .containsExactly(List.of("32MB", "-1", "shopflow"));
    }

    @Test
    void where_the_user_may_not_set_temp_file_limit_reports_still_run_with_the_other_limits() {
        // a superuser's setting: a user without the grant (an external server's, say) cannot set it
        TestDatabases.execute(TestDatabases.port(), "drop role if exists report_no_temp_grant;"
                + " create role report_no_temp_grant login password 'no-grant'");
        PGSimpleDataSource plain = new PGSimpleDataSource();
        plain.setUrl(shop.database().jdbcUrl());
        plain.setUser("report_no_temp_grant");
        plain.setPassword("no-grant");
        Report settings = report("settings", "select current_setting('work_mem') || ' ' || current_setting('temp_file_limit') as x;");
        ReportRunner runner = new ReportRunner(plain).limited("16MB", "512MB");
        assertThat(runner.run(settings, ReportFixture.AS_OF, Map.of()).rows()).containsExactly(List.of("16MB -1"));
        assertThat(runner.limitsTempFiles()).isFalse();
    }

    @Test
    void a_report_over_its_temp_file_limit_is_stopped_with_a_clear_message() {
        Report spill = report("spill", "select count(*) as x from (select g from generate_series(1, 2000000) g"
                + " order by g desc) s;");
        assertThatThrownBy(() -> new ReportRunner(shop.database().dataSource()).limited("64kB", "1MB")
                .run(spill, ReportFixture.AS_OF, Map.of()))
                .isInstanceOf(ReportException.class)
                .hasMessage("report spill needed more than 1MB of temporary files and was stopped");
        assertThat(new ReportRunner(shop.database().dataSource()).limited("64kB", "1GB")
                .run(spill, ReportFixture.AS_OF, Map.of()).rows()).containsExactly(List.of(2000000L));
    }

    @Test
    void the_timeout_and_read_only_setting_do_not_leak_into_the_next_use_of_the_connection() {
        Report slow = report("slow", "select pg_sleep(1) as x;");
        ReportRunner impatient = new ReportRunner(shop.database().dataSource(), Duration.ofMillis(100));
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> impatient.run(slow, ReportFixture.AS_OF, Map.of())).isInstanceOf(ReportException.class);
        }
        ReportFixture.execute(shop.database(), "select pg_sleep(0.3); create temporary table still_writable (x int)");
    }

    @Test
    void every_report_runs_on_an_empty_shop_and_returns_the_columns_its_header_declares() {
        for (Report report : ReportCatalog.load().all()) {
            ReportResult result = empty.run(report.name());
            assertThat(result.columns()).as(report.name())
                    .containsExactlyElementsOf(report.columns().stream().map(ReportColumn::name).toList());
        }
    }

    @Test
    void the_catalog_holds_every_report_of_the_brief_and_more() {
        assertThat(ReportCatalog.load().all().stream().map(Report::name).toList()).containsExactly(
                "category_sales", "conversion_funnel", "customer_lifetime", "daily_revenue", "fraud_review",
                "kpi_days", "kpi_tiles", "low_stock", "market_basket", "retention_cohorts", "revenue_summary", "rfm_customers",
                "rfm_segments", "shop_vitals", "top_products");
    }

    @Test
    void no_report_reads_the_wall_clock() {
        for (Report report : ReportCatalog.load().all()) {
            assertThat(report.sql().toLowerCase()).as(report.name())
                    .doesNotContain("now()", "current_date", "current_timestamp", "localtimestamp", "clock_timestamp");
        }
    }

    @Test
    void customer_reports_mark_their_personal_columns() {
        List<String> personal = ReportCatalog.load().all().stream()
                .filter(r -> r.audience() == Audience.AGGREGATE)
                .flatMap(r -> r.columns().stream().filter(ReportColumn::personal).map(c -> r.name() + "." + c.name()))
                .toList();
        assertThat(personal).as("personal columns in aggregate reports").isEmpty();
        assertThat(ReportCatalog.load().get("customer_lifetime").column("email").orElseThrow().personal()).isTrue();
    }
}
