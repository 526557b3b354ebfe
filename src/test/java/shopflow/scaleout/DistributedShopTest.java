package shopflow.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.db.Migrations;
import shopflow.generate.Generator;
import shopflow.generate.GeneratorSettings;
import shopflow.live.Drift;
import shopflow.live.RollupVerifier;
import shopflow.orders.ConcurrentOrdersScenario;
import shopflow.orders.OrderLifecycle;
import shopflow.orders.OrderStatus;
import shopflow.reports.Report;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportException;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;
import shopflow.time.AsOf;
import shopflow.web.Role;
import shopflow.web.WebServer;

/**
 * The same shop on a Citus cluster (a coordinator and two workers) and on one embedded node: the
 * same generated data (same seed), and every report must answer the same rows on both. On the
 * cluster reports run their reference SQL over the distributed tables; on the node, from the rollups.
 */
class DistributedShopTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final OffsetDateTime GENERATED_AS_OF = AsOf.parse("2026-06-30T12:00", LONDON);

    private static CitusCluster cluster;
    private static Database distributed;
    private static Database single;

    @BeforeAll
    static void start() {
        cluster = CitusCluster.start();
        distributed = cluster.database("shop");
        Migrations.migrate(distributed);
        Distribution.apply(distributed);
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
    void the_orders_and_events_are_spread_over_both_workers() throws SQLException {
        assertThat(Cluster.isDistributed(distributed.dataSource())).isTrue();
        assertThat(Cluster.isDistributed(single.dataSource())).isFalse();
        assertThat(scalar(distributed, """
                select string_agg(distinct nodeport::text, ',' order by nodeport::text) from citus_shards
                where table_name in ('orders'::regclass, 'page_views'::regclass)"""))
                .isEqualTo(cluster.workerPort(1) + "," + cluster.workerPort(2));
        assertThat(scalar(distributed, "select count(*) from orders")).isEqualTo(scalar(single, "select count(*) from orders"));
        assertThat(scalar(distributed, "select count(*) from orders")).isNotEqualTo("0");
    }

    @Test
    void every_report_answers_the_same_rows_on_the_cluster_as_on_one_node() {
        ReportCatalog onNode = Cluster.reportCatalog(single.dataSource());
        ReportCatalog onCluster = Cluster.reportCatalog(distributed.dataSource());
        ReportRunner nodeRunner = new ReportRunner(single.dataSource());
        ReportRunner clusterRunner = new ReportRunner(distributed.dataSource());
        List<Map<String, String>> parameterSets = List.of(Map.of());
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (OffsetDateTime asOf : List.of(GENERATED_AS_OF, GENERATED_AS_OF.minusDays(47).minusHours(5),
                AsOf.parse("2025-12-24T18:00", LONDON))) {
            for (Report report : onNode.all()) {
                for (Map<String, String> parameters : parameterSets) {
                    ReportResult fromNode = nodeRunner.run(report, asOf, parameters);
                    ReportResult fromCluster = clusterRunner.run(onCluster.get(report.name()), asOf, parameters);
                    assertThat(fromNode.rows()).as(report.name() + " has rows").isNotEmpty();
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
    void some_reports_with_other_parameters_answer_the_same_rows_too() {
        ReportRunner nodeRunner = new ReportRunner(single.dataSource());
        ReportRunner clusterRunner = new ReportRunner(distributed.dataSource());
        ReportCatalog onCluster = Cluster.reportCatalog(distributed.dataSource());
        Map<String, Map<String, String>> cases = Map.of(
                "daily_revenue", Map.of("days", "400"),
                "top_products", Map.of("limit", "300"),
                "market_basket", Map.of("min_count", "2", "limit", "200"),
                "rfm_customers", Map.of("segment", "At Risk"),
                "low_stock", Map.of("show", "all", "days", "90"),
                "fraud_review", Map.of("days", "365"),
                "conversion_funnel", Map.of("days", "365"),
                "retention_cohorts", Map.of("cohorts", "24"));
        List<String> differences = new ArrayList<>();
        cases.forEach((name, parameters) -> {
            ReportResult fromNode = nodeRunner.run(ReportCatalog.load().get(name), GENERATED_AS_OF, parameters);
            ReportResult fromCluster = clusterRunner.run(onCluster.get(name), GENERATED_AS_OF, parameters);
            assertThat(fromNode.rows()).as(name).isNotEmpty();
            RollupVerifier.firstDifference(name, GENERATED_AS_OF, parameters, fromCluster, fromNode)
                    .map(Drift::describe).ifPresent(differences::add);
        });
        assertThat(differences).isEmpty();
    }

    @Test
    void concurrent_orders_keep_stock_and_coupon_uses_exact_on_the_cluster() throws Exception {
        try (Database orders = cluster.database("orders_concurrency")) {
            Migrations.migrate(orders);
            Distribution.apply(orders);
            ConcurrentOrdersScenario.runAndCheck(orders.dataSource());
        }
    }

    @Test
    void a_stopped_worker_fails_reports_naming_it_changes_nothing_and_all_answer_again_when_it_returns()
            throws Exception {
        ReportRunner runner = new ReportRunner(distributed.dataSource());
        Report report = Cluster.reportCatalog(distributed.dataSource()).get("revenue_summary");
        ReportResult before = runner.run(report, GENERATED_AS_OF, Map.of());
        String stock = scalar(distributed, "select sum(quantity) || '/' || count(*) from inventory");
        String movements = scalar(distributed, "select count(*) from stock_movements");
        String order = scalar(distributed, "select min(order_id) from orders where status = 'processing'");
        HttpClient http = HttpClient.newHttpClient();
        try (WebServer server = WebServer.start(distributed, Cluster.reportCatalog(distributed.dataSource()),
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
                HttpResponse<String> down = http.send(request, HttpResponse.BodyHandlers.ofString());
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

    private static String scalar(Database database, String sql) throws SQLException {
        try (Connection c = database.connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
