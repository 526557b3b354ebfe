package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.reports.ReportFixture.rows;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import shopflow.rollups.RollupVerifier;

/** shop_vitals on the hand-made shop, every figure worked out by hand. */
class ShopVitalsReportTest {

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    private static final String[] COLUMNS = {"vital_sign", "value", "unit", "band_low", "band_high", "in_band",
        "measured_over"};

    /**
     * The fixture has no addresses: Bob's order 5 goes to Leeds (valid), Cat's order 6 to Leeds with
     * an impossible inward code (no I in the last two letters), Dan's five to York.
     */
    @BeforeAll
    static void shipTheWindowsOrdersToAddresses() {
        ReportFixture.execute(shop.database(), """
                insert into addresses (address_id, customer_id, type, city, country, postcode) values
                    (1, 2, 'shipping', 'Leeds', 'GB', 'LS1 4DY'),
                    (2, 3, 'shipping', 'Leeds', 'GB', 'SO16 7IZ'),
                    (3, 4, 'shipping', 'York',  'GB', 'YO1 7HH');
                update orders set shipping_address_id = 1 where order_id = 5;
                update orders set shipping_address_id = 2 where order_id = 6;
                update orders set shipping_address_id = 3 where order_id between 11 and 15;
                """);
    }

    // As of 30 June 12:00 BST with 30 days, the window is the whole days 31 May to 29 June: orders 5
    // (1,350.00 after its coupon), 6 (1,500.00, cancelled later), 11-14 (10.00 each) and 15
    // (1,500.00); order 9 is on as_of's own day. The year is 30 June 2025 to 29 June 2026: orders 2-8,
    // 10-15 (13); the year before holds order 1 (45.00 of sales).
    //  median of 10, 10, 10, 10, 1350, 1500, 1500 = 10.00; mean 4,390 / 7 = 627.14
    //  sales by product in the window: LAP-2 1,350 + 1,500 = 2,850, LAP-1 1,000, PHN-1 500, BK-1 40 of
    //  4,390: 64.9 %; 7 products, the top 1 % is 1 product: 64.9 %
    //  counted orders as of as_of: Ann 2, Bob 3, Cat 2 (7 and 9; 6 cancelled, 8 refunded), Dan 5,
    //  Fay 1: 4 of 5 buyers with 2+ = 80.0 %; all 5 ordered in the year: 13 / 5 = 2.60 orders
    //  first counted orders in the window: Dan's (29 June): 1 of 7 orders = 14.3 %
    //  cohorts July 2024 to June 2025: Ann's (February 2025), back in March 2026 only: 0.0 % in
    //  months 1 and 11, and no decay to measure
    //  sessions started in the window: s1-s7 (s7 at 23:50 on 31 May); none reaches checkout (no
    //  /checkout page in the fixture): 0.00 % convert; s1, s4, s5, s6, s7 viewed a product and
    //  added: 5 / 7 = 71.4 %
    //  returns in the window: order 8's refund (PHN-1 500 + BK-2 25) and order 6's cancellation
    //  (LAP-1 1,000 + PHN-1 500): 2,025 / 4,390 = 46.1 %; Electronics 2,000 / 4,350, Books 25 / 40:
    //  0.625 / 0.4598 = 1.36
    //  one order of seven with a coupon: 14.3 %; Leeds and York: 2 towns; 6 of 7 to a valid postcode: 85.7 %
    //  stock at as_of: no active warehouse row at 0 (OLD-1 is inactive): 0.0 %
    //  sales 6,820 in the year against 45 the year before: +15,055.6 %
    private static final String[] AS_OF_ROWS = {
        "median_order_value | 10.00 | GBP | 35 | 70 | false | window",
        "mean_order_value | 627.14 | GBP | 50 | 100 | false | window",
        "top_product_share | 64.9 | % | null | 3 | false | window",
        "top_1pct_products_share | 64.9 | % | 10 | 30 | false | window",
        "repeat_buyer_share | 80.0 | % | 20 | 45 | false | lifetime",
        "orders_per_active_customer | 2.60 | orders | 1.3 | 3 | true | year",
        "new_customer_order_share | 14.3 | % | 25 | 60 | false | window",
        "retention_month_1 | 0.0 | % | 5 | 20 | false | cohorts",
        "retention_month_11 | 0.0 | % | 2 | 15 | false | cohorts",
        "retention_decay | null | ratio | null | 0.8 | null | cohorts",
        "session_conversion | 0.00 | % | 1.5 | 4 | false | window",
        "add_to_cart_rate | 71.4 | % | 6 | 15 | false | window",
        "return_rate | 46.1 | % | 5 | 15 | false | window",
        "return_rate_spread | 1.36 | ratio | 2 | null | false | window",
        "coupon_use | 14.3 | % | 10 | 30 | true | window",
        "towns | 2 | towns | 100 | null | false | window",
        "valid_postcode_share | 85.7 | % | 99 | 100 | false | window",
        "stock_out_share | 0.0 | % | 1 | 10 | false | at as_of",
        "yearly_growth | 15055.6 | % | 5 | 40 | false | year"};

    @Test
    void every_vital_sign_is_measured_on_the_shops_own_data_beside_its_band() {
        assertThat(rows(shop.run("shop_vitals"), COLUMNS)).containsExactly(AS_OF_ROWS);
    }

    @Test
    void a_week_measures_only_that_weeks_orders() {
        // 23 to 29 June: Dan's orders 11-15 only, the median of 10, 10, 10, 10, 1500: 10.00; mean
        // 1,540 / 5 = 308.00; his first order among 5: 20.0 %; no coupon; all to York's valid postcode
        // (order 6, 20 June, and its return are a week earlier)
        List<String> week = rows(shop.run("shop_vitals", Map.of("days", "7")), COLUMNS);
        assertThat(week).contains(
                "median_order_value | 10.00 | GBP | 35 | 70 | false | window",
                "mean_order_value | 308.00 | GBP | 50 | 100 | false | window",
                "new_customer_order_share | 20.0 | % | 25 | 60 | false | window",
                "return_rate | 0.0 | % | 5 | 15 | false | window",
                "return_rate_spread | null | ratio | 2 | null | null | window",
                "coupon_use | 0.0 | % | 10 | 30 | false | window",
                "towns | 1 | towns | 100 | null | false | window",
                "valid_postcode_share | 100.0 | % | 99 | 100 | true | window");
    }

    @Test
    void from_the_rollups_it_equals_its_reference_sql_as_of_any_moment() {
        RollupVerifier verifier = new RollupVerifier(shop.database().dataSource());
        for (OffsetDateTime asOf : List.of(ReportFixture.AS_OF, OffsetDateTime.parse("2026-06-05T10:30+01:00"),
                OffsetDateTime.parse("2026-06-21T00:00+01:00"), OffsetDateTime.parse("2026-07-15T12:00+01:00"))) {
            assertThat(verifier.compare("shop_vitals", asOf, Map.of("days", "30"))).as("as of %s", asOf).isEmpty();
        }
    }
}
