package shopflow.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.generate.GeneratedData.number;
import static shopflow.generate.GeneratedData.strings;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportParameter;
import shopflow.rollups.Drift;
import shopflow.rollups.RollupVerifier;

/**
 * The rollups a generated shop starts with (scale 0.01: 4,600 customers, 5,000 orders, ~50,000
 * page views): the funnel's session rows the generator writes itself are the ones the SQL rebuild
 * derives from the raw rows, and every report agrees with its reference SQL. (In this order: the
 * second test rebuilds the rollups.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GeneratedRollupsTest {

    private static final String FUNNEL_SESSIONS = """
            select string_agg(format('%s %s %s %s %s %s %s %s', session_id, first_seen_at, product_view_at, add_at,
                                     checkout_at, order_at, landing_channel, landing_device), E'\\n' order by session_id)
            from rollups.funnel_sessions""";
    private static final String FUNNEL_DAYS = """
            select string_agg(format('%s %s %s %s %s', first_day, stage, reach_day, reach_hour, sessions), E'\\n'
                              order by first_day, stage, reach_day, reach_hour)
            from rollups.funnel_days""";
    private static Database db;

    @BeforeAll
    static void generate() {
        db = TestDatabases.fresh();
        GeneratedData.generate(db, 0.01, 2);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    @Order(2)
    void the_generators_funnel_sessions_and_days_are_the_ones_the_sql_rebuild_derives_from_the_raw_rows() {
        double sessions = number(db, "select count(*) from rollups.funnel_sessions");
        double withCheckout = number(db, "select count(*) from rollups.funnel_sessions where checkout_at is not null");
        double withOrder = number(db, "select count(*) from rollups.funnel_sessions where order_at is not null");
        assertThat(sessions).as("sessions").isEqualTo(number(db, """
                select count(*) from (select session_id from page_views union select session_id from cart_events
                                      union select session_id from orders where session_id is not null) s"""));
        assertThat(withCheckout).as("sessions with a checkout, of %s", sessions).isGreaterThan(0);
        assertThat(withOrder).as("sessions with an order, of %s", sessions).isGreaterThan(0);
        assertThat(number(db, "select count(*) from rollups.funnel_sessions where checkout_at is not null and order_at is null"))
                .as("sessions that abandon at checkout, of %s", sessions).isGreaterThan(0);
        List<String> generated = List.of(strings(db, FUNNEL_SESSIONS).get(0), strings(db, FUNNEL_DAYS).get(0));

        execute("select rebuild_rollups(array['funnel', 'funnel_days'])");

        List<String> rebuilt = List.of(strings(db, FUNNEL_SESSIONS).get(0), strings(db, FUNNEL_DAYS).get(0));
        assertThat(generated.get(0)).as("rollups.funnel_sessions as generated vs as rebuilt").isEqualTo(rebuilt.get(0));
        assertThat(generated.get(1)).as("rollups.funnel_days as generated vs as rebuilt").isEqualTo(rebuilt.get(1));
    }

    @Test
    @Order(0)
    void the_generated_rollups_are_vacuumed_every_page_visible_to_all() {
        // a count over an index reads the heap for each row on a page not marked so
        assertThat(number(db, "select count(*) from pg_class where relnamespace = 'rollups'::regnamespace and relkind = 'r'"))
                .as("rollup tables").isGreaterThan(30);
        assertThat(strings(db, """
                select coalesce(string_agg(format('%s: %s of %s pages', relname, relallvisible, relpages), ', '), 'none')
                from pg_class
                where relnamespace = 'rollups'::regnamespace and relkind = 'r' and relallvisible < relpages"""))
                .as("rollup tables with pages not marked visible to all").containsExactly("none");
    }

    @Test
    @Order(1)
    void every_report_from_the_generated_rollups_equals_its_reference_sql() {
        RollupVerifier verifier = new RollupVerifier(db.dataSource());
        for (OffsetDateTime asOf : List.of(OffsetDateTime.of(2026, 6, 30, 11, 0, 0, 0, ZoneOffset.UTC),
                OffsetDateTime.of(2025, 12, 24, 18, 30, 0, 0, ZoneOffset.UTC))) {
            assertThat(verifier.verifyUnfiltered(asOf)).as("drifts as of %s", asOf).extracting(Drift::describe).isEmpty();
        }
        // each report that takes filters once with some on the generated shop's data (every filter case
        // of verify is a minute and a half here; RollupExactnessTest and FilterApiTest try them all)
        OffsetDateTime asOf = OffsetDateTime.of(2026, 6, 30, 11, 0, 0, 0, ZoneOffset.UTC);
        String category = strings(db, "select slug from categories where parent_id is null order by category_id limit 1").get(0);
        for (Report report : ReportCatalog.load().all()) {
            List<String> taken = report.filters().stream().map(ReportParameter::name).toList();
            Map<String, String> filters = new TreeMap<>();
            if (taken.contains("device")) {
                filters.put("device", "mobile");
            }
            if (taken.contains("customer")) {
                filters.put("customer", "new");
            }
            if (taken.contains("category")) {
                filters.put("category", category);
            }
            if (!filters.isEmpty()) {
                assertThat(verifier.compare(report.name(), asOf, filters)).as(report.name() + " " + filters)
                        .map(Drift::describe).isEmpty();
            }
        }
    }

    @Test
    @Order(3)
    void rollup_maintenance_is_back_on_after_the_load() {
        assertThat(number(db, "select count(*) from pg_trigger where tgname like '%\\_rollups\\_%' and tgenabled = 'D'"))
                .as("rollup triggers left disabled").isZero();
        execute("insert into page_views (session_id, page_url, viewed_at) values ('after-the-load', '/', '2026-06-30 10:00+00')");
        assertThat(strings(db, "select (first_seen_at = '2026-06-30 10:00+00')::text from rollups.funnel_sessions"
                + " where session_id = 'after-the-load'")).as("the new session's first page view").containsExactly("true");
    }

    private static void execute(String sql) {
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
