package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.reports.ReportFixture.rows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RfmReportsTest {

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    // Five customers with orders, one per quintile:
    //   recency (days to 30 June): Ann 107, Fay 102, Bob 29, Dan 1, Cat 0  -> r 1, 2, 3, 4, 5
    //   frequency: Fay 1, Ann 2, Cat 2 (tie: Ann first by id), Bob 3, Dan 5 -> f 1, 2, 3, 4, 5
    //   monetary: Fay 35, Cat 109.99, Ann 955, Dan 1540, Bob 2260            -> m 1, 2, 3, 4, 5

    @Test
    void the_most_recent_buyers_get_the_highest_recency_score() {
        ReportResult result = shop.run("rfm_customers", Map.of("segment", "Loyal Customers"));
        assertThat(rows(result, "customer_id", "recency_days", "r_score", "f_score", "m_score", "segment"))
                .containsExactly("3 | 0 | 5 | 3 | 2 | Loyal Customers");
    }

    @Test
    void segments_count_customers_with_their_averages_and_list_empty_segments_too() {
        ReportResult result = shop.run("rfm_segments");
        assertThat(rows(result, "segment", "customers", "avg_spend", "avg_orders", "avg_days_since_order")).containsExactly(
                "Potential Loyalists | 1 | 2260.00 | 3.0 | 29",
                "Champions | 1 | 1540.00 | 5.0 | 1",
                "Hibernating | 2 | 495.00 | 1.5 | 105",
                "Loyal Customers | 1 | 109.99 | 2.0 | 0",
                "At Risk | 0 | null | null | null",
                "Needs Attention | 0 | null | null | null",
                "Recent Customers | 0 | null | null | null");
    }

    @Test
    void the_customer_list_of_a_segment_has_contact_details_and_scores_highest_spend_first() {
        ReportResult result = shop.run("rfm_customers", Map.of("segment", "Hibernating"));
        assertThat(rows(result, "customer_id", "email", "first_name", "last_name", "frequency", "monetary",
                "r_score", "f_score", "m_score")).containsExactly(
                "1 | ann@example.com | Ann | Archer | 2 | 955.00 | 1 | 2 | 3",
                "6 | fay@example.com | Fay | Ford | 1 | 35.00 | 2 | 1 | 1");
        assertThat(result.report().audience()).isEqualTo(Audience.CUSTOMER);
        assertThat(result.report().columns().stream().filter(ReportColumn::personal).map(ReportColumn::name))
                .containsExactly("email", "first_name", "last_name");
    }

    @Test
    void the_customer_lists_add_up_to_the_segment_counts() {
        ReportResult segments = shop.run("rfm_segments");
        for (int row = 0; row < segments.rows().size(); row++) {
            String segment = (String) segments.value(row, "segment");
            long customers = ((Number) segments.value(row, "customers")).longValue();
            assertThat(shop.run("rfm_customers", Map.of("segment", segment)).rows()).as(segment).hasSize((int) customers);
        }
    }

    @Test
    void the_default_segment_is_champions() {
        assertThat(rows(shop.run("rfm_customers"), "customer_id", "segment")).containsExactly("4 | Champions");
    }
}
