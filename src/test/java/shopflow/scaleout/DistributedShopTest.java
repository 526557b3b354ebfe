package shopflow.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;
import shopflow.Main;
import shopflow.TempDirectories;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;
import shopflow.db.SqlScripts;
import shopflow.generate.Generator;
import shopflow.generate.GeneratorSettings;
import shopflow.orders.ConcurrentOrdersScenario;
import shopflow.orders.OrderLifecycle;
import shopflow.orders.OrderRefunds;
import shopflow.orders.OrderStatus;
import shopflow.clv.CustomerValueFits;
import shopflow.clv.CustomerValueModel;
import shopflow.reports.AsOf;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportException;
import shopflow.reports.ReportFormat;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;
import shopflow.rollups.Drift;
import shopflow.orders.Restocking;
import shopflow.rollups.RollupVerifier;
import shopflow.rollups.Rollups;
import shopflow.web.Role;
import shopflow.web.WebServer;

/**
 * The same shop on a Citus cluster (a coordinator and two workers) and on one embedded node: the
 * same generated data (same seed), and every report must answer the same rows on both. On the node
 * the reports read the rollups kept by triggers; on the cluster those kept by the catch-up job
 * (catch_up_rollups()), with the same SQL.
 */
// In this order: the comparisons with the single node first, then the writes made on the cluster
// alone, and the stopped worker last (the connections Citus had open to it fail once afterwards).
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedShopTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final OffsetDateTime GENERATED_AS_OF = AsOf.parse("2026-06-30T12:00", LONDON);
    /** What an imported shop holds, compared between the cluster and one node. */
    private static final String IMPORTED_COUNTS = "select (select count(*) from orders) || ' orders, '"
            + " || (select count(*) from order_items) || ' lines, ' || (select count(*) from customers) || ' customers, '"
            + " || (select count(*) from order_refunds) || ' refund lines, '"
            + " || (select count(*) from order_status_changes) || ' status changes'";

    private static CitusCluster cluster;
    private static Database distributed;
    private static Database single;

    @BeforeAll
    static void start() {
        cluster = CitusCluster.start();
        try (Database created = cluster.database("shop")) {
            Migrations.migrate(created);
            Distribution.apply(created, null, step -> { });
        }
        distributed = cluster.open("shop");
        single = TestDatabases.fresh();
        for (Database database : List.of(distributed, single)) {
            new Generator(database, new GeneratorSettings(0.01, 42, GENERATED_AS_OF, LONDON, 2, false), null, false)
                    .run();
        }
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable open : new AutoCloseable[] {distributed, single, cluster}) {
            try {
                if (open != null) {
                    open.close();
                }
            } catch (Exception e) {
                // keep closing the others
            }
        }
    }

    @Test
    @Order(10)
    void the_orders_and_events_are_spread_over_both_workers() throws SQLException {
        assertThat(Cluster.isDistributed(distributed.dataSource())).isTrue();
        assertThat(Cluster.isDistributed(single.dataSource())).isFalse();
        assertThat(scalar(distributed, """
                select string_agg(distinct nodeport::text, ',' order by nodeport::text) from citus_shards
                where table_name in ('orders'::regclass, 'page_views'::regclass)"""))
                .isEqualTo(cluster.workerPort(1) + "," + cluster.workerPort(2));
        assertThat(scalar(distributed, "select count(*) from orders")).isEqualTo(scalar(single, "select count(*) from orders"));
        assertThat(scalar(distributed, "select count(*) from orders")).isNotEqualTo("0");
        // 4 shards per worker unless told otherwise
        assertThat(scalar(distributed, "select shard_count from citus_tables where table_name = 'orders'::regclass"))
                .isEqualTo("8");
        // the coordinator's sessions (new ones: the setting is the database's) do not compile plans
        assertThat(scalar(distributed, "show jit")).isEqualTo("off");
        // nor do the workers' (run_command_on_workers opens new sessions)
        assertThat(scalar(distributed, "select string_agg(result, ',') from run_command_on_workers('show jit')"))
                .isEqualTo("off,off");
        // the catch-up job reads new rows by id: each source whose key now leads with its
        // distribution column has an index on the id alone, on every shard
        assertThat(scalar(distributed, """
                select string_agg(c.relname || '(' || a.attname || ')', ', ' order by c.relname)
                from pg_index i
                join pg_class c on c.oid = i.indrelid
                join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
                where i.indnatts = 1
                  and (c.relname, a.attname) in (('order_items', 'item_id'), ('order_status_changes', 'change_id'),
                      ('order_refunds', 'refund_line_id'), ('page_views', 'view_id'), ('cart_events', 'event_id'),
                      ('stock_movements', 'movement_id'))"""))
                .isEqualTo("cart_events(event_id), order_items(item_id), order_refunds(refund_line_id),"
                        + " order_status_changes(change_id), page_views(view_id), stock_movements(movement_id)");
        assertThat(scalar(distributed, """
                select string_agg(result, ',') from run_command_on_workers(
                    'select count(*) from pg_indexes where indexname like ''idx\\_order\\_items\\_item\\_%'''
                        || ' or indexname like ''idx\\_pageviews\\_view\\_%''')"""))
                .as("each worker's shards of order_items and page_views, 4 each").isEqualTo("8,8");
    }

    @Test
    @Order(11)
    void the_generator_writes_each_row_to_its_shard_and_numbers_it_as_one_node_does() throws SQLException {
        // the distributed tables' rows go straight to their shards on the workers (ShardCopies), each
        // by the hash Citus places it by, their ids numbered as one node's sequences number them
        for (String[] table : new String[][] {{"orders", "order_id"}, {"order_items", "order_id"},
                {"order_coupons", "order_id"}, {"order_status_changes", "order_id"},
                {"generator.fraud_ground_truth", "order_id"}, {"page_views", "session_id"},
                {"cart_events", "session_id"}, {"stock_movements", "product_id"}, {"inventory", "product_id"}}) {
            assertThat(scalar(distributed, """
                    select sum(result::bigint) from run_command_on_shards('%s', $$
                        select count(*) from %%1$s t
                        join pg_dist_shard s on s.shardid = (regexp_match('%%1$s', '_(\\d+)$'))[1]::bigint
                        where worker_hash(t.%s) not between s.shardminvalue::int and s.shardmaxvalue::int$$)"""
                    .formatted(table[0], table[1])))
                    .as("rows of %s on a shard not holding their hash", table[0]).isEqualTo("0");
        }
        for (String rows : List.of(
                "select count(*) || ',' || md5(string_agg(concat_ws(':', item_id, order_id, product_id, quantity), ',' order by item_id)) from order_items",
                "select count(*) || ',' || md5(string_agg(concat_ws(':', change_id, order_id, to_status, changed_at), ',' order by change_id)) from order_status_changes",
                "select count(*) || ',' || md5(string_agg(concat_ws(':', view_id, session_id, page_url, viewed_at), ',' order by view_id)) from page_views",
                "select count(*) || ',' || md5(string_agg(concat_ws(':', event_id, session_id, action, event_at), ',' order by event_id)) from cart_events",
                "select count(*) || ',' || md5(string_agg(concat_ws(':', movement_id, product_id, item_id, quantity, moved_at), ',' order by movement_id)) from stock_movements",
                "select count(*) || ',' || md5(string_agg(concat_ws(':', order_id, customer_id, total_amount, status, created_at), ',' order by order_id)) from orders")) {
            assertThat(scalar(distributed, rows)).as(rows).isEqualTo(scalar(single, rows)).doesNotStartWith("0,");
        }
    }

    @Test
    @Order(20)
    void every_report_answers_the_same_rows_on_the_cluster_as_on_one_node() {
        ReportRunner nodeRunner = new ReportRunner(single.dataSource());
        ReportRunner clusterRunner = new ReportRunner(distributed.dataSource());
        List<Map<String, String>> parameterSets = List.of(Map.of());
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (OffsetDateTime asOf : List.of(GENERATED_AS_OF, GENERATED_AS_OF.minusDays(47).minusHours(5),
                AsOf.parse("2025-12-24T18:00", LONDON))) {
            for (Report report : ReportCatalog.load().all()) {
                for (Map<String, String> defaults : parameterSets) {
                    // a small shop's 30 days hold few pairs bought together 20 times
                    Map<String, String> parameters = report.name().equals("market_basket")
                            ? Map.of("min_pair_orders", "2") : defaults;
                    ReportResult fromNode = nodeRunner.run(report, asOf, parameters);
                    ReportResult fromCluster = clusterRunner.run(report, asOf, parameters);
                    // fraud_review's 30 days hold rows only where the generated fraud fell
                    if (!report.name().equals("fraud_review")) {
                        assertThat(fromNode.rows()).as(report.name() + " has rows as of " + asOf).isNotEmpty();
                    }
                    RollupVerifier.firstDifference(report.name(), asOf, parameters, fromCluster, fromNode)
                            .map(Drift::describe).ifPresent(differences::add);
                    compared++;
                }
            }
        }
        assertThat(differences).as("cluster (first) vs one node (second)").isEmpty();
        assertThat(compared).isEqualTo(3 * ReportCatalog.load().all().size());
    }

    @Test
    @Order(22)
    void every_report_file_runs_in_psql_on_the_cluster_and_under_explain_analyze_too() {
        // Citus runs a report it cannot plan whole in parts, and may run a part that calls a
        // function reading a distributed table as a task of its own on the coordinator: without
        // the functions' setting (db/citus/cluster-definitions.sql) top_products' EXPLAIN ANALYZE
        // stopped with "cannot execute a distributed query from a query on a shard"
        List<String> failures = new ArrayList<>();
        for (Report report : ReportCatalog.load().all()) {
            String explained = report.source().replaceFirst("(?m)^with$", "explain (analyze, costs off) with");
            assertThat(explained).as(report.name() + " has a statement to explain").isNotEqualTo(report.source());
            Map<String, String> scripts = Map.of(report.name(), report.source(),
                    report.name() + " (explain analyze)", explained);
            scripts.forEach((run, script) -> {
                String printed = cluster.psql("shop", script, "as_of='2026-06-30 12:00'");
                if (!printed.startsWith("0\n") || printed.contains("ERROR")) {
                    failures.add(run + ": " + printed);
                }
            });
        }
        assertThat(failures).isEmpty();
    }

    @Test
    @Order(23)
    void the_reports_reading_the_shop_tables_through_functions_are_planned_whole_by_postgresql() {
        // their reads of distributed and reference tables are functions, so their queries name only
        // the coordinator's rollups: no CTE run apart as a Citus subplan (low_stock had 19 of them,
        // most of its time at scale 10; docs/scale-out.md)
        for (String name : List.of("fraud_review", "shop_vitals", "low_stock")) {
            String explained = ReportCatalog.load().get(name).source()
                    .replaceFirst("(?m)^with$", "explain (costs off) with");
            String printed = cluster.psql("shop", explained, "as_of='2026-06-30 12:00'");
            assertThat(printed).as(name + "'s plan").startsWith("0\n").contains("Sort").doesNotContain("ERROR")
                    .doesNotContain("Citus").doesNotContain("Subplan");
        }
    }

    @Test
    @Order(25)
    void the_customer_value_fit_and_the_customers_predictions_are_the_same_on_the_cluster() {
        List<String> differences = new ArrayList<>();
        for (Database database : List.of(single, distributed)) {
            CustomerValueFits.Fit fit = new CustomerValueFits(database.dataSource()).fitAndStore(GENERATED_AS_OF);
            assertThat(fit.reason()).as("fit on " + database.jdbcUrl()).isNull();
        }
        CustomerValueModel onNode = new CustomerValueFits(single.dataSource()).latest(GENERATED_AS_OF).orElseThrow()
                .model().orElseThrow();
        CustomerValueModel onCluster = new CustomerValueFits(distributed.dataSource()).latest(GENERATED_AS_OF)
                .orElseThrow().model().orElseThrow();
        assertThat(onCluster.orders()).isEqualTo(onNode.orders());
        assertThat(onCluster.value()).isEqualTo(onNode.value());
        ReportRunner nodeRunner = new ReportRunner(single.dataSource());
        ReportRunner clusterRunner = new ReportRunner(distributed.dataSource());
        for (String name : List.of("customer_lifetime", "rfm_customers")) {
            Report report = ReportCatalog.load().get(name);
            Map<String, String> parameters = name.equals("rfm_customers") ? Map.of("segment", "Hibernating") : Map.of();
            ReportResult fromNode = nodeRunner.run(report, GENERATED_AS_OF, parameters);
            assertThat(fromNode.value(0, "p_active")).as(name + " predicts").isNotNull();
            RollupVerifier.firstDifference(name, GENERATED_AS_OF, parameters,
                    clusterRunner.run(report, GENERATED_AS_OF, parameters), fromNode)
                    .map(Drift::describe).ifPresent(differences::add);
        }
        assertThat(differences).as("cluster (first) vs one node (second)").isEmpty();
    }

    @Test
    @Order(27)
    void alerts_judge_every_hour_and_day_the_same_on_the_cluster_as_on_one_node() throws SQLException {
        // the last 2 days' hours and 14 days of every KPI, each window with its baseline and verdict
        String evaluations = """
                select count(*) || ' windows judged, ' || count(severity) || ' alerting: '
                       || coalesce(string_agg(concat_ws(' ', kpi, grain, window_start, observed, expected, spread,
                                                        score, samples, severity), '; ' order by grain, kpi, window_start), '')
                from (select * from alert_evaluations('hour', timestamptz '%1$s' - interval '2 days', '%1$s')
                      union all
                      select * from alert_evaluations('day', timestamptz '%1$s' - interval '14 days', '%1$s')) as e
                """.formatted(GENERATED_AS_OF);
        String onNode = scalar(single, evaluations);
        assertThat(onNode).doesNotStartWith("0 windows");
        assertThat(scalar(distributed, evaluations)).isEqualTo(onNode);
        // every KPI judged; the events are counted from the distributed page views and cart events
        String judged = """
                select count(distinct kpi) || ' KPIs, ' || sum(observed) filter (where kpi = 'ingested_events') || ' events'
                from alert_evaluations('day', timestamptz '%1$s' - interval '14 days', '%1$s')""".formatted(GENERATED_AS_OF);
        assertThat(scalar(distributed, judged)).isEqualTo(scalar(single, judged)).startsWith("8 KPIs, ")
                .doesNotEndWith(" 0 events");
        // the server's minute: the same alerts raised and kept, and both grains marked judged
        String raised = "select count(*) || ': ' || coalesce(string_agg(kpi || ' ' || grain || ' ' || window_start, ', '"
                + " order by kpi, grain, window_start), '') from evaluate_alerts('" + GENERATED_AS_OF + "')";
        assertThat(scalar(distributed, raised)).isEqualTo(scalar(single, raised));
        assertThat(scalar(distributed, "select count(*) from alerts.evaluated")).isEqualTo("2");
    }

    @Test
    @Order(30)
    void some_reports_with_other_parameters_answer_the_same_rows_too() {
        ReportRunner nodeRunner = new ReportRunner(single.dataSource());
        ReportRunner clusterRunner = new ReportRunner(distributed.dataSource());
        ReportCatalog reports = ReportCatalog.load();
        Map<String, Map<String, String>> cases = Map.of(
                "daily_revenue", Map.of("days", "400"),
                "top_products", Map.of("limit", "300", "days", "400"),
                "market_basket", Map.of("min_pair_orders", "2", "limit", "200", "days", "400"),
                "rfm_customers", Map.of("segment", "At Risk", "limit", "100000"),
                "low_stock", Map.of("show", "all", "days", "90", "limit", "100000"),
                "fraud_review", Map.of("days", "365"),
                "conversion_funnel", Map.of("days", "365"),
                "retention_cohorts", Map.of("cohorts", "24"));
        List<String> differences = new ArrayList<>();
        cases.forEach((name, parameters) -> {
            ReportResult fromNode = nodeRunner.run(reports.get(name), GENERATED_AS_OF, parameters);
            ReportResult fromCluster = clusterRunner.run(reports.get(name), GENERATED_AS_OF, parameters);
            assertThat(fromNode.rows()).as(name).isNotEmpty();
            RollupVerifier.firstDifference(name, GENERATED_AS_OF, parameters, fromCluster, fromNode)
                    .map(Drift::describe).ifPresent(differences::add);
        });
        assertThat(differences).isEmpty();

        // the basket facets are not kept on a cluster: an order filter is refused there, naming it
        assertThatThrownBy(() -> clusterRunner.run(reports.get("market_basket"), GENERATED_AS_OF,
                Map.of("device", "mobile")))
                .isInstanceOfSatisfying(ReportException.class, refused -> {
                    assertThat(refused.kind()).isEqualTo(ReportException.Kind.BAD_PARAMETER);
                    assertThat(refused.field()).isEqualTo("device");
                })
                .hasMessageContaining("no order filter on a Citus cluster");
    }

    @Test
    @Order(32)
    void customer_reports_recounting_every_customer_on_the_cluster_answer_as_one_node_does_by_id()
            throws SQLException {
        // a moment far back recounts every customer on a cluster (recount_by_id_limit(), R__22):
        // here for every moment in the past, against one node recounting the same customers by id
        ReportCatalog reports = ReportCatalog.load();
        List<String> differences = new ArrayList<>();
        try (Database everyCustomer = Database.open(DatabaseOptions.external(
                distributed.jdbcUrl() + "?options=-c%20shopflow.recount_by_id_limit=0", "postgres", null))) {
            try (Connection c = everyCustomer.connection(); Statement s = c.createStatement();
                    ResultSet limit = s.executeQuery("select recount_by_id_limit()")) {
                limit.next();
                assertThat(limit.getInt(1)).isZero();
            }
            ReportRunner nodeRunner = new ReportRunner(single.dataSource());
            ReportRunner clusterRunner = new ReportRunner(everyCustomer.dataSource());
            for (OffsetDateTime asOf : List.of(GENERATED_AS_OF.minusDays(47).minusHours(5),
                    AsOf.parse("2025-12-24T18:00", LONDON))) {
                for (String name : List.of("customer_lifetime", "rfm_segments", "rfm_customers", "retention_cohorts",
                        "shop_vitals")) {
                    ReportResult fromNode = nodeRunner.run(reports.get(name), asOf, Map.of());
                    ReportResult fromCluster = clusterRunner.run(reports.get(name), asOf, Map.of());
                    assertThat(fromNode.rows()).as(name + " has rows as of " + asOf).isNotEmpty();
                    RollupVerifier.firstDifference(name, asOf, Map.of(), fromCluster, fromNode)
                            .map(Drift::describe).ifPresent(differences::add);
                }
            }
        }
        assertThat(differences).as("cluster recounting everyone (first) vs one node by id (second)").isEmpty();
    }

    @Test
    @Order(33)
    void the_drill_downs_answer_the_same_rows_on_the_cluster_as_on_one_node() throws SQLException {
        // before, most failed there: a LIMIT from a subquery, a function's argument from a subquery
        // over orders, a correlated subquery for the stock after each movement, a subplan within a
        // subplan whose result never reached the workers (product_partners: no rows), a count of each
        // customer's earlier orders for each order (period_customer_orders: now a batch at a time)
        ReportCatalog drills = ReportCatalog.drills();
        ReportRunner nodeRunner = new ReportRunner(single.dataSource());
        ReportRunner clusterRunner = new ReportRunner(distributed.dataSource());
        List<String> differences = new ArrayList<>();
        drillCases(single, GENERATED_AS_OF).forEach(drill -> {
            String name = drill.getKey();
            Map<String, String> parameters = drill.getValue();
            ReportResult fromNode = nodeRunner.run(drills.get(name), GENERATED_AS_OF, parameters);
            ReportResult fromCluster = clusterRunner.run(drills.get(name), GENERATED_AS_OF, parameters);
            assertThat(fromNode.rows()).as(name + " has rows").isNotEmpty();
            RollupVerifier.firstDifference(name, GENERATED_AS_OF, parameters, fromCluster, fromNode)
                    .map(Drift::describe).ifPresent(differences::add);
        });
        assertThat(differences).as("cluster (first) vs one node (second)").isEmpty();
    }

    /** Each drill with parameters that find rows in the shop of {@code database} as of {@code asOf}. */
    private static List<Map.Entry<String, Map<String, String>>> drillCases(Database database, OffsetDateTime asOf)
            throws SQLException {
        Map<String, String> ids = new java.util.HashMap<>();
        for (String[] pick : new String[][] {
                {"customer_id", "select customer_id::text from orders group by 1 order by count(*) desc, 1 limit 1"},
                {"product_id", "select product_id::text from order_items group by 1 order by count(*) desc, 1 limit 1"},
                {"category_id", "select category_id::text from products group by 1 order by count(*) desc, 1 limit 1"},
                {"sku", "select p.sku from stock_movements m join products p using (product_id)"
                        + " group by p.sku, m.warehouse order by count(*) desc, 1, m.warehouse limit 1"},
                {"warehouse", "select m.warehouse from stock_movements m join products p using (product_id)"
                        + " group by p.sku, m.warehouse order by count(*) desc, p.sku, 1 limit 1"}}) {
            ids.put(pick[0], scalar(database, pick[1]));
        }
        Map<String, String> stockRow = Map.of("sku", ids.get("sku"), "warehouse", ids.get("warehouse"), "days", "365");
        return List.of(
                Map.entry("customer_orders", Map.of("customer_id", ids.get("customer_id"))),
                Map.entry("customer_orders_total", Map.of("customer_id", ids.get("customer_id"))),
                Map.entry("day_orders", Map.of("day", asOf.toLocalDate().minusDays(1).toString())),
                Map.entry("period_orders", Map.of("period", "month_to_date")),
                Map.entry("period_customer_orders", Map.of("period", "month_to_date", "customer_type", "first_time")),
                Map.entry("period_customer_orders", Map.of("period", "year_to_date", "customer_type", "returning",
                        "limit", "200", "after_created_at", asOf.minusDays(20).toString())),
                Map.entry("product_orders", Map.of("product_id", ids.get("product_id"))),
                Map.entry("product_partners", Map.of("product_id", ids.get("product_id"))),
                Map.entry("product_partners_total", Map.of("product_id", ids.get("product_id"))),
                Map.entry("category_products", Map.of("category_id", ids.get("category_id"))),
                Map.entry("segment_customers", Map.of("segment", "At Risk")),
                Map.entry("stock_movements", stockRow),
                Map.entry("stock_movements_total", stockRow));
    }

    @Test
    @Order(35)
    void the_shops_pace_for_the_simulator_is_the_same_on_the_cluster() throws SQLException {
        String pace = SqlScripts.read("simulate/hourly_pace.sql");
        List<List<String>> answers = new ArrayList<>();
        for (Database database : List.of(distributed, single)) {
            try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement(pace)) {
                s.setObject(1, GENERATED_AS_OF.minusHours(3));
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    answers.add(List.of(r.getString(1), r.getString(2), r.getString(3)));
                }
            }
        }
        assertThat(answers.get(0)).isEqualTo(answers.get(1));
        assertThat(new BigDecimal(answers.get(1).get(0))).as("sessions an hour").isPositive();
    }

    @Test
    @Order(70)
    void concurrent_orders_keep_stock_and_coupon_uses_exact_on_the_cluster() throws Exception {
        try (Database orders = cluster.database("orders_concurrency")) {
            Migrations.migrate(orders);
            Distribution.apply(orders, null, step -> { });
            ConcurrentOrdersScenario.runAndCheck(orders.dataSource());
        }
    }

    @Test
    @Order(72)
    void bench_live_on_the_cluster_times_orders_with_the_catch_up_job_and_without_and_leaves_the_rollups_exact() {
        // in place: a cluster's shop cannot be copied to a scratch database (its shards live on the workers);
        // on the shop of the tests above (generated as a new one would be, and written to since), not a
        // second one: migrating, distributing and generating one on the cluster costs more than the bench
        Output bench = shopflow("bench", "live", "--in-place", "--seconds", "4", "--clients", "2", "--orders-per-second", "20",
                "--events-per-second", "100", "--jdbc-url", coordinatorUrl("shop"), "--db-user", "postgres");
        assertThat(bench.exitCode()).as(bench.text()).isZero();
        assertThat(bench.text()).contains("on a Citus cluster", "with the catch-up job", "without (no job)",
                "place_order median", "catch-up job (folder)", "writers wait only while each reads its watermarks", "freshness under",
                "reports re-read (as of the job's moment)");

        // the orders of the slices without the job were passed over, then the rollups rebuilt; the
        // freshness probe's were applied by the job: every report from the rollups equals its reference
        ReportCatalog references = ReportCatalog.references();
        ReportRunner runner = new ReportRunner(distributed.dataSource());
        OffsetDateTime now = OffsetDateTime.now();
        List<String> differences = new ArrayList<>();
        for (Report report : ReportCatalog.load().all()) {
            RollupVerifier.firstDifference(report.name(), now, Map.of(), runner.run(report, now, Map.of()),
                    runner.run(references.get(report.name()), now, Map.of()))
                    .map(Drift::describe).ifPresent(differences::add);
        }
        assertThat(differences).isEmpty();
    }

    @Test
    @Order(75)
    void distribute_keeps_citus_notes_on_coordinator_objects_quiet_and_a_failing_migration_still_shows() {
        cluster.database("quiet").close();
        Output badShards = shopflow("distribute", "--shards", "0", "--jdbc-url", coordinatorUrl("quiet"), "--db-user", "postgres");
        assertThat(badShards.exitCode()).isEqualTo(1);
        assertThat(badShards.text()).contains("--shards must be at least 1, not 0");
        Output quiet = shopflow("distribute", "--shards", "3", "--jdbc-url", coordinatorUrl("quiet"), "--db-user", "postgres");
        assertThat(quiet.exitCode()).as(quiet.text()).isZero();
        assertThat(quiet.text()).containsPattern("orders +distributed +order_id +\\d+ +3\\R")
                // 33 of them before, one per rollup function or view of the coordinator
                .doesNotContain("that is not in Citus' metadata").doesNotContain("WARN");

        // a real failure on the cluster: a schema in the way of the baseline's rollup_job (Flyway refuses
        // to start on a non-empty public schema, so the obstacle is in its own)
        try (Database broken = cluster.database("broken")) {
            execute(broken, "create schema rollup_job");
        }
        Output failed = shopflow("distribute", "--jdbc-url", coordinatorUrl("broken"), "--db-user", "postgres");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.text()).contains("migrating the schema failed", "V2__rollup_tables.sql", "schema \"rollup_job\" already exists")
                .doesNotContain("that is not in Citus' metadata");
    }

    @Test
    @Order(80)
    void a_stopped_worker_fails_reports_naming_it_changes_nothing_and_all_answer_again_when_it_returns()
            throws Exception {
        ReportRunner runner = new ReportRunner(distributed.dataSource());
        Report report = ReportCatalog.load().get("revenue_summary");
        ReportResult before = runner.run(report, GENERATED_AS_OF, Map.of());
        String stock = scalar(distributed, "select sum(quantity) || '/' || count(*) from inventory");
        String movements = scalar(distributed, "select count(*) from stock_movements");
        String order = scalar(distributed, "select min(order_id) from orders where status = 'processing'");
        HttpClient http = HttpClient.newHttpClient();
        try (WebServer server = WebServer.start(distributed, ReportCatalog.load(),
                "localhost", 0, Clock.systemUTC())) {
            String token = server.tokens().create(Role.ADMIN, "test", Optional.empty()).token();
            URI url = URI.create("http://localhost:" + server.port() + "/api/reports/revenue_summary?as_of=2026-06-30T12:00");
            HttpRequest request = HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token).build();
            HttpResponse<String> up = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(scalar(distributed, "select count(*) from page_views where session_id = 'cluster-s1'"))
                    .isEqualTo("0");
            HttpResponse<String> events = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + server.port() + "/api/events"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"type":"page_view","session_id":"cluster-s1","page_url":"/"}
                            {"type":"page_view","session_id":"cluster-s1","page_url":"/p/3","product_id":3}
                            {"type":"cart_event","session_id":"cluster-s1","product_id":3,"action":"add","quantity":1}
                            """)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(events.statusCode()).as(events.body()).isEqualTo(201);
            assertThat(scalar(distributed, "select count(*) from page_views where session_id = 'cluster-s1'"))
                    .isEqualTo("2");

            cluster.stopWorker(2);
            try {
                assertThatThrownBy(() -> runner.run(report, GENERATED_AS_OF, Map.of()))
                        .isInstanceOf(ReportException.class)
                        .hasMessageContaining("report revenue_summary cannot run now, a database node is unreachable")
                        .hasMessageContaining("localhost:" + cluster.workerPort(2));
                // asked anew: the answer kept from before the stop (the data unchanged) would be served
                HttpResponse<String> down = http.send(HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token)
                        .header("Cache-Control", "no-cache").build(), HttpResponse.BodyHandlers.ofString());
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(down.body()).contains("localhost:" + cluster.workerPort(2));
                // A shipment moves stock on every node: with one down it fails whole.
                assertThatThrownBy(() -> new OrderLifecycle(distributed.dataSource())
                        .transition(Integer.parseInt(order), OrderStatus.SHIPPED)).isNotNull();
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + server.port() + "/api/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as("the server stays up").isEqualTo(200);
            } finally {
                cluster.startWorker(2);
            }
            assertThat(runner.run(report, GENERATED_AS_OF, Map.of()).rows()).isEqualTo(before.rows());
            HttpResponse<String> again = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.body()).isEqualTo(up.body());
        }
        assertThat(scalar(distributed, "select sum(quantity) || '/' || count(*) from inventory")).isEqualTo(stock);
        assertThat(scalar(distributed, "select count(*) from stock_movements")).isEqualTo(movements);
        assertThat(scalar(distributed, "select status from orders where order_id = " + order)).isEqualTo("processing");
    }

    /**
     * A later version changing every repeatable migration (a comment appended to each), migrated on
     * the distributed shop: the rollup triggers they create on the shop's tables (which Citus refuses)
     * and the function settings they drop are put back as distribute left them, in each migration's
     * transaction. The tests after this one (writes, the job, every report against its reference and
     * the single node) run on the upgraded schema.
     */
    @Test
    @Order(38)
    void a_later_version_changing_every_repeatable_migrates_the_cluster_and_leaves_it_as_distribute_did()
            throws Exception {
        String definitions = """
                select (select count(*) from pg_trigger g join pg_dist_partition p on p.logicalrelid = g.tgrelid
                        where not g.tgisinternal) || ' on Citus tables, '
                       || (select count(*) from pg_trigger where not tgisinternal) || ' in all; '
                       || (select string_agg(proname || ' ' || coalesce(array_to_string(proconfig, ','), '-'), '; '
                                             order by proname)
                           from pg_proc where proname in ('kpi_window', 'sales_window_sums', 'place_order',
                                                          'order_transition', 'rebuild_rollups_marking_watermarks'))
                       || '; on the workers ' || (select string_agg(result, ',' order by nodeport) from
                           run_command_on_workers('select count(*) from pg_trigger where not tgisinternal'))""";
        String distributedAs = scalar(distributed, definitions);
        assertThat(distributedAs).startsWith("0 on Citus tables, ").contains(
                "kpi_window plan_cache_mode=force_generic_plan,citus.allow_nested_distributed_execution=on;"
                        + " order_transition citus.multi_shard_modify_mode=sequential;"
                        + " place_order citus.multi_shard_modify_mode=sequential,citus.enable_ddl_propagation=off;"
                        + " rebuild_rollups_marking_watermarks citus.max_intermediate_result_size=-1;"
                        + " sales_window_sums plan_cache_mode=force_generic_plan,"
                        + "citus.allow_nested_distributed_execution=on;");

        Path later = TempDirectories.create("shopflow-later-migrations");
        int repeatables = 0;
        try (Stream<Path> files = Files.list(Path.of("src", "main", "resources", "db", "migration"))) {
            for (Path file : files.toList()) {
                String text = Files.readString(file);
                if (file.getFileName().toString().startsWith("R__")) {
                    text += "\n-- changed by a later version\n";
                    repeatables++;
                }
                Files.writeString(later.resolve(file.getFileName()), text);
            }
            long started = System.nanoTime();
            MigrateResult upgrade = Migrations.migrate(distributed, later);
            System.out.printf("every repeatable migration applied again on the cluster in %d ms%n",
                    (System.nanoTime() - started) / 1_000_000);
            assertThat(upgrade.migrationsExecuted).isEqualTo(repeatables).isGreaterThan(40);
            assertThat(Migrations.migrate(distributed, later).migrationsExecuted).as("and again: nothing").isZero();
        } finally {
            TempDirectories.delete(later);
        }
        assertThat(scalar(distributed, definitions)).isEqualTo(distributedAs);
        // the pool's connections planned with the definitions replaced: new ones, as after distribute
        distributed.close();
        distributed = cluster.open("shop");

        assertThat(reportDifferences(distributed, single, GENERATED_AS_OF, "2"))
                .as("upgraded cluster (first) vs one node (second)").isEmpty();
    }

    @Test
    @Order(40)
    void after_writes_and_one_run_of_the_job_every_report_equals_its_reference_and_the_single_node() throws Exception {
        assertThat(catchUp(distributed)).as("nothing pending before the writes").isZero();
        // the same writes on both, then their moments made the same on both (the cluster's are not
        // applied yet: the job reads the rows as they are when it runs)
        OffsetDateTime moment = OffsetDateTime.now().minusMinutes(10).truncatedTo(ChronoUnit.SECONDS);
        for (Database database : List.of(distributed, single)) {
            shopWrites(database, "rollups-job");
            // to_timestamp(seconds): Citus refuses stable functions (timestamptz + interval) in updates
            try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement("""
                    update orders set created_at = to_timestamp(? + order_id % 1000)
                    where session_id like 'rollups-job-%';
                    update page_views set viewed_at = to_timestamp(? + (view_id % 1000) / 1000.0)
                    where session_id like 'rollups-job-%';
                    update cart_events set event_at = to_timestamp(? + (event_id % 1000) / 1000.0)
                    where session_id like 'rollups-job-%'""")) {
                s.setLong(1, moment.toEpochSecond());
                s.setLong(2, moment.toEpochSecond() - 120);
                s.setLong(3, moment.toEpochSecond() - 60);
                s.execute();
            }
        }
        assertThat(catchUp(distributed)).as("rows applied by one run").isGreaterThan(20);
        assertThat(catchUp(distributed)).as("a second run finds nothing new").isZero();
        // the run left the RFM scoring to the folder beside the runs: the reports below rescore its customers
        assertThat(Long.parseLong(scalar(distributed, "select count(*) from rollups.rfm_stale"))).isPositive();

        ReportCatalog reports = ReportCatalog.load();
        ReportCatalog references = ReportCatalog.references();
        assertThat(reports.all().stream().filter(r -> !r.sql().equals(references.get(r.name()).sql())))
                .as("reports read from rollups on the cluster").hasSize(15);
        ReportRunner nodeRunner = new ReportRunner(single.dataSource());
        ReportRunner clusterRunner = new ReportRunner(distributed.dataSource());
        OffsetDateTime now = OffsetDateTime.now(); // after the writes on both
        List<String> differences = new ArrayList<>();
        for (OffsetDateTime asOf : List.of(now, GENERATED_AS_OF)) {
            for (Report report : reports.all()) {
                // every warehouse row, so that those the writes shipped from and returned to are compared;
                // the pairs of all the shop's history (the 30 days to now hold only the writes above)
                Map<String, String> parameters = switch (report.name()) {
                    case "low_stock" -> Map.of("show", "all", "limit", "100000");
                    case "market_basket" -> Map.of("days", "3660", "min_pair_orders", "2");
                    default -> Map.of();
                };
                ReportResult fromCluster = clusterRunner.run(report, asOf, parameters);
                ReportResult referenceOnCluster = clusterRunner.run(references.get(report.name()), asOf, parameters);
                ReportResult fromNode = nodeRunner.run(report, asOf, parameters);
                // fraud_review's 30 days hold rows only where the generated fraud (or the writes' orders) fell
                if (!report.name().equals("fraud_review")) {
                    assertThat(fromNode.rows()).as(report.name() + " has rows as of " + asOf).isNotEmpty();
                }
                RollupVerifier.firstDifference(report.name(), asOf, parameters, fromCluster, referenceOnCluster)
                        .map(d -> "cluster vs its reference: " + d.describe()).ifPresent(differences::add);
                RollupVerifier.firstDifference(report.name(), asOf, parameters, fromCluster, fromNode)
                        .map(d -> "cluster vs one node: " + d.describe()).ifPresent(differences::add);
            }
        }
        assertThat(differences).isEmpty();
        assertThat(new RollupVerifier(distributed.dataSource()).verify(now)).isEmpty();
    }

    /**
     * The catch-up runs leave the RFM scoring to a fold beside them (the web server's folder), but
     * fold it themselves, after committing, once its readers would score every buyer (nothing folds
     * beside them when reports come from the command line).
     */
    @Test
    @Order(41)
    void the_runs_leave_the_rfm_scoring_to_a_fold_beside_them_unless_readers_would_score_everyone() throws Exception {
        execute(distributed, "select fold_rfm_rollups()");
        assertThat(scalar(distributed, "select count(*) from rollups.rfm_stale")).isEqualTo("0");
        assertRfmReportsEqualTheirReferences();

        // every buyer marked stale, as if many runs had gone by with nothing folding beside them
        execute(distributed, "insert into rollups.rfm_stale (customer_id) select customer_id from rollups.rfm_scored"
                + " on conflict do nothing");
        assertThat(scalar(distributed, "select rfm_rescores_everyone()")).isEqualTo("t");
        try (Connection c = distributed.connection()) {
            placeOrder(c, 5, "rfm-beside");
        }
        assertThat(catchUp(distributed)).isPositive();
        assertThat(scalar(distributed, "select count(*) from rollups.rfm_stale")).isEqualTo("0");
        assertRfmReportsEqualTheirReferences();
    }

    private static void assertRfmReportsEqualTheirReferences() {
        ReportRunner runner = new ReportRunner(distributed.dataSource());
        OffsetDateTime now = OffsetDateTime.now();
        for (String name : List.of("rfm_segments", "rfm_customers")) {
            Map<String, String> parameters = name.equals("rfm_customers") ? Map.of("segment", "Champions") : Map.of();
            assertThat(RollupVerifier.firstDifference(name, now, parameters,
                    runner.run(ReportCatalog.load().get(name), now, parameters),
                    runner.run(ReportCatalog.references().get(name), now, parameters)).map(Drift::describe)).isEmpty();
        }
    }

    /**
     * The race between a report's catch-up and its read: rows committed after the job's last run read
     * its targets are in the raw tables and not in the rollups, so a report must neither count them
     * nor take them out of the rollups when it corrects them for what came after its as_of. The job's
     * last targets are dated an hour ahead here, so each report's catch-up finds the rollups brought
     * up to targets read after it arrived and applies nothing, as when a run read its targets just
     * before the writes.
     */
    @Test
    @Order(42)
    void rows_written_after_the_jobs_last_targets_are_neither_counted_nor_taken_out_by_a_report() throws Exception {
        // a burst of one customer's orders (fraud_review flags the fourth), applied before as_of
        List<Integer> burst = new ArrayList<>();
        try (Connection c = distributed.connection()) {
            for (int i = 0; i < 4; i++) {
                burst.add(placeOrder(c, 30, "burst-" + i));
            }
        }
        catchUp(distributed);
        OffsetDateTime asOf = OffsetDateTime.now();
        Thread.sleep(5);
        List<Map.Entry<String, Map<String, String>>> drillCases = drillCases(distributed, asOf);
        ReportCatalog drills = ReportCatalog.drills();
        ReportRunner runner = new ReportRunner(distributed.dataSource());
        List<ReportResult> drilledBefore = drillCases.stream()
                .map(drill -> runner.run(drills.get(drill.getKey()), asOf, drill.getValue())).toList();
        // an order placed after as_of that the rollups hold, then cancelled: they count it still
        int counted;
        try (Connection c = distributed.connection()) {
            counted = placeOrder(c, 21, "after-as-of-applied");
        }
        assertThat(catchUp(distributed)).isPositive();
        shopWrites(distributed, "after-the-targets");
        new OrderLifecycle(distributed.dataSource()).transition(counted, OrderStatus.CANCELLED);
        // and the burst's first order cancelled: live at as_of, and in the rollups still
        new OrderLifecycle(distributed.dataSource()).transition(burst.get(0), OrderStatus.CANCELLED);
        execute(distributed, "update rollups.watermarks set targets_read_at = now() + interval '1 hour'");
        List<String> differences = new ArrayList<>();
        try {
            ReportCatalog references = ReportCatalog.references();
            for (Report report : ReportCatalog.load().all()) {
                Map<String, String> parameters = switch (report.name()) {
                    case "low_stock" -> Map.of("show", "all", "limit", "100000");
                    case "market_basket" -> Map.of("days", "3660", "min_pair_orders", "2");
                    default -> Map.of();
                };
                RollupVerifier.firstDifference(report.name(), asOf, parameters, runner.run(report, asOf, parameters),
                                runner.run(references.get(report.name()), asOf, parameters))
                        .map(d -> "report vs its reference: " + d.describe()).ifPresent(differences::add);
            }
            for (int i = 0; i < drillCases.size(); i++) {
                Map.Entry<String, Map<String, String>> drill = drillCases.get(i);
                RollupVerifier.firstDifference(drill.getKey(), asOf, drill.getValue(),
                                runner.run(drills.get(drill.getKey()), asOf, drill.getValue()), drilledBefore.get(i))
                        .map(d -> "drill vs before the writes: " + d.describe()).ifPresent(differences::add);
            }
        } finally {
            execute(distributed, "update rollups.watermarks set targets_read_at = applied_at");
        }
        assertThat(differences).isEmpty();
        assertThat(catchUp(distributed)).as("the writes were left for the next run").isGreaterThan(20);
    }

    @Test
    @Order(45)
    void a_report_on_the_cluster_counts_an_order_placed_since_the_last_run_of_the_job() throws Exception {
        catchUp(distributed);
        try (Connection c = distributed.connection()) {
            placeOrder(c, 5, "since-the-last-run");
        }
        OffsetDateTime now = OffsetDateTime.now();
        ReportRunner runner = new ReportRunner(distributed.dataSource());
        // daily_revenue reads as_of's own day from the rollup too: a row the job has not applied
        // would be missing from it
        ReportResult fromRollups = runner.run(ReportCatalog.load().get("daily_revenue"),
                now, Map.of());
        ReportResult reference = runner.run(ReportCatalog.references().get("daily_revenue"), now, Map.of());
        assertThat(RollupVerifier.firstDifference("daily_revenue", now, Map.of(), fromRollups, reference)
                .map(Drift::describe)).isEmpty();
        assertThat(catchUp(distributed)).as("the report applied the order before it read").isZero();
    }

    @Test
    @Order(44)
    void a_report_as_of_a_moment_the_jobs_last_run_covers_applies_nothing_and_leaves_later_rows_to_the_job()
            throws Exception {
        try (Connection c = distributed.connection()) {
            placeOrder(c, 4, "before-the-covered-moment");
        }
        assertThat(catchUp(distributed)).isPositive();
        // a millisecond before the run read its targets
        OffsetDateTime covered = OffsetDateTime.ofInstant(java.time.Instant.EPOCH.plus(Long.parseLong(scalar(distributed,
                "select (extract(epoch from min(targets_read_at)) * 1000000)::bigint - 1000 from rollups.watermarks")),
                ChronoUnit.MICROS), LONDON);
        try (Connection c = distributed.connection()) {
            placeOrder(c, 8, "after-the-covered-moment");
        }
        ReportRunner runner = new ReportRunner(distributed.dataSource());
        ReportResult fromRollups = runner.run(ReportCatalog.load().get("daily_revenue"), covered, Map.of());
        ReportResult reference = runner.run(ReportCatalog.references().get("daily_revenue"), covered, Map.of());
        assertThat(RollupVerifier.firstDifference("daily_revenue", covered, Map.of(), fromRollups, reference)
                .map(Drift::describe)).isEmpty();
        assertThat(catchUp(distributed)).as("the order placed since, left to the job").isPositive();
    }

    /**
     * An order's rows (the order, its first status change, its lines) share one shard, so placing it
     * reaches that shard's worker alone and commits there in one phase. Before, Citus sent
     * place_order's lock on {@code orders} to every worker, and ran the lines' {@code insert ...
     * select} through a COPY it always commits in two phases: every order was a prepared transaction
     * on every node.
     */
    @Test
    @Order(46)
    void an_order_placed_on_the_cluster_reaches_one_worker_and_commits_there_in_one_phase() throws Exception {
        List<String> remoteCommands = remoteCommandsOf("""
                select place_order((select min(customer_id) from customers where is_active),
                    (select jsonb_agg(jsonb_build_object('product_id', product_id, 'quantity', 1))
                     from (select product_id from products where is_active order by product_id limit 3) as three))""");
        assertThat(remoteCommands).anyMatch(m -> m.contains("issuing INSERT INTO public.order_items_"));
        assertThat(remoteCommands).noneMatch(m -> m.contains("LOCK")).noneMatch(m -> m.contains("PREPARE TRANSACTION"))
                .noneMatch(m -> m.contains("COPY"));
        assertThat(remoteCommands.stream().filter(m -> m.contains("issuing COMMIT")).count()).isEqualTo(1);
    }

    /**
     * A batch of events goes to the shards as inserts over the connections the session keeps to
     * the workers (a COPY opened one to every shard it wrote), its text exactly as sent: the rows
     * are written out as SQL literals on the cluster (store_events()), quotes, tabs, backslashes
     * and line breaks among them.
     */
    @Test
    @Order(46)
    void a_batch_of_events_is_stored_by_inserts_over_the_sessions_connections_its_text_exact() throws Exception {
        List<String> remoteCommands = remoteCommandsOf("""
                select store_events(
                    '[{"session_id": "ingest-1", "page_url": "/p/3?q=a\\tb\\\\c\\nd''e", "customer_id": null,
                       "viewed_at": "2026-06-30T11:59:00.123456+01:00", "time_on_page": 42, "device_type": "mobile"},
                      {"session_id": "ingest-2", "page_url": "/", "viewed_at": "2026-06-30T12:00:00Z",
                       "referrer": "https://search.example/?q=lamp"}]',
                    jsonb_build_array(jsonb_build_object('session_id', 'ingest-1', 'product_id',
                        (select min(product_id) from products), 'action', 'add', 'quantity', 2,
                        'event_at', '2026-06-30T11:00:30Z')))""");
        try {
            assertThat(remoteCommands).anyMatch(m -> m.contains("issuing INSERT INTO public.page_views_"))
                    .anyMatch(m -> m.contains("issuing INSERT INTO public.cart_events_"))
                    .noneMatch(m -> m.contains("COPY"));
            try (Connection c = distributed.connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                    select session_id, customer_id, page_url, to_char(viewed_at at time zone 'UTC', 'HH24:MI:SS.US'),
                           time_on_page, referrer, device_type
                    from page_views where session_id like 'ingest-%' order by session_id""")) {
                List<String> rows = new ArrayList<>();
                while (r.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= 7; i++) {
                        row.add(String.valueOf(r.getString(i)));
                    }
                    rows.add(String.join("|", row));
                }
                assertThat(rows).containsExactly("ingest-1|null|/p/3?q=a\tb\\c\nd'e|10:59:00.123456|42|null|mobile",
                        "ingest-2|null|/|12:00:00.000000|null|https://search.example/?q=lamp|null");
            }
            assertThat(scalar(distributed, """
                    select format('%s %s %s', action, quantity, event_at at time zone 'UTC')
                    from cart_events where session_id = 'ingest-1'""")).isEqualTo("add 2 2026-06-30 11:00:30");
        } finally {
            execute(distributed, "delete from page_views where session_id like 'ingest-%'");
            execute(distributed, "delete from cart_events where session_id like 'ingest-%'");
        }
    }

    /**
     * Stock is distributed by product, colocated with its ledger: shipping a one-line order whose
     * product's stock shares the order's worker writes the order, its status change, the stock row
     * and its movement there alone, and commits in one phase. Stock as a reference table was an
     * update of its copy on every node, committed in two phases over all of them.
     */
    @Test
    @Order(46)
    void a_shipment_whose_stock_shares_its_orders_worker_commits_there_in_one_phase() throws Exception {
        String sameWorker = scalar(distributed, """
                with candidates as (
                    select o.order_id, min(i.product_id) as product_id
                    from orders o join order_items i using (order_id)
                    where o.status = 'processing'
                    group by o.order_id
                    having count(*) = 1
                    order by o.order_id
                    limit 200
                )
                select candidates.order_id
                from candidates
                where (select nodeport from citus_shards
                       where shardid = get_shard_id_for_distribution_column('orders', candidates.order_id))
                    = (select nodeport from citus_shards
                       where shardid = get_shard_id_for_distribution_column('inventory', candidates.product_id))
                order by 1
                limit 1""");
        assertThat(sameWorker).as("a one-line processing order with its stock on its worker").isNotNull();
        List<String> remoteCommands = remoteCommandsOf("select order_transition(" + sameWorker + ", 'shipped')");
        assertThat(remoteCommands).anyMatch(m -> m.contains("issuing UPDATE public.inventory_"))
                .anyMatch(m -> m.contains("issuing INSERT INTO public.stock_movements_"));
        assertThat(remoteCommands).noneMatch(m -> m.contains("PREPARE TRANSACTION"));
        assertThat(remoteCommands.stream().filter(m -> m.contains("issuing COMMIT")).count()).isEqualTo(1);
        assertThat(scalar(distributed, "select status from orders where order_id = " + sameWorker)).isEqualTo("shipped");
    }

    /**
     * A catch-up that arrived before the last run read its targets is covered by that run: the
     * rollups hold every row committed before it arrived, so it starts no run of its own, though
     * writers wrote since. (The dashboard's panels, catching up at once on a notification, made one
     * run each, one after the other.) One that arrives after finds the new rows.
     */
    @Test
    @Order(47)
    void a_catch_up_that_arrived_before_the_last_run_read_its_targets_starts_no_run_of_its_own() throws Exception {
        catchUp(distributed);
        String readAt = scalar(distributed, "select min(targets_read_at)::text from rollups.watermarks");
        assertThat(readAt).isNotNull();
        try (Connection c = distributed.connection()) {
            placeOrder(c, 8, "after-the-last-run");
        }
        try (Connection c = distributed.connection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            assertThat(targets(s, "'" + readAt + "'::timestamptz - interval '1 millisecond'")).isNull();
            c.rollback();
            assertThat(targets(s, "'" + readAt + "'::timestamptz + interval '1 millisecond'")).contains("\"orders\"");
            c.rollback();
        }
        assertThat(catchUp(distributed)).as("the order, applied by the next run").isPositive();
    }

    /**
     * A rebuild on a cluster reads every raw row it needs through the coordinator, where the rollups
     * live, past Citus's cap on a subquery's rows pulled there ({@code citus.max_intermediate_result_size},
     * 1 GB by default: the funnel's sessions alone went over it at scale 10, and `generate --scale 10`
     * failed). Here the cap is made smaller than this shop's sessions in the calling session; the
     * rebuild's own setting lifts it.
     */
    @Test
    @Order(48)
    void a_rebuild_on_the_cluster_pulls_every_row_it_needs_past_the_cap_on_intermediate_results() throws Exception {
        String sessions = scalar(distributed, "select count(*) from rollups.funnel_sessions");
        assertThat(Long.parseLong(sessions)).isGreaterThan(1000);
        try (Connection c = distributed.connection(); Statement s = c.createStatement()) {
            s.execute("set citus.max_intermediate_result_size = '16kB'");
            try {
                assertThatThrownBy(() -> s.execute("select count(*) from (select session_id, min(viewed_at)"
                        + " from page_views group by 1 order by 2 limit 100000 offset 0) as sessions"))
                        .hasMessageContaining("max_intermediate_result_size");
                s.execute("select rebuild_rollups_marking_watermarks()");
            } finally {
                s.execute("reset citus.max_intermediate_result_size"); // the connection goes back to the pool
            }
        }
        assertThat(scalar(distributed, "select count(*) from rollups.funnel_sessions")).isEqualTo(sessions);
    }

    /** rollup_catch_up_targets() for a caller that arrived at {@code arrived} (an SQL expression). */
    private static String targets(Statement statement, String arrived) throws SQLException {
        try (ResultSet r = statement.executeQuery("select rollup_catch_up_targets(" + arrived + ")::text")) {
            r.next();
            return r.getString(1);
        }
    }

    /**
     * Runs one statement on the cluster in a transaction of its own and gives the commands Citus
     * sent the workers for it, its commit's included.
     */
    private static List<String> remoteCommandsOf(String statement) throws SQLException {
        List<String> remoteCommands = new ArrayList<>();
        try (Connection c = distributed.connection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("set local citus.log_remote_commands = on");
            s.execute("set local client_min_messages = notice");
            s.execute(statement);
            remoteCommands.addAll(notices(s));
            s.execute("commit");
            remoteCommands.addAll(notices(s));
        }
        return remoteCommands;
    }

    private static List<String> notices(Statement statement) throws SQLException {
        List<String> messages = new ArrayList<>();
        for (SQLWarning w = statement.getWarnings(); w != null; w = w.getNextWarning()) {
            messages.add(w.getMessage());
        }
        return messages;
    }

    @Test
    @Order(50)
    void an_order_committed_after_one_with_a_higher_id_is_applied_once_not_skipped() throws Exception {
        catchUp(distributed);
        ExecutorService job = Executors.newSingleThreadExecutor();
        try (Connection slow = distributed.connection()) {
            slow.setAutoCommit(false);
            int lower = placeOrder(slow, 0, "watermark-slow");
            int higher;
            try (Connection fast = distributed.connection()) {
                higher = placeOrder(fast, 1, "watermark-fast");
            }
            assertThat(higher).isGreaterThan(lower);
            Future<Long> run = job.submit(() -> catchUp(distributed));
            Thread.sleep(1500);
            assertThat(run.isDone()).as("the job waits for the writer holding the lower id").isFalse();
            slow.commit();
            assertThat(run.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(2);
        } finally {
            job.shutdownNow();
        }
        // and under a stream of orders, the job running meanwhile
        Future<?> writer = Executors.newSingleThreadExecutor().submit(() -> {
            try (Connection c = distributed.connection()) {
                for (int i = 0; i < 30; i++) {
                    placeOrder(c, i, "watermark-stream-" + i);
                }
            }
            return null;
        });
        while (!writer.isDone()) {
            catchUp(distributed);
        }
        writer.get();
        catchUp(distributed);
        assertThat(scalar(distributed, "select sum(orders) || ' ' || sum(gross_sales) from rollups.sales_days"))
                .as("every order counted once").isEqualTo(scalar(distributed,
                        "select count(distinct order_id) || ' ' || sum(unit_price * quantity) from orders join order_items using (order_id)"));
        assertThat(scalar(distributed, "select sum(units) || ' ' || sum(gross_sales) from rollups.product_days"))
                .isEqualTo(scalar(distributed, "select sum(quantity) || ' ' || sum(unit_price * quantity) from order_items"));
    }

    @Test
    @Order(55)
    void writers_commit_while_a_run_applies_and_what_they_write_is_left_for_the_next_run_as_of_its_targets()
            throws Exception {
        catchUp(distributed);
        OrderLifecycle lifecycle = new OrderLifecycle(distributed.dataSource());
        int earlier;
        int shipped;
        try (Connection c = distributed.connection()) {
            earlier = placeOrder(c, 11, "apply-phase-earlier");
            shipped = placeOrder(c, 12, "apply-phase-shipped");
        }
        lifecycle.transition(shipped, OrderStatus.PROCESSING);
        lifecycle.transition(shipped, OrderStatus.SHIPPED);
        String customer = scalar(distributed, "select customer_id from orders where order_id = " + earlier);
        String countedOrders = "select coalesce(sum(orders), 0) from rollups.customer_orders where customer_id = " + customer;
        long countedBefore = Long.parseLong(scalar(distributed, countedOrders)); // the earlier order not applied yet
        ExecutorService job = Executors.newSingleThreadExecutor();
        int later;
        try (Connection holder = distributed.connection()) {
            // a run reads its targets, commits, then waits for this lock in the transaction that applies the rows
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("lock table rollup_job.orders in access exclusive mode");
            }
            Future<Long> run = job.submit(() -> catchUp(distributed));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (scalar(distributed, "select count(*) from pg_locks where not granted"
                    + " and relation = 'rollup_job.orders'::regclass").equals("0")) {
                assertThat(System.nanoTime()).as("the run reaches its second transaction").isLessThan(deadline);
                Thread.sleep(50);
            }
            long start = System.nanoTime();
            try (Connection c = distributed.connection()) {
                later = placeOrder(c, 13, "apply-phase-later");
            }
            long placedMillis = (System.nanoTime() - start) / 1_000_000;
            // after the run's targets: the earlier order cancelled, the same products shipped again
            lifecycle.transition(earlier, OrderStatus.CANCELLED);
            int again;
            try (Connection c = distributed.connection()) {
                again = placeOrder(c, 12, "apply-phase-again");
            }
            lifecycle.transition(again, OrderStatus.PROCESSING);
            lifecycle.transition(again, OrderStatus.SHIPPED);
            assertThat(placedMillis).as("an order placed while a run applies rows waits for no lock").isLessThan(1000);
            assertThat(run.isDone()).as("the run still waits to apply its rows").isFalse();
            holder.commit();
            assertThat(run.get(60, TimeUnit.SECONDS)).as("rows applied by the run").isGreaterThan(0);
        } finally {
            job.shutdownNow();
        }
        long appliedOrders = Long.parseLong(scalar(distributed,
                "select applied_id from rollups.watermarks where source = 'orders'"));
        assertThat(appliedOrders).as("the earlier order applied, the later one left").isBetween((long) earlier, (long) later - 1);
        assertThat(scalar(distributed, "select sum(orders) from rollups.sales_days")).as("orders up to the targets, once")
                .isEqualTo(scalar(distributed, "select count(*) from orders where order_id <= " + appliedOrders));
        assertThat(Long.parseLong(scalar(distributed, countedOrders))).as("the earlier order counted as it was then: pending")
                .isEqualTo(countedBefore + 1);
        assertThat(stockLevelsOffTheirStockAtTheWatermark()).as("warehouse rows whose level is not their stock then")
                .isZero();

        assertThat(catchUp(distributed)).as("the next run applies what came after").isGreaterThan(0);
        assertThat(Long.parseLong(scalar(distributed, countedOrders))).as("the earlier order cancelled since")
                .isEqualTo(countedBefore);
        assertThat(scalar(distributed, "select sum(orders) from rollups.sales_days"))
                .isEqualTo(scalar(distributed, "select count(*) from orders"));
        assertThat(stockLevelsOffTheirStockAtTheWatermark()).isZero();
        assertThat(new RollupVerifier(distributed.dataSource()).verify(OffsetDateTime.now())).isEmpty();
    }

    /** Warehouse rows whose rollup stock is not inventory's less the movements the job has not applied yet. */
    private static long stockLevelsOffTheirStockAtTheWatermark() throws SQLException {
        String applied = scalar(distributed, "select applied_id from rollups.watermarks where source = 'stock_movements'");
        return Long.parseLong(scalar(distributed, """
                with since as (
                    select product_id, warehouse, sum(quantity) as moved from stock_movements
                    where movement_id > %s group by product_id, warehouse
                )
                select count(*)
                from rollups.stock_levels s
                join inventory i using (product_id, warehouse)
                left join since using (product_id, warehouse)
                where s.quantity <> i.quantity - coalesce(since.moved, 0)""".formatted(applied)));
    }

    @Test
    @Order(57)
    void a_run_locks_the_sources_between_writes_and_writers_arriving_meanwhile_do_not_wait() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection holder = distributed.connection()) {
            // a writer in flight: its order placed, not committed
            holder.setAutoCommit(false);
            placeOrder(holder, 14, "between-writes-open");
            // the run's lock, tried until it can be had at once (no fallback to a queued request here)
            Future<?> locking = pool.submit(() -> {
                try (Connection c = distributed.connection(); Statement s = c.createStatement()) {
                    c.setAutoCommit(false);
                    s.execute("select lock_rollup_sources_between_writes(interval '10 minutes')");
                    c.commit();
                }
                return null;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (scalar(distributed, "select count(*) from pg_stat_activity where state = 'active'"
                    + " and query like '%lock_rollup_sources_between_writes%' and pid <> pg_backend_pid()").equals("0")) {
                assertThat(System.nanoTime()).as("the run tries its lock").isLessThan(deadline);
                Thread.sleep(20);
            }
            // a writer arriving now commits (a queued lock request would hold it until the first commits)
            Future<Integer> meanwhile = pool.submit(() -> {
                try (Connection c = distributed.connection()) {
                    return placeOrder(c, 15, "between-writes-meanwhile");
                }
            });
            assertThat(meanwhile.get(60, TimeUnit.SECONDS)).as("the order placed meanwhile").isPositive();
            assertThat(locking.isDone()).as("the run still waits for a moment without writers").isFalse();
            holder.commit();
            locking.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(catchUp(distributed)).as("both orders applied by the next run").isGreaterThan(0);
        assertThat(scalar(distributed, "select sum(orders) from rollups.sales_days"))
                .isEqualTo(scalar(distributed, "select count(*) from orders"));
    }

    @Test
    @Order(60)
    void the_dashboard_hears_of_new_orders_on_the_cluster_within_two_seconds() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (WebServer server = WebServer.start(distributed, ReportCatalog.load(),
                "localhost", 0, Clock.systemUTC())) {
            String token = server.tokens().create(Role.ADMIN, "test", Optional.empty()).token();
            HttpResponse<String> ticket = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + server.port() + "/api/events/ticket"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ticket.statusCode()).as(ticket.body()).isEqualTo(200);
            String ticketId = ReportFormat.JSON_MAPPER.readTree(ticket.body()).get("ticket").asText();
            HttpResponse<java.util.stream.Stream<String>> stream = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + server.port() + "/api/events/stream?ticket=" + ticketId))
                    .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            BlockingQueue<String> data = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try {
                    stream.body().forEach(line -> {
                        if (line.startsWith("event:")) {
                            events.add(line.substring("event:".length()).strip());
                        } else if (line.startsWith("data:")) {
                            data.add(line.substring("data:".length()).strip());
                        }
                    });
                } catch (RuntimeException closed) {
                    // the test closed the stream
                }
            });
            reader.setDaemon(true);
            reader.start();
            try {
                assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("ready");
                Thread.sleep(1500);
                events.clear(); // anything the folder applied before
                data.clear();
                long start = System.nanoTime();
                try (Connection c = distributed.connection()) {
                    placeOrder(c, 3, "live-cluster");
                }
                assertThat(events.poll(2500, TimeUnit.MILLISECONDS)).as("pushed after the job applied the order")
                        .isEqualTo("changed");
                System.out.printf("live update on the cluster: order to event in %d ms%n",
                        (System.nanoTime() - start) / 1_000_000);
                assertThat(scalar(distributed, "select count(*) from rollups.order_risk where customer_id in"
                        + " (select customer_id from orders where session_id = 'live-cluster')")).isNotEqualTo("0");
                // the event names the moment the job's run brought the rollups up to: the order's
                // commit is before it, so the dashboard, reading as of it, shows the order
                String pushed = data.stream().filter(line -> line.contains("\"as_of\"")).findFirst().orElseThrow();
                OffsetDateTime caughtUpTo = OffsetDateTime.parse(
                        ReportFormat.JSON_MAPPER.readTree(pushed).get("as_of").asText());
                assertThat(scalar(distributed, "select count(*) from orders where session_id = 'live-cluster'"
                        + " and created_at <= '" + caughtUpTo + "'")).isEqualTo("1");
                ReportResult asPushed = new ReportRunner(distributed.dataSource())
                        .run(ReportCatalog.load().get("revenue_summary"), caughtUpTo, Map.of());
                ReportResult reference = new ReportRunner(distributed.dataSource())
                        .run(ReportCatalog.references().get("revenue_summary"), caughtUpTo, Map.of());
                assertThat(RollupVerifier.firstDifference("revenue_summary", caughtUpTo, Map.of(), asPushed, reference)
                        .map(Drift::describe)).isEmpty();
            } finally {
                stream.body().close();
            }
        }
    }

    @Test
    @Order(70)
    void a_shop_imported_on_the_coordinator_is_distributed_then_takes_its_later_export_as_one_node_does()
            throws Exception {
        String quirks = "src/test/resources/import/online_retail_quirks.csv";
        String later = "src/test/resources/import/online_retail_quirks_later.csv";
        String url = coordinatorUrl("imported");
        cluster.database("imported").close();
        importOnCluster(url, quirks, "lines");
        // twice: the second run finds every table distributed and every key made, and changes nothing
        for (int run = 1; run <= 2; run++) {
            Output distributedRun = shopflow("distribute", "--jdbc-url", url, "--db-user", "postgres");
            assertThat(distributedRun.exitCode()).as(distributedRun.text()).isZero();
            assertThat(distributedRun.text()).as("its progress, each long step as it starts and ends").contains(
                    "distribute: orders, their lines, coupons, status history and refunds moved into their shards ...",
                    "distribute: the rollups rebuilt for the catch-up job: ");
        }

        OffsetDateTime asOf = AsOf.parse("2010-12-31T12:00", LONDON);
        try (Database onCluster = cluster.open("imported"); Database oneNode = TestDatabases.fresh()) {
            importOnOneNode(oneNode, quirks, "lines");
            assertThat(Cluster.isDistributed(onCluster.dataSource())).isTrue();
            assertThat(scalar(onCluster, IMPORTED_COUNTS)).isEqualTo(scalar(oneNode, IMPORTED_COUNTS))
                    .startsWith("6 orders, 9 lines");
            assertThat(scalar(onCluster, "select pg_relation_size('orders') + pg_relation_size('customers')"))
                    .as("the coordinator's own copy of the rows, truncated once they are in the shards").isEqualTo("0");
            assertThat(reportDifferences(onCluster, oneNode, asOf, "1"))
                    .as("imported then distributed (first) vs imported on one node (second)").isEmpty();

            // the later export, into the distributed shop: its new order and a cancellation that refunds an
            // earlier order whole, kept by the cluster's job as the triggers keep them on one node
            assertThat(importOnCluster(url, later, "lines").text()).contains("import: rollups: the cluster's job applying the new rows",
                    "1 orders cancelled in full, refunded: 9.10");
            importOnOneNode(oneNode, later, "lines");
            assertThat(scalar(onCluster, IMPORTED_COUNTS)).isEqualTo(scalar(oneNode, IMPORTED_COUNTS))
                    .startsWith("7 orders, 10 lines");
            assertThat(reportDifferences(onCluster, oneNode, asOf, "1"))
                    .as("the later export on the cluster (first) vs on one node (second)").isEmpty();
        }
    }

    @Test
    @Order(71)
    void a_shopify_export_and_its_later_one_imported_into_a_distributed_shop_answer_as_on_one_node()
            throws Exception {
        String first = "src/test/resources/import/shopify_orders.csv";
        String later = "src/test/resources/import/shopify_orders_later.csv";
        String url = coordinatorUrl("shopify");
        cluster.database("shopify").close();
        Output migrated = shopflow("migrate", "--jdbc-url", url, "--db-user", "postgres");
        assertThat(migrated.exitCode()).as(migrated.text()).isZero();
        Output distributedRun = shopflow("distribute", "--jdbc-url", url, "--db-user", "postgres");
        assertThat(distributedRun.exitCode()).as(distributedRun.text()).isZero();

        OffsetDateTime asOf = AsOf.parse("2026-11-30T12:00", LONDON);
        try (Database onCluster = cluster.open("shopify"); Database oneNode = TestDatabases.fresh()) {
            // into the empty distributed shop: its rollups rebuilt on the cluster once the rows are in
            assertThat(importOnCluster(url, first, "shopify").text())
                    .contains("import: rollups: rebuilding them on the cluster");
            importOnOneNode(oneNode, first, "shopify");
            assertThat(scalar(onCluster, IMPORTED_COUNTS)).isEqualTo(scalar(oneNode, IMPORTED_COUNTS));
            assertThat(reportDifferences(onCluster, oneNode, asOf, "1")).as("the first export").isEmpty();

            // the later export: orders moved along (shipped, refunded), partial refunds, an edited order
            importOnCluster(url, later, "shopify");
            importOnOneNode(oneNode, later, "shopify");
            String statuses = "select string_agg(order_number || ' ' || status, ', ' order by order_number) from orders";
            assertThat(scalar(onCluster, statuses)).isEqualTo(scalar(oneNode, statuses));
            assertThat(scalar(onCluster, IMPORTED_COUNTS)).isEqualTo(scalar(oneNode, IMPORTED_COUNTS));
            assertThat(reportDifferences(onCluster, oneNode, asOf, "1")).as("the later export").isEmpty();
            Output verified = shopflow("verify", "--jdbc-url", url, "--db-user", "postgres");
            assertThat(verified.exitCode()).as(verified.text()).isZero();
        }
    }

    private static Output importOnCluster(String url, String file, String format) {
        Output imported = shopflow("import", "orders", file, "--format", format, "--jdbc-url", url,
                "--db-user", "postgres");
        assertThat(imported.exitCode()).as(imported.text()).isZero();
        return imported;
    }

    private static void importOnOneNode(Database oneNode, String file, String format) {
        Output alone = shopflow("import", "orders", file, "--format", format, "--jdbc-url", oneNode.jdbcUrl(),
                "--db-password", TestDatabases.password());
        assertThat(alone.exitCode()).as(alone.text()).isZero();
    }

    /** Orders placed, moved along their lifecycle (refunds, cancellations), older orders moved too, events. */
    private static void shopWrites(Database database, String prefix) throws SQLException {
        List<Integer> placed = new ArrayList<>();
        try (Connection c = database.connection()) {
            for (int i = 0; i < 10; i++) {
                placed.add(placeOrder(c, i, prefix + "-" + i));
            }
            try (Statement s = c.createStatement()) {
                s.execute("insert into page_views (session_id, customer_id, page_url, product_id)"
                        + " select '" + prefix + "-' || i, null, '/p', (select min(product_id) from products)"
                        + " from generate_series(0, 14) i");
                s.execute("insert into cart_events (session_id, product_id, action, quantity)"
                        + " select '" + prefix + "-' || i, (select min(product_id) from products), a, 1"
                        + " from generate_series(0, 11) i, unnest(array['add', 'view_cart']) a");
                // checkouts started: a begin_checkout event and a /checkout page (the funnel's stage 4)
                s.execute("insert into cart_events (session_id, product_id, action)"
                        + " select '" + prefix + "-' || i, (select min(product_id) from products), 'begin_checkout'"
                        + " from generate_series(0, 3) i");
                s.execute("insert into page_views (session_id, page_url) select '" + prefix + "-' || i, '/checkout'"
                        + " from generate_series(2, 7) i");
            }
            String olderProcessing = scalar(database, "select min(order_id) from orders where status = 'processing'");
            String olderDelivered = scalar(database, "select min(order_id) from orders where status = 'delivered'");
            OrderLifecycle lifecycle = new OrderLifecycle(database.dataSource());
            // partial refunds: an amount of an order refunded whole below (taken back then), a unit of
            // another's first line, an amount of a third (all placed since the job's last run)
            OrderRefunds refunds = new OrderRefunds(database.dataSource());
            refunds.refund(placed.get(0), new BigDecimal("1.00"), null);
            refunds.refund(placed.get(2), null, "[{\"item_id\": "
                    + scalar(database, "select min(item_id) from order_items where order_id = " + placed.get(2))
                    + ", \"quantity\": 1}]");
            refunds.refund(placed.get(3), new BigDecimal("2.50"), null);
            // and an amount of an order placed before the job's last run, still counted: its customer's net sales
            // lose it in the run that applies the refund alone (the order itself was applied before)
            refunds.refund(Integer.parseInt(olderProcessing), new BigDecimal("1.50"), null);
            for (int i = 0; i < 6; i++) {
                lifecycle.transition(placed.get(i), OrderStatus.PROCESSING);
            }
            for (int i = 0; i < 4; i++) {
                lifecycle.transition(placed.get(i), OrderStatus.SHIPPED);
            }
            for (int i = 0; i < 2; i++) {
                lifecycle.transition(placed.get(i), OrderStatus.DELIVERED);
            }
            lifecycle.transition(placed.get(0), OrderStatus.REFUNDED);
            lifecycle.transition(placed.get(6), OrderStatus.CANCELLED);
            lifecycle.transition(placed.get(7), OrderStatus.CANCELLED);
            lifecycle.transition(Integer.parseInt(olderProcessing), OrderStatus.SHIPPED);
            lifecycle.transition(Integer.parseInt(olderDelivered), OrderStatus.REFUNDED);
            // a delivery from a supplier into the first warehouse row
            new Restocking(database.dataSource()).restock(
                    scalar(database, "select p.sku from inventory i join products p using (product_id)"
                            + " order by i.product_id, i.warehouse limit 1"),
                    scalar(database, "select warehouse from inventory order by product_id, warehouse limit 1"), 25);
        }
    }

    /** place_order for the n-th active customer with two lines of products in stock; the order's id. */
    private static int placeOrder(Connection c, int n, String session) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                with customer as (
                    select customer_id from customers where is_active order by customer_id offset ? limit 1
                ),
                product as (
                    select product_id, row_number() over (order by product_id) as k
                    from products
                    where product_id in (
                        -- the 40 active ones best stocked in every warehouse (a generated shop's stock follows each
                        -- row's demand)
                        select product_id from inventory join products using (product_id) where products.is_active
                        group by 1 order by min(inventory.quantity) desc, product_id limit 40)
                )
                select order_id from place_order((select customer_id from customer),
                    jsonb_build_array(
                        jsonb_build_object('product_id', (select product_id from product where k = 1 + ? % 20), 'quantity', 1),
                        jsonb_build_object('product_id', (select product_id from product where k = 21 + ? % 20), 'quantity', 2)),
                    null, ?)""")) {
            s.setInt(1, 3 * n + 1);
            s.setInt(2, n);
            s.setInt(3, 7 * n);
            s.setString(4, session);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private record Output(int exitCode, String text) {
    }

    /** A shopflow command run here, with what it printed and what the libraries logged (to System.err). */
    private static Output shopflow(String... args) {
        StringWriter out = new StringWriter();
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        try {
            CommandLine cmd = Main.commandLine();
            cmd.setOut(new PrintWriter(out, true));
            cmd.setErr(new PrintWriter(out, true));
            int exitCode = cmd.execute(args);
            return new Output(exitCode, out + logged.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(stderr);
        }
    }

    /**
     * Every report of the catalog as of {@code asOf} on the cluster and on one node, where they
     * differ (market_basket with {@code minPairOrders}: a small shop's pairs are few).
     */
    private static List<String> reportDifferences(Database onCluster, Database oneNode, OffsetDateTime asOf,
            String minPairOrders) {
        ReportRunner clusterRunner = new ReportRunner(onCluster.dataSource());
        ReportRunner nodeRunner = new ReportRunner(oneNode.dataSource());
        List<String> differences = new ArrayList<>();
        for (Report report : ReportCatalog.load().all()) {
            Map<String, String> parameters = report.name().equals("market_basket")
                    ? Map.of("min_pair_orders", minPairOrders) : Map.of();
            RollupVerifier.firstDifference(report.name(), asOf, parameters,
                    clusterRunner.run(report, asOf, parameters), nodeRunner.run(report, asOf, parameters))
                    .map(Drift::describe).ifPresent(differences::add);
        }
        return differences;
    }

    private static String coordinatorUrl(String database) {
        return "jdbc:postgresql://localhost:" + cluster.coordinatorPort() + "/" + database;
    }

    private static void execute(Database database, String sql) {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static long catchUp(Database database) throws SQLException {
        try (Connection c = database.connection()) {
            return Rollups.catchUp(c);
        }
    }

    private static String scalar(Database database, String sql) throws SQLException {
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
