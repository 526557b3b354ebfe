package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shopflow.reports.ReportFixture.AS_OF;
import static shopflow.reports.ReportFixture.rows;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import shopflow.rollups.Drift;
import shopflow.rollups.RollupVerifier;

/**
 * Partial refunds (order_refunds) in the sales model, on the hand-written shop (RevenueReportsTest
 * lists its orders) with four refunds made by refund_order() and one order then refunded whole:
 *
 * <pre>
 * refund  order (placed)           what                          when (shop time)    net sales
 *  R1     9 (30 June 09:30)        amount 11.00 over its lines  30 June 14:00       6.00 (item 14, product 4)
 *                                  in proportion to 30 and 25                        + 5.00 (item 15, product 5)
 *  R2     2 (15 March)             1 unit of item 3 (product 1)  10 June 10:00      900.00
 *  R3     4 (10 April, 400.00)     amount 100.00                 2 June 10:00       100.00 (item 7, product 3)
 *  R4     4                        amount 50.00                  3 June 10:00        50.00 (item 7, product 3)
 *  then   4                        refunded whole                now                400.00 - 150.00 taken back
 * </pre>
 *
 * As of the fixture's as_of (30 June 12:00) R2-R4 are June's returns and R1 is not one yet.
 */
class PartialRefundsTest {

    private static final OffsetDateTime AFTER_R1 = OffsetDateTime.parse("2026-06-30T15:00+01:00");

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    @BeforeAll
    static void refund() throws SQLException {
        try (Connection c = shop.database().connection(); Statement s = c.createStatement()) {
            s.execute("select refund_order(9, amount => 11.00, p_at => '2026-06-30 14:00+01')");
            s.execute("select refund_order(2, lines => '[{\"item_id\": 3, \"quantity\": 1}]', p_at => '2026-06-10 10:00+01')");
            s.execute("select refund_order(4, amount => 100.00, p_at => '2026-06-02 10:00+01')");
            s.execute("select refund_order(4, amount => 50.00, p_at => '2026-06-03 10:00+01')");
            s.execute("select order_transition(4, 'refunded')");
        }
    }

    @Test
    void an_amount_is_shared_over_the_lines_in_proportion_to_what_is_left_of_them() throws SQLException {
        assertThat(strings("select item_id || ' ' || product_id || ' ' || quantity || ' ' || net_sales"
                + " from order_refunds where order_id = 9 order by item_id"))
                .containsExactly("14 4 0 6.00", "15 5 0 5.00");
    }

    @Test
    void a_partial_refund_after_as_of_is_no_return_yet_and_counts_on_its_own_day() {
        // 30 June to 12:00: order 9 sold 55.00, nothing returned
        assertThat(rows(shop.run("revenue_summary"), "period", "orders", "gross_sales", "returns", "net_sales").get(0))
                .isEqualTo("today | 1 | 55.00 | 0.00 | 55.00");
        // to 15:00: order 16 (13:00, 50.00) too, and R1's 11.00 returned at 14:00
        assertThat(rows(shop.run("revenue_summary", AFTER_R1, Map.of()),
                "period", "orders", "gross_sales", "returns", "net_sales").get(0))
                .isEqualTo("today | 2 | 105.00 | 11.00 | 94.00");
    }

    @Test
    void partial_refunds_inside_the_window_are_returns_of_orders_placed_before_it() {
        // June (RevenueReportsTest): returns 2025.00, net 2420.00; now also R2 900 + R3 100 + R4 50 = 1050.00:
        // returns 3075.00, net 1370.00 over 8 orders = 171.25; against May's 525.00: +161.0 %.
        // 2026: net 4340.00 - 1050.00 = 3290.00 (/ 13 = 253.08), total with 4.99 shipping 3294.99;
        // against 2025's 45.00: +7211.1 %. Partial refunds take no shipping or VAT back.
        assertThat(rows(shop.run("revenue_summary"), "period", "orders", "returns", "net_sales", "shipping",
                "total_sales", "average_order_value", "net_sales_growth_pct").subList(2, 4)).containsExactly(
                "month_to_date | 8 | 3075.00 | 1370.00 | 0.00 | 1370.00 | 171.25 | 161.0",
                "year_to_date | 13 | 3075.00 | 3290.00 | 4.99 | 3294.99 | 253.08 | 7211.1");
        // by day: 2 June R3, 3 June R4, 5 June order 8's refund, 10 June R2, 20 June order 6's cancellation
        ReportResult june = shop.run("daily_revenue", Map.of("days", "30"));
        assertThat(rows(june, "day", "returns").stream().filter(row -> !row.endsWith("| 0.00")))
                .containsExactly("2026-06-02 | 100.00", "2026-06-03 | 50.00", "2026-06-05 | 525.00",
                        "2026-06-10 | 900.00", "2026-06-20 | 1500.00");
    }

    @Test
    void products_returns_come_from_the_refunded_lines_and_add_up_to_the_shop() {
        // June: product 1 sold 1 unit (order 6, 1000.00), returned order 6's unit and R2's: 1900.00;
        // product 3 sold 1 unit (order 6, 500.00), returned order 6's and order 8's units (1000.00) and
        // R3 + R4 (150.00, no units: amounts).
        ReportResult top = shop.run("top_products", Map.of("days", "30", "limit", "100"));
        assertThat(rows(top, "product_id", "units", "gross_sales", "returns", "net_sales").stream()
                .filter(row -> row.startsWith("1 |") || row.startsWith("3 |")))
                .containsExactlyInAnyOrder("1 | -1 | 1000.00 | 1900.00 | -900.00", "3 | -1 | 500.00 | 1150.00 | -650.00");
        assertThat(sum(top, "net_sales")).isEqualByComparingTo("1370.00");
        // 30 June to 15:00: orders 9 and 16 less R1 (over products 4 and 5): the day's 94.00
        assertThat(sum(shop.run("top_products", AFTER_R1, Map.of("days", "1", "limit", "100")), "net_sales"))
                .isEqualByComparingTo("94.00");
    }

    @Test
    void customers_net_sales_lose_the_partial_refunds_made_by_as_of() {
        // 30 June 12:00. Customer 2: orders 3 (510.00), 4 (400.00 less R3 + R4, refunded whole only later:
        // 250.00) and 5 (1350.00) = 2110.00; customer 4: orders 11-15, 1540.00; customer 3: orders 7 (50.00) and
        // 9 (55.00, R1 not made yet) = 105.00; customer 1: orders 1 (45.00) and 2 (910.00 less R2 900.00) = 55.00;
        // customer 6: order 10, 35.00.
        assertThat(rows(shop.run("customer_lifetime"), "customer_id", "total_orders", "lifetime_net_sales",
                "avg_order_value").subList(0, 5)).containsExactly(
                "2 | 3 | 2110.00 | 703.33", "4 | 5 | 1540.00 | 308.00", "3 | 2 | 105.00 | 52.50",
                "1 | 2 | 55.00 | 27.50", "6 | 1 | 35.00 | 35.00");
        // 15:00: R1 (11.00) taken from customer 3, order 16 (13:00, 50.00) counted for customer 1
        assertThat(rows(shop.run("customer_lifetime", AFTER_R1, Map.of()), "customer_id", "total_orders",
                "lifetime_net_sales").subList(0, 5)).containsExactly(
                "2 | 3 | 2110.00", "4 | 5 | 1540.00", "1 | 3 | 105.00", "3 | 2 | 94.00", "6 | 1 | 35.00");
        // now: order 4 refunded whole, so neither it nor its partial refunds count: 510.00 + 1350.00
        assertThat(rows(shop.run("customer_lifetime", OffsetDateTime.now(), Map.of()), "customer_id", "total_orders",
                "lifetime_net_sales").get(0)).isEqualTo("2 | 2 | 1860.00");
    }

    @Test
    void rfm_monetary_is_net_sales_less_the_partial_refunds_made_by_as_of() {
        // every segment's customers, with their monetary value: as customer_lifetime above
        Map<String, String> monetary = new java.util.TreeMap<>();
        for (OffsetDateTime asOf : List.of(AS_OF, AFTER_R1)) {
            for (String segment : List.of("Champions", "Loyal Customers", "Potential Loyalists", "New Customers",
                    "Promising", "Need Attention", "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating")) {
                for (String row : rows(shop.run("rfm_customers", asOf, Map.of("segment", segment)),
                        "customer_id", "frequency", "monetary")) {
                    monetary.put(asOf.toLocalTime() + " customer " + row.substring(0, row.indexOf(' ')), row);
                }
            }
        }
        assertThat(monetary).containsExactly(
                Map.entry("12:00 customer 1", "1 | 2 | 55.00"), Map.entry("12:00 customer 2", "2 | 3 | 2110.00"),
                Map.entry("12:00 customer 3", "3 | 2 | 105.00"), Map.entry("12:00 customer 4", "4 | 5 | 1540.00"),
                Map.entry("12:00 customer 6", "6 | 1 | 35.00"),
                Map.entry("15:00 customer 1", "1 | 3 | 105.00"), Map.entry("15:00 customer 2", "2 | 3 | 2110.00"),
                Map.entry("15:00 customer 3", "3 | 2 | 94.00"), Map.entry("15:00 customer 4", "4 | 5 | 1540.00"),
                Map.entry("15:00 customer 6", "6 | 1 | 35.00"));
        // the segments' average net sales add up to the same: 55 + 2110 + 105 + 1540 + 35 = 3845.00 over 5 buyers
        ReportResult segments = shop.run("rfm_segments");
        BigDecimal spend = BigDecimal.ZERO;
        long buyers = 0;
        for (int row = 0; row < segments.rows().size(); row++) {
            long customers = ((Number) segments.value(row, "customers")).longValue();
            if (customers > 0) {
                buyers += customers;
                spend = spend.add(((BigDecimal) segments.value(row, "avg_net_sales")).multiply(BigDecimal.valueOf(customers)));
            }
        }
        assertThat(buyers).isEqualTo(5);
        assertThat(spend).isEqualByComparingTo("3845.00");
    }

    @Test
    void two_partial_refunds_then_a_full_refund_return_the_order_once() throws SQLException {
        // order 4: 100.00 and 50.00, then the whole order (400.00) with the partial refunds taken back
        assertThat(strings("select status || ' ' || net_sales from order_returns where order_id = 4"
                + " order by returned_at, status"))
                .containsExactly("partial 100.00", "partial 50.00", "refunded 400.00", "taken_back -150.00");
        assertThat(strings("select sum(net_sales)::text from order_returns where order_id = 4")).containsExactly("400.00");
        assertThat(strings("select sum(quantity) || ' ' || sum(net_sales) from order_line_returns where order_id = 4"))
                .containsExactly("1 400.00");
    }

    @Test
    void the_rollups_answer_as_the_reference_sql_before_between_and_after_the_refunds() {
        RollupVerifier verifier = new RollupVerifier(shop.database().dataSource());
        for (OffsetDateTime asOf : List.of(OffsetDateTime.parse("2026-06-02T10:30+01:00"), AS_OF, AFTER_R1,
                OffsetDateTime.now())) {
            for (String report : List.of("revenue_summary", "daily_revenue", "top_products", "category_sales",
                    "shop_vitals", "customer_lifetime", "rfm_segments", "rfm_customers")) {
                Optional<Drift> drift = verifier.compare(report, asOf, Map.of());
                assertThat(drift).as(() -> drift.map(Drift::describe).orElse("")).isEmpty();
            }
        }
    }

    @Test
    void a_refund_is_refused_when_it_asks_too_much_or_the_order_is_returned() {
        assertThatThrownBy(() -> execute("select refund_order(9, amount => 44.01)"))
                .hasMessageContaining("order 9 has 44.00 left to refund: 44.01 is more");
        assertThatThrownBy(() -> execute("select refund_order(9, lines => '[{\"item_id\": 14, \"quantity\": 4}]')"))
                .hasMessageContaining("line 14 of order 9 has 3 units left to refund: 4 is more");
        assertThatThrownBy(() -> execute("select refund_order(9, lines => '[{\"item_id\": 3, \"quantity\": 1}]')"))
                .hasMessageContaining("order 9 has no line");
        assertThatThrownBy(() -> execute("select refund_order(9, amount => 1.00,"
                + " lines => '[{\"item_id\": 14, \"quantity\": 1}]')"))
                .hasMessageContaining("exactly one of them");
        assertThatThrownBy(() -> execute("select refund_order(4, amount => 1.00)"))
                .hasMessageContaining("order 4 is refunded: nothing is left to refund");
        assertThatThrownBy(() -> execute("select refund_order(6, amount => 0.001)"))
                .hasMessageContaining("must be positive, in pence");
        assertThatThrownBy(() -> execute("delete from order_refunds where order_id = 2"))
                .hasMessageContaining("is money that moved");
    }

    private static BigDecimal sum(ReportResult result, String column) {
        BigDecimal total = BigDecimal.ZERO;
        for (int row = 0; row < result.rows().size(); row++) {
            total = total.add((BigDecimal) result.value(row, column));
        }
        return total;
    }

    private static List<String> strings(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = shop.database().connection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                values.add(r.getString(1));
            }
        }
        return values;
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = shop.database().connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
