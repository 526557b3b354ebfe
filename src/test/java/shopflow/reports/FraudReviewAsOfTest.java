package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.reports.ReportFixture.rows;

import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import shopflow.rollups.RollupVerifier;

/**
 * fraud_review judges each order with what was known at as_of: an earlier order refunded after
 * as_of still counts as the customer's history then. Its own shop (fixtures/fraud_as_of.sql on top
 * of shop.sql), so the other reports' expected figures on the fixture stay as they are.
 */
class FraudReviewAsOfTest {

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    /** Hal's orders, folded: pending rollup rows are all candidates, folded ones only through their figures. */
    @BeforeAll
    static void hal() {
        ReportFixture.execute(shop.database(), ReportFixture.resource("/fixtures/fraud_as_of.sql"));
        ReportFixture.execute(shop.database(), "select fold_rollups()");
    }

    @Test
    void an_earlier_order_refunded_after_as_of_counts_as_it_did_then() {
        // As of 1 February, 30 days (from 3 January): order 17 was delivered (refunded on 10 February),
        // so order 20 came after 3 orders in the hour before: a burst (30). 40.00 against the average
        // of 30.00, 30.00, 30.00 = 1.3 (no high multiple); 30.00 is not small (15); signed up weeks
        // before. Orders 17, 18, 19 have 0, 1, 2 earlier orders: no burst of their own, but each is in
        // the hour before order 20 (in_burst, 30). The rollup, counting order 17 as refunded (now), has
        // 2 for order 20 and does not make it a candidate by itself.
        OffsetDateTime asOf = OffsetDateTime.parse("2026-02-01T12:00Z");
        ReportResult result = shop.run("fraud_review", asOf, Map.of("days", "30"));
        assertThat(rows(result, "order_id", "status", "total_sales", "orders_in_prior_hour", "multiple_of_avg",
                "small_orders_prior_hour", "risk_score", "reasons")).containsExactly(
                "20 | delivered | 40.00 | 3 | 1.3 | 0 | 30 | burst: 3 orders in the hour before",
                "19 | delivered | 30.00 | 2 | 1.0 | 0 | 30 | in_burst: placed in the hour before burst order ORD-2026-000020",
                "18 | delivered | 30.00 | 1 | 1.0 | 0 | 30 | in_burst: placed in the hour before burst order ORD-2026-000020",
                "17 | delivered | 30.00 | 0 | null | 0 | 30 | in_burst: placed in the hour before burst order ORD-2026-000020");
        assertThat(new RollupVerifier(shop.database().dataSource()).compare("fraud_review", asOf, Map.of("days", "30")))
                .isEmpty();
    }

    @Test
    void after_the_refund_the_same_orders_raise_no_flag() {
        // As of 20 February, 60 days: order 17 refunded (not reviewed, not history); order 20 has 2
        // earlier orders in the hour (18, 19) and is 40.00 / 30.00 = 1.3 times their average.
        OffsetDateTime asOf = OffsetDateTime.parse("2026-02-20T12:00Z");
        assertThat(shop.run("fraud_review", asOf, Map.of("days", "60")).rows()).isEmpty();
        assertThat(new RollupVerifier(shop.database().dataSource()).compare("fraud_review", asOf, Map.of("days", "60")))
                .isEmpty();
    }
}
