package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.reports.ReportFixture.rows;

import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Operations and risk: low stock, fraud review, customer lifetime. */
class OperationsReportsTest {

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    @Test
    void low_stock_uses_each_warehouses_own_shipments_and_stock_as_of() {
        // BK-1/LON: 58 now, less a 50-unit restock after as_of = 8; shipped 4 + 3 in the 30 days
        // (MAN's 8 and LON's shipment of 20 May are not LON's last 30 days; the return is not demand):
        // 8 x 30 / 7 = 34.3 days; reorder ceil(7) + 10 - 8 = 9.
        // LAP-1/LON: 2 now + 1 shipped after as_of = 3; 1 shipped: 90.0 days; reorder 1 + 5 - 3 = 3.
        // LAP-2/LON: 12, 2 shipped: 180.0 days; 2 + 10 - 12 = 0. CBL-1/MAN: nothing shipped.
        ReportResult result = shop.run("low_stock");
        assertThat(rows(result, "sku", "warehouse", "stock", "reorder_level", "shipped_in_window", "daily_velocity",
                "days_of_stock", "suggested_reorder_qty", "status")).containsExactly(
                "BK-1 | LON | 8 | 10 | 7 | 0.23 | 34.3 | 9 | REORDER NOW",
                "LAP-1 | LON | 3 | 5 | 1 | 0.03 | 90.0 | 3 | REORDER NOW",
                "LAP-2 | LON | 12 | 10 | 2 | 0.07 | 180.0 | 0 | Low Stock",
                "CBL-1 | MAN | 15 | 10 | 0 | 0.00 | null | 0 | Low Stock");
    }

    @Test
    void low_stock_can_show_every_row_of_active_products() {
        ReportResult result = shop.run("low_stock", Map.of("show", "all"));
        assertThat(rows(result, "sku", "warehouse", "shipped_in_window", "days_of_stock", "status")).containsExactly(
                "BK-1 | LON | 7 | 34.3 | REORDER NOW",
                "LAP-1 | LON | 1 | 90.0 | REORDER NOW",
                "LAP-2 | LON | 2 | 180.0 | Low Stock",
                "CBL-1 | MAN | 0 | null | Low Stock",
                "BK-1 | MAN | 8 | 375.0 | OK",
                "LAP-1 | MAN | 0 | null | OK"); // OLD-1 is inactive
    }

    @Test
    void fraud_review_counts_only_earlier_orders_and_explains_each_flag() {
        // Dan signed up at 20:00 and placed four £10 orders at 20:20-20:35, then £1,500 at 20:50.
        ReportResult result = shop.run("fraud_review");
        assertThat(rows(result, "order_id", "orders_in_prior_hour", "multiple_of_avg", "account_age_minutes",
                "small_orders_prior_hour", "risk_score")).containsExactly(
                "15 | 4 | 150.0 | 50 | 4 | 100",
                "14 | 3 | 1.0 | 35 | 3 | 100",
                "13 | 2 | 1.0 | 30 | 2 | 40",
                "12 | 1 | 1.0 | 25 | 1 | 40",
                "11 | 0 | null | 20 | 0 | 40");
        assertThat(result.value(0, "reasons")).isEqualTo("burst: 4 orders in the hour before; "
                + "high_multiple: 150.0 times the earlier average; new_account: placed 50 minutes after signup");
        assertThat(result.value(1, "reasons")).isEqualTo("burst: 3 orders in the hour before; "
                + "new_account: placed 35 minutes after signup; card_testing: 3 small orders in the hour before");
    }

    @Test
    void fraud_review_window_reaches_back_n_days_and_compares_with_earlier_orders_only() {
        // Ann's 910.00 in March is 20.2 times her one earlier order (45.00); her later orders do not count.
        ReportResult result = shop.run("fraud_review", OffsetDateTime.parse("2026-03-31T12:00+01:00"), Map.of("days", "31"));
        assertThat(rows(result, "order_id", "multiple_of_avg", "risk_score", "reasons"))
                .containsExactly("2 | 20.2 | 30 | high_multiple: 20.2 times the earlier average");
    }

    @Test
    void customer_lifetime_lists_every_customer_signed_up_by_as_of_with_zero_for_no_orders() {
        ReportResult result = shop.run("customer_lifetime");
        assertThat(rows(result, "customer_id", "total_orders", "lifetime_value", "avg_order_value")).containsExactly(
                "2 | 3 | 2260.00 | 753.33",
                "4 | 5 | 1540.00 | 308.00",
                "1 | 2 | 955.00 | 477.50",
                "3 | 2 | 109.99 | 55.00",
                "6 | 1 | 35.00 | 35.00",
                "5 | 0 | 0 | null"); // Gus signed up after as_of
        assertThat(result.value(5, "first_order_at")).isNull();
        assertThat(result.value(4, "first_order_at")).hasToString("2026-03-20T16:00Z"); // GMT in March
        assertThat(result.value(0, "last_order_at")).hasToString("2026-06-01T00:30+01:00"); // the shop's clock, BST
    }

    @Test
    void customer_lifetime_as_of_after_every_order_equals_the_refreshed_materialized_view() {
        ReportFixture.execute(shop.database(), "refresh materialized view concurrently mv_customer_lifetime");
        ReportResult result = shop.run("customer_lifetime", OffsetDateTime.parse("2030-01-01T00:00Z"), Map.of());
        java.util.List<String> view = new java.util.ArrayList<>();
        try (var c = shop.database().connection(); var s = c.createStatement(); var rs = s.executeQuery(
                "select customer_id, total_orders, coalesce(lifetime_value, 0), round(avg_order_value, 2)"
                        + " from mv_customer_lifetime order by coalesce(lifetime_value, 0) desc, customer_id")) {
            while (rs.next()) {
                view.add(rs.getInt(1) + " | " + rs.getLong(2) + " | " + rs.getBigDecimal(3).toPlainString() + " | "
                        + (rs.getBigDecimal(4) == null ? "null" : rs.getBigDecimal(4).toPlainString()));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(rows(result, "customer_id", "total_orders", "lifetime_value", "avg_order_value"))
                .containsExactlyElementsOf(view)
                .contains("1 | 3 | 1005.00 | 335.00"); // Ann's order 16 counts now
    }
}
