package shopflow.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.reports.AsOf;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;

/**
 * On a generated shop (scale 0.01: 5,000 orders, coupons on some), the products' net sales and the
 * top-level categories' add up to the shop's net sales for the same window: the net sales of the
 * orders placed in it (order_sales) less those of the orders returned in it (order_returns), the
 * sales model's own views. That holds only if each order's coupon is shared over its lines to the
 * penny and every return is counted once.
 */
class ProductSalesAddUpTest {

    private static final ReportCatalog REPORTS = ReportCatalog.load();
    private static final OffsetDateTime AS_OF = AsOf.parse(GeneratedData.AS_OF, GeneratedData.LONDON);
    private static Database db;

    @BeforeAll
    static void generate() throws SQLException {
        db = TestDatabases.fresh();
        GeneratedData.generate(db, 0.01, 2);
        // Refunds inside both windows of orders placed before them (and some of orders placed in
        // them), so returns are part of the sums whatever status history the generator writes.
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            s.execute("""
                    create temporary table refunded as
                    select order_id, status,
                           case when order_id % 2 = 0 then timestamptz '2026-06-20 10:00+01'
                                else timestamptz '2026-04-02 15:00+01' end as refunded_at
                    from orders
                    where status = 'delivered' and created_at between '2026-02-01' and '2026-06-10'
                      and exists (select 1 from order_items where order_items.order_id = orders.order_id)
                    order by order_id
                    limit 40""");
            s.execute("insert into order_status_changes (order_id, from_status, to_status, changed_at)"
                    + " select order_id, status, 'refunded', refunded_at from refunded");
            s.execute("update orders set status = 'refunded' where order_id in (select order_id from refunded)");
        }
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            -          | -          | 2026-06-01T00:00+01:00
            2026-03-01 | 2026-04-15 | 2026-03-01T00:00Z
            """)
    void products_and_top_level_categories_add_up_to_the_shops_net_sales(String from, String to, String start) {
        Map<String, String> window = from == null ? Map.of() : Map.of("from", from, "to", to);
        OffsetDateTime end = to == null ? AS_OF
                : java.time.LocalDate.parse(to).plusDays(1).atStartOfDay(GeneratedData.LONDON).toOffsetDateTime();
        BigDecimal shop = decimal("select (select coalesce(sum(net_sales), 0) from order_sales"
                + " where created_at >= timestamptz '" + start + "' and created_at < timestamptz '" + end + "'"
                + " and created_at <= timestamptz '" + AS_OF + "')"
                + " - (select coalesce(sum(net_sales), 0) from order_returns"
                + " where returned_at >= timestamptz '" + start + "' and returned_at < timestamptz '" + end + "'"
                + " and returned_at <= timestamptz '" + AS_OF + "')");
        BigDecimal returned = decimal("select coalesce(sum(net_sales), 0) from order_returns"
                + " where returned_at >= timestamptz '" + start + "' and returned_at < timestamptz '" + end + "'");

        Map<String, String> everyProduct = new java.util.HashMap<>(window);
        everyProduct.put("limit", "10000");
        ReportResult products = run("top_products", everyProduct);
        ReportResult categories = run("category_sales", window);
        BigDecimal productSum = BigDecimal.ZERO;
        for (int row = 0; row < products.rows().size(); row++) {
            productSum = productSum.add((BigDecimal) products.value(row, "net_sales"));
        }
        BigDecimal topLevelSum = BigDecimal.ZERO;
        for (int row = 0; row < categories.rows().size(); row++) {
            if (((Number) categories.value(row, "level")).intValue() == 1) {
                topLevelSum = topLevelSum.add((BigDecimal) categories.value(row, "net_sales"));
            }
        }

        assertThat(returned).as("returns in the window").isPositive();
        assertThat(products.rows()).hasSizeLessThan(10000);
        assertThat(shop).isPositive();
        assertThat(productSum).isEqualByComparingTo(shop);
        assertThat(topLevelSum).isEqualByComparingTo(shop);
        // every product has a category in the generated shop, so nothing falls outside the tree
        assertThat(decimal("select count(*) from products where category_id is null")).isZero();
    }

    private static ReportResult run(String report, Map<String, String> parameters) {
        return new ReportRunner(db.dataSource()).run(REPORTS.get(report), AS_OF, parameters);
    }

    private static BigDecimal decimal(String sql) {
        return BigDecimal.valueOf(GeneratedData.number(db, sql));
    }
}
