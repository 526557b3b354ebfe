package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shopflow.reports.ReportFixture.rows;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RFM on the 17 buyers of fixtures/rfm.sql, whose scores and segments are worked out by hand in
 * that file's header (quintile boundaries over the values, as of 30 June 2026 12:00 BST), and the
 * rollup version against the reference SQL on the same shop.
 */
class RfmReportsTest {

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.empty();

    @BeforeAll
    static void loadTheRfmShop() {
        ReportFixture.execute(shop.database(), ReportFixture.resource("/fixtures/rfm.sql"));
    }

    private static final ReportCatalog REFERENCES = ReportCatalog.references();

    private static ReportResult reference(String report, OffsetDateTime asOf, Map<String, String> parameters) {
        return new ReportRunner(shop.database().dataSource()).run(REFERENCES.get(report), asOf, parameters);
    }

    private static List<String> customers(String scheme, String segment) {
        return rows(shop.run("rfm_customers", Map.of("scheme", scheme, "segment", segment)),
                "customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "segment");
    }

    @Test
    void each_of_the_ten_segments_is_reached_with_its_averages() {
        // averages of the segment's customers (net sales, orders, days since the last order):
        //   Loyal Customers 6, 7: (320 + 450) / 2, (4 + 5) / 2, (46 + 117) / 2 = 81.5 -> 82
        //   Potential Loyalists 3, 5: (100 + 210) / 2, (2 + 3) / 2, (0 + 51) / 2 = 25.5 -> 26
        //   At Risk 11, 13, 15: (240 + 90 + 40) / 3 = 123.33, 11 / 3 = 3.7, (140 + 176 + 166) / 3 -> 161
        //   Need Attention 8 and New Customers 2 tie at 60.00: by name
        //   About to Sleep 9, 17: (50 + 40) / 2, 1.5, (107 + 102) / 2 = 104.5 -> 105
        //   Hibernating 12, 14, 16: (15 + 70 + 40) / 3 = 41.67, 4 / 3 = 1.3, (135 + 171 + 161) / 3 -> 156
        ReportResult result = shop.run("rfm_segments");
        assertThat(rows(result, "segment", "customers", "avg_net_sales", "avg_orders", "avg_days_since_order"))
                .containsExactly(
                        "Champions | 1 | 500.00 | 5.0 | 10",
                        "Loyal Customers | 2 | 385.00 | 4.5 | 82",
                        "Can't Lose Them | 1 | 200.00 | 5.0 | 145",
                        "Potential Loyalists | 2 | 155.00 | 2.5 | 26",
                        "At Risk | 3 | 123.33 | 3.7 | 161",
                        "Need Attention | 1 | 60.00 | 3.0 | 112",
                        "New Customers | 1 | 60.00 | 1.0 | 5",
                        "About to Sleep | 2 | 45.00 | 1.5 | 105",
                        "Hibernating | 3 | 41.67 | 1.3 | 156",
                        "Promising | 1 | 30.00 | 1.0 | 56");
    }

    @Test
    void the_standard_map_gives_every_one_of_the_25_r_f_cells_one_of_its_ten_segments() throws Exception {
        try (var c = shop.database().connection(); var s = c.createStatement(); var rs = s.executeQuery(
                "select count(*), count(segment), count(distinct segment),"
                        + " bool_and(segment = any (rfm_segment_names('standard')))"
                        + " from (select rfm_segment(r, f, 3) as segment from generate_series(1, 5) r, generate_series(1, 5) f) as cells")) {
            rs.next();
            assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getBoolean(4) ? 1L : 0L))
                    .containsExactly(25L, 25L, 10L, 1L);
        }
    }

    @Test
    void equal_values_get_equal_scores() {
        // the five one-order buyers (2, 4, 12, 16, 17) all F 1; the three at £40 (15, 16, 17) all M 1
        List<String> scores = new ArrayList<>();
        for (String segment : List.of("New Customers", "Promising", "Hibernating", "About to Sleep", "At Risk")) {
            scores.addAll(customers("standard", segment));
        }
        assertThat(scores).filteredOn(row -> row.split(" \\| ")[2].equals("1"))
                .extracting(row -> row.split(" \\| ")[0] + " F" + row.split(" \\| ")[5])
                .containsExactlyInAnyOrder("2 F1", "4 F1", "12 F1", "16 F1", "17 F1");
        assertThat(scores).filteredOn(row -> row.split(" \\| ")[3].equals("40.00"))
                .extracting(row -> row.split(" \\| ")[0] + " M" + row.split(" \\| ")[6])
                .containsExactlyInAnyOrder("15 M1", "16 M1", "17 M1");
    }

    @Test
    void an_order_refunded_after_as_of_still_counts_at_as_of() {
        // customer 2's only order (25 June, £60) is refunded on 2 July; customer 4's cancelled
        // order of 1 June and customer 12's order of 1 July do not count
        assertThat(customers("standard", "New Customers")).containsExactly("2 | 5 | 1 | 60.00 | 5 | 1 | 2 | New Customers");
        assertThat(customers("standard", "Promising")).containsExactly("4 | 56 | 1 | 30.00 | 4 | 1 | 1 | Promising");
        // after the refund, customer 2 has no counted order
        assertThat(rows(shop.run("rfm_customers", ReportFixture.AS_OF.plusDays(3),
                Map.of("segment", "New Customers")), "customer_id")).doesNotContain("2");
    }

    @Test
    void net_sales_take_the_coupon_off() {
        // customer 1: four orders of £100 and one of £120 less a £20 coupon
        assertThat(customers("standard", "Champions")).containsExactly("1 | 10 | 5 | 500.00 | 5 | 5 | 5 | Champions");
    }

    @Test
    void the_brief_scheme_keeps_its_seven_segments_with_the_new_scores() {
        ReportResult result = shop.run("rfm_segments", Map.of("scheme", "brief"));
        assertThat(rows(result, "segment", "customers", "avg_net_sales")).containsExactly(
                "Champions | 2 | 410.00",
                "Potential Loyalists | 2 | 255.00",
                "At Risk | 2 | 220.00",
                "Loyal Customers | 2 | 155.00",
                "Needs Attention | 4 | 55.00",
                "Recent Customers | 2 | 45.00",
                "Hibernating | 3 | 41.67");
        assertThat(customers("brief", "Champions")).containsExactly(
                "1 | 10 | 5 | 500.00 | 5 | 5 | 5 | Champions",
                "6 | 46 | 4 | 320.00 | 4 | 4 | 5 | Champions");
        // a segment of the other scheme lists nobody
        assertThat(customers("brief", "Promising")).isEmpty();
    }

    @Test
    void an_unknown_scheme_is_refused_naming_the_accepted_ones() {
        for (String report : List.of("rfm_segments", "rfm_customers")) {
            assertThatThrownBy(() -> shop.run(report, Map.of("scheme", "rxf")))
                    .isInstanceOf(ReportException.class)
                    .hasMessage("parameter 'scheme' = 'rxf' must be one of standard, brief");
        }
    }

    @Test
    void the_customer_lists_add_up_to_the_segment_counts_in_both_schemes() {
        for (String scheme : List.of("standard", "brief")) {
            ReportResult segments = shop.run("rfm_segments", Map.of("scheme", scheme));
            for (int row = 0; row < segments.rows().size(); row++) {
                String segment = (String) segments.value(row, "segment");
                long count = ((Number) segments.value(row, "customers")).longValue();
                assertThat(customers(scheme, segment)).as(scheme + " " + segment).hasSize((int) count);
            }
        }
    }

    @Test
    void the_rollup_versions_agree_with_the_reference_sql() {
        for (var asOf : List.of(ReportFixture.AS_OF, ReportFixture.AS_OF.minusDays(40), ReportFixture.AS_OF.plusDays(3))) {
            for (String scheme : List.of("standard", "brief")) {
                assertThat(reference("rfm_segments", asOf, Map.of("scheme", scheme)).rows())
                        .as(scheme + " " + asOf)
                        .isEqualTo(shop.run("rfm_segments", asOf, Map.of("scheme", scheme)).rows());
            }
            for (String segment : List.of("Champions", "At Risk", "Hibernating", "Needs Attention")) {
                Map<String, String> parameters = Map.of("scheme", segment.equals("Needs Attention") ? "brief" : "standard",
                        "segment", segment);
                assertThat(reference("rfm_customers", asOf, parameters).rows()).as(segment + " " + asOf)
                        .isEqualTo(shop.run("rfm_customers", asOf, parameters).rows());
            }
        }
    }

    @Test
    void the_default_scheme_is_standard_and_the_default_segment_champions() {
        assertThat(rows(shop.run("rfm_customers"), "customer_id", "segment")).containsExactly("1 | Champions");
    }
}
