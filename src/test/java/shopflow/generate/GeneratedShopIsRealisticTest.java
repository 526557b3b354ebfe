package shopflow.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static shopflow.generate.GeneratedData.number;
import static shopflow.generate.GeneratedData.strings;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.reports.AsOf;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;

/**
 * One generated shop (scale 0.1: 46,000 customers, about 48,000 orders, 450,000 page views),
 * checked for what the reports rely on, and for looking like a real UK online shop: every vital
 * sign of shop_vitals inside its band.
 */
class GeneratedShopIsRealisticTest {

    private static Database db;

    @BeforeAll
    static void generate() {
        db = TestDatabases.fresh();
        GeneratedData.generate(db, 0.1, 2);
    }

    /**
     * shop_vitals as of the generated as_of: every sign inside the band of a typical UK online shop
     * (docs/generator.md).
     */
    @Test
    void every_vital_sign_is_inside_the_band_of_a_real_uk_online_shop() {
        ReportResult vitals = new ReportRunner(db.dataSource()).run(ReportCatalog.load().get("shop_vitals"),
                AsOf.parse(GeneratedData.AS_OF, GeneratedData.LONDON), Map.of());
        List<String> outside = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (int row = 0; row < vitals.rows().size(); row++) {
            String sign = String.valueOf(vitals.value(row, "vital_sign"));
            all.add(sign + " " + vitals.value(row, "value"));
            if (!Boolean.TRUE.equals(vitals.value(row, "in_band"))) {
                outside.add(sign + " " + vitals.value(row, "value") + " (band " + vitals.value(row, "band_low") + " to "
                        + vitals.value(row, "band_high") + ")");
            }
        }
        assertThat(vitals.rows()).hasSize(19);
        assertThat(outside).as("vital signs outside their band, of %s", all).isEmpty();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void it_has_the_sizes_of_the_scale() {
        assertThat(number(db, "select count(*) from customers")).isEqualTo(46_000);
        assertThat(number(db, "select count(*) from addresses")).isEqualTo(92_000);
        assertThat(number(db, "select count(*) from products")).isEqualTo(1_000);
        double orders = number(db, "select count(*) from orders");
        assertThat(orders).as("orders: %s", orders).isBetween(45_000.0, 55_000.0);
        double itemsPerOrder = number(db, "select count(*)::float / (select count(*) from orders) from order_items");
        assertThat(itemsPerOrder).as("order lines per order: %s", itemsPerOrder).isBetween(2.0, 3.2);
        double pageViews = number(db, "select count(*) from page_views");
        assertThat(pageViews).as("page views: %s", pageViews).isBetween(400_000.0, 550_000.0);
        double cartEvents = number(db, "select count(*) from cart_events");
        assertThat(cartEvents).as("cart events: %s", cartEvents).isBetween(50_000.0, 150_000.0);
    }

    @Test
    void nothing_happens_after_as_of() {
        for (String moment : List.of("customers.signup_date", "orders.created_at", "page_views.viewed_at",
                "cart_events.event_at", "stock_movements.moved_at", "orders.updated_at", "order_status_changes.changed_at")) {
            String table = moment.substring(0, moment.indexOf('.'));
            assertThat(number(db, "select count(*) from " + table + " where " + moment + " > timestamp '" + GeneratedData.AS_OF
                    + "' at time zone 'Europe/London'"))
                    .as("%s after as_of", moment).isZero();
        }
    }

    @Test
    void categories_form_a_tree_three_levels_deep() {
        double categories = number(db, "select count(*) from categories");
        double depth = number(db, """
                with recursive tree as (
                    select category_id, 1 as depth from categories where parent_id is null
                    union all
                    select c.category_id, t.depth + 1 from categories c join tree t on c.parent_id = t.category_id)
                select max(depth) from tree""");
        assertThat(categories).as("categories: %s", categories).isBetween(90.0, 130.0);
        assertThat(depth).as("depth: %s", depth).isEqualTo(3);
    }

    @Test
    void a_uk_week_has_its_weakest_day_on_saturday() {
        List<String> days = strings(db, """
                with daily as (
                    select (created_at at time zone 'Europe/London')::date as day, count(*) as orders from orders
                    where created_at >= timestamptz '2026-01-08' and created_at < timestamptz '2026-06-29'
                    group by 1)
                select extract(isodow from day)::int from daily group by 1 order by avg(orders) limit 1""");
        assertThat(days).as("the day of the week with the fewest orders on average (6: Saturday)").containsExactly("6");
    }

    @Test
    void black_friday_and_the_run_up_to_christmas_peak() {
        double blackFriday = number(db, """
                select count(*) filter (where created_at::date = date '2025-11-28')
                     / (count(*) filter (where created_at::date <> date '2025-11-28') / 29.0)
                from orders where created_at::date between date '2025-11-01' and date '2025-11-30'""");
        double december = number(db, """
                select (count(*) filter (where created_at::date between date '2025-12-01' and date '2025-12-20') / 20.0)
                     / (count(*) filter (where created_at::date between date '2025-10-01' and date '2025-10-31') / 31.0)
                from orders""");
        double christmasDay = number(db, """
                select count(*) filter (where created_at::date = date '2025-12-25')
                     / (count(*) filter (where created_at::date between date '2025-12-01' and date '2025-12-20') / 20.0)
                from orders""");
        assertThat(blackFriday).as("Black Friday orders / an average November day: %s", blackFriday).isBetween(2.5, 4.0);
        assertThat(december).as("1-20 December daily orders / October's: %s", december).isGreaterThan(1.25);
        assertThat(christmasDay).as("Christmas Day / a December day: %s", christmasDay).isLessThan(0.5);
    }

    @Test
    void the_top_fifth_of_buyers_bring_most_revenue() {
        double topShare = number(db, """
                with spend as (
                    select customer_id, sum(total_amount) as revenue from orders
                    where status not in ('cancelled', 'refunded') group by customer_id),
                ranked as (select revenue, ntile(5) over (order by revenue desc) as fifth from spend)
                select sum(revenue) filter (where fifth = 1) / sum(revenue) from ranked""");
        assertThat(topShare).as("revenue share of the top 20%% of buyers: %s", topShare).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void product_names_are_correct_english_and_prices_sit_in_their_leafs_band() {
        // no singular made by cutting an s: "Dresse", "Knive", "Smartwatche", "Boxe"
        assertThat(strings(db, """
                select name from products where name ~ '(sse|ive|tche|xe) [A-Z][0-9]{3}$' limit 5""")).isEmpty();
        CategoryTree tree = new CategoryTree();
        List<String> outside = new ArrayList<>();
        for (CategoryTree.Node leaf : tree.leaves()) {
            double out = number(db, "select count(*) from products p join categories c using (category_id) where c.slug = '"
                    + leaf.slug() + "' and (p.list_price * 100 < " + leaf.minPriceCents() + " or p.list_price * 100 > "
                    + leaf.maxPriceCents() + ")");
            if (out > 0) {
                outside.add(leaf.name() + ": " + out);
            }
        }
        assertThat(outside).as("products priced outside their leaf's band").isEmpty();
        assertThat(number(db, "select max(list_price) from products p join categories c using (category_id) where c.name = 'Helmets'"))
                .as("the dearest helmet").isLessThanOrEqualTo(150);
    }

    @Test
    void addresses_spread_over_a_hundred_towns_with_valid_postcodes_of_their_area() {
        assertThat(number(db, "select count(distinct city) from addresses")).as("towns").isGreaterThanOrEqualTo(100);
        assertThat(number(db, """
                select count(*) from addresses
                where postcode !~ '^([A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?) [0-9][ABD-HJLNP-UW-Z]{2}$'"""))
                .as("malformed postcodes").isZero();
        assertThat(number(db, "select count(*) from addresses where city = 'Leeds' and postcode !~ '^LS[0-9]'"))
                .as("Leeds addresses outside the LS area").isZero();
        double london = number(db, "select avg((city = 'London')::int) from addresses");
        assertThat(london).as("share of addresses in London").isBetween(0.15, 0.35);
    }

    @Test
    void site_search_has_a_few_frequent_terms_and_a_long_tail() {
        String searches = "select page_url, count(*) as n from page_views where page_url like '/search?q=%' group by 1";
        double terms = number(db, "select count(*) from (" + searches + ") s");
        double topFive = number(db, "select sum(n) filter (where rank <= 5)::float / sum(n) from (select n, "
                + "row_number() over (order by n desc) as rank from (" + searches + ") s) r");
        assertThat(terms).as("distinct search terms").isGreaterThanOrEqualTo(50);
        assertThat(topFive).as("share of searches of the five most frequent terms").isBetween(0.3, 0.6);
    }

    @Test
    void product_popularity_follows_a_zipf_curve() {
        double slope = number(db, """
                with sold as (select product_id, count(*) as lines from order_items group by product_id),
                ranked as (select lines, row_number() over (order by lines desc) as rank from sold)
                select regr_slope(ln(lines), ln(rank)) from ranked where rank <= 100""");
        double topTenth = number(db, """
                with sold as (select product_id, count(*) as lines from order_items group by product_id),
                ranked as (select lines, ntile(10) over (order by lines desc) as tenth from sold)
                select sum(lines) filter (where tenth = 1)::float / sum(lines) from ranked""");
        assertThat(slope).as("log-log slope of order lines by rank (top 100): %s", slope).isBetween(-1.3, -0.3);
        assertThat(topTenth).as("share of order lines of the top 10%% of products: %s", topTenth).isBetween(0.3, 0.8);
    }

    @Test
    void prices_and_costs_are_plausible_per_category() {
        double costAtOrAbovePrice = number(db, "select count(*) from products where cost_price >= list_price or cost_price <= 0");
        double electronicsOverBooks = number(db, """
                with priced as (
                    select top.name as department, p.list_price
                    from products p
                    join categories leaf on leaf.category_id = p.category_id
                    join categories mid on mid.category_id = leaf.parent_id
                    join categories top on top.category_id = mid.parent_id)
                select percentile_cont(0.5) within group (order by list_price) filter (where department = 'Electronics')
                     / percentile_cont(0.5) within group (order by list_price) filter (where department = 'Books')
                from priced""");
        assertThat(costAtOrAbovePrice).as("products with cost >= price: %s", costAtOrAbovePrice).isZero();
        assertThat(electronicsOverBooks).as("median electronics price / median book price: %s", electronicsOverBooks)
                .isGreaterThan(5);
    }

    @Test
    void products_bought_together_share_a_category_or_a_complementary_one() {
        CategoryTree tree = new CategoryTree();
        Set<String> related = new HashSet<>();
        for (CategoryTree.Node category : tree.categories()) {
            related.add(category.slug() + "|" + category.slug());
            CategoryTree.Node complement = tree.categories().get(tree.complementOf(category.categoryIndex()));
            related.add(category.slug() + "|" + complement.slug());
            related.add(complement.slug() + "|" + category.slug());
        }
        List<String> pairs = strings(db, """
                with orders_total as (select count(*)::float as n from orders),
                bought as (select product_id, count(*) as n from order_items group by product_id),
                pairs as (
                    select a.product_id as p1, b.product_id as p2, count(*) as together
                    from order_items a join order_items b on a.order_id = b.order_id and a.product_id < b.product_id
                    group by 1, 2 having count(*) >= 5
                    order by together desc limit 20),
                category_of as (
                    select p.product_id, mid.slug from products p
                    join categories leaf on leaf.category_id = p.category_id
                    join categories mid on mid.category_id = leaf.parent_id)
                select c1.slug || '|' || c2.slug || '|'
                       || (pairs.together * (select n from orders_total) / (b1.n * b2.n))::numeric(10, 2)
                from pairs
                join bought b1 on b1.product_id = pairs.p1 join bought b2 on b2.product_id = pairs.p2
                join category_of c1 on c1.product_id = pairs.p1 join category_of c2 on c2.product_id = pairs.p2""");
        assertThat(pairs).as("pairs bought together at least 5 times").hasSizeGreaterThanOrEqualTo(10);
        long relatedPairs = pairs.stream().filter(p -> related.contains(p.substring(0, p.lastIndexOf('|')))).count();
        double[] lifts = pairs.stream().mapToDouble(p -> Double.parseDouble(p.substring(p.lastIndexOf('|') + 1))).sorted().toArray();
        double medianLift = lifts[lifts.length / 2];
        assertThat((double) relatedPairs / pairs.size()).as("share of top pairs in the same or a complementary category: %s of %s",
                relatedPairs, pairs.size()).isGreaterThanOrEqualTo(0.7);
        assertThat(medianLift).as("median lift of the top pairs: %s", medianLift).isGreaterThan(3);
    }

    @Test
    void order_status_follows_age_with_a_few_cancellations_and_refunds() {
        double oldOpen = number(db, """
                select count(*) from orders where created_at < timestamptz '2026-06-30 12:00' - interval '30 days'
                and status in ('pending', 'processing', 'shipped')""");
        double recentOpen = number(db, """
                select avg((status in ('pending', 'processing'))::int) from orders
                where created_at > timestamptz '2026-06-30 12:00' - interval '1 day' and status <> 'cancelled'""");
        double cancelled = number(db, "select avg((status = 'cancelled')::int) from orders");
        double refunded = number(db, "select avg((status = 'refunded')::int) from orders");
        assertThat(oldOpen).as("orders older than 30 days still open: %s", oldOpen).isZero();
        assertThat(recentOpen).as("share of last day's orders pending or processing: %s", recentOpen).isEqualTo(1.0);
        assertThat(cancelled).as("cancelled share: %s", cancelled).isBetween(0.035, 0.065);
        assertThat(refunded).as("refunded share: %s", refunded).isBetween(0.04, 0.12);
        // clothes go back far more than electronics
        double clothing = refundShare("Clothing");
        double electronics = refundShare("Electronics");
        assertThat(clothing).as("refunded share of clothing orders vs electronics' %s", electronics)
                .isGreaterThan(3 * electronics);
    }

    /** The refunded share of the orders whose lines include the department's. */
    private static double refundShare(String department) {
        return number(db, """
                select avg((o.status = 'refunded')::int) from orders o
                where exists (select 1 from order_items i join products p using (product_id)
                              join category_ancestry a using (category_id) join categories d on d.category_id = a.ancestor_id
                              where i.order_id = o.order_id and d.name = '%s' and d.parent_id is null)""".formatted(department));
    }

    @Test
    void money_adds_up_to_the_penny() {
        assertThat(number(db, """
                select count(*) from order_items
                where line_total <> round(quantity * unit_price * (1 - discount_pct / 100), 2)""")).isZero();
        assertThat(number(db, """
                select count(*) from orders o
                where subtotal <> (select sum(line_total) from order_items i where i.order_id = o.order_id)
                   or total_amount <> subtotal - discount_amount + shipping_cost + tax_amount
                   or discount_amount <> coalesce((select sum(discount_applied) from order_coupons oc
                                                   where oc.order_id = o.order_id), 0)""")).isZero();
        double couponOrders = number(db, "select count(*) from order_coupons");
        assertThat(couponOrders).as("orders with a coupon: %s", couponOrders).isGreaterThan(100);
    }

    @Test
    void coupons_respect_dates_minimums_and_max_uses() {
        assertThat(number(db, """
                select count(*) from order_coupons oc
                join orders o using (order_id) join coupons c using (coupon_id)
                where o.created_at::date < c.valid_from or o.created_at::date > c.valid_until
                   or o.subtotal < c.min_order_value""")).isZero();
        assertThat(number(db, """
                select count(*) from coupons c
                where times_used <> (select count(*) from order_coupons oc where oc.coupon_id = c.coupon_id)
                   or times_used > max_uses""")).isZero();
        double exhausted = number(db, "select count(*) from coupons where times_used = max_uses");
        assertThat(exhausted).as("coupons used up to their max_uses: %s", exhausted).isGreaterThan(0);
    }

    @Test
    void sessions_flow_from_page_view_to_order_with_drop_off() {
        double sessions = number(db, "select count(distinct session_id) from page_views");
        double productViews = number(db, "select count(distinct session_id) from page_views where product_id is not null");
        double adds = number(db, "select count(distinct session_id) from cart_events where action = 'add'");
        double ordered = number(db, "select count(distinct session_id) from orders where session_id is not null");
        String funnel = List.of(sessions, productViews, adds, ordered).toString();
        assertThat(productViews / sessions).as("funnel %s", funnel).isBetween(0.4, 0.9);
        assertThat(adds / productViews).as("funnel %s", funnel).isBetween(0.1, 0.4);
        double mobile = conversion("mobile");
        double desktop = conversion("desktop");
        assertThat(mobile).as("mobile sessions' conversion vs desktop's %s", desktop).isLessThan(0.7 * desktop);
        assertThat(ordered / sessions).as("sessions that order, funnel %s", funnel).isBetween(0.015, 0.05);
        assertThat(number(db, """
                select count(*) from orders o where session_id is not null and (
                    not exists (select 1 from page_views v where v.session_id = o.session_id and v.viewed_at < o.created_at)
                    or not exists (select 1 from cart_events e where e.session_id = o.session_id and e.action = 'add'
                                   and e.event_at < o.created_at)
                    or exists (select 1 from page_views v where v.session_id = o.session_id and v.viewed_at >= o.created_at))""")).isZero();
        double recentWithoutSession = number(db, """
                select count(*) from orders where session_id is null
                and created_at > timestamptz '2026-06-30 12:00' - interval '89 days'""");
        assertThat(recentWithoutSession).as("recent orders without their session: %s", recentWithoutSession).isZero();
    }

    /** The share of the device's sessions (its first page view's) that end in an order. */
    private static double conversion(String device) {
        return number(db, """
                with sessions as (select session_id, min(device_type) as device from page_views group by session_id)
                select avg((exists (select 1 from orders o where o.session_id = s.session_id))::int)
                from sessions s where device = '%s'""".formatted(device));
    }

    /**
     * Checkout started is a /checkout page view: every ordering session has one before its order,
     * and browsing sessions that viewed their cart go on to it and leave, more often on a phone
     * (SessionWriter.CHECKOUT_AFTER_CART_VIEW): a third of all checkouts are abandoned.
     */
    @Test
    void a_share_of_the_sessions_that_start_checkout_leave_without_ordering_more_on_mobile() {
        String checkouts = """
                with checkout as (
                    select v.session_id, min(v.device_type) as device, min(v.viewed_at) as at
                    from page_views v where v.page_url = '/checkout' group by v.session_id)
                """;
        assertThat(number(db, checkouts + """
                select count(*) from checkout c
                where not exists (select 1 from cart_events e where e.session_id = c.session_id and e.action = 'add'
                                  and e.event_at < c.at)""")).as("checkouts without an add before them").isZero();
        assertThat(number(db, """
                select count(*) from orders o where o.session_id is not null
                and not exists (select 1 from page_views v where v.session_id = o.session_id and v.page_url = '/checkout'
                                and v.viewed_at < o.created_at)""")).as("ordering sessions without a checkout").isZero();
        List<String> shares = strings(db, checkouts + """
                select coalesce(device, 'all') || ' ' || count(*) || ' '
                       || avg((not exists (select 1 from orders o where o.session_id = c.session_id))::int)
                from checkout c group by rollup (device) order by device nulls first""");
        assertThat(shares).as("device, checkouts, abandoned share").hasSize(4);
        double all = abandoned(shares.get(0));
        double desktop = abandoned(shares.get(1));
        double mobile = abandoned(shares.get(2));
        assertThat(all).as("abandoned checkouts: %s", shares).isBetween(0.15, 0.50);
        assertThat(mobile).as("abandoned on mobile vs desktop: %s", shares).isGreaterThan(desktop + 0.05);
    }

    private static double abandoned(String share) {
        return Double.parseDouble(share.substring(share.lastIndexOf(' ') + 1));
    }

    @Test
    void a_few_per_cent_of_stock_is_at_or_under_its_reorder_level() {
        double low = number(db, "select avg((quantity <= reorder_level)::int) from inventory");
        double warehouses = number(db, "select count(distinct warehouse) from inventory");
        assertThat(low).as("share of stock rows at or under reorder level: %s", low).isBetween(0.015, 0.08);
        assertThat(warehouses).isEqualTo(3);
    }

    /**
     * Restocks come after a lead time, some late: rows sell out now and then. Measured over the
     * ledger's 90 days through low_stock's days in stock (a day out: no stock at any moment of it).
     */
    @Test
    void rows_are_out_of_stock_on_one_to_ten_per_cent_of_their_days() {
        ReportResult stock = new ReportRunner(db.dataSource()).run(ReportCatalog.load().get("low_stock"),
                AsOf.parse(GeneratedData.AS_OF, GeneratedData.LONDON),
                Map.of("show", "all", "days", "90", "limit", "10000000"));
        long days = 0;
        long out = 0;
        long rowsOut = 0;
        for (int row = 0; row < stock.rows().size(); row++) {
            int inStock = ((Number) stock.value(row, "days_in_stock")).intValue();
            days += 90;
            out += 90 - inStock;
            rowsOut += inStock < 90 ? 1 : 0;
        }
        double share = (double) out / days;
        assertThat(share).as("share of product-warehouse days out of stock").isBetween(0.01, 0.10);
        assertThat((double) rowsOut / stock.rows().size()).as("share of rows out of stock on some day").isBetween(0.05, 0.5);
        double restocks = number(db, "select count(*) from stock_movements where reason = 'restock'");
        assertThat(restocks / stock.rows().size()).as("restocks per warehouse row in 90 days").isBetween(0.3, 3.0);
    }

    @Test
    void injected_fraud_is_rare_labelled_whole_and_varies() {
        double labelled = number(db, "select count(distinct order_id)::float / (select count(*) from orders) from generator.fraud_ground_truth");
        assertThat(labelled).as("share of orders labelled fraud: %s", labelled).isBetween(0.0005, 0.01);
        assertThat(strings(db, "select distinct pattern from generator.fraud_ground_truth order by 1"))
                .containsExactly("burst", "card_testing", "high_multiple", "new_account");
        assertThat(number(db, """
                select count(*) from (select o.customer_id from generator.fraud_ground_truth g join orders o using (order_id)
                                      group by 1 having count(distinct g.pattern) > 1) c""")).as("accounts of two patterns").isZero();
        // Bursts of different sizes and speeds: a minute or two apart, and spread over half an hour apart.
        String bursts = """
                select o.customer_id, count(*) as orders,
                       extract(epoch from max(o.created_at) - min(o.created_at)) / 60 / (count(*) - 1) as minutes_apart
                from generator.fraud_ground_truth g join orders o using (order_id)
                where g.pattern = 'burst' group by 1""";
        assertThat(number(db, "select count(distinct orders) from (" + bursts + ") b")).as("burst sizes").isGreaterThanOrEqualTo(3);
        assertThat(number(db, "select count(*) from (" + bursts + ") b where minutes_apart < 5")).as("quick bursts").isPositive();
        assertThat(number(db, "select count(*) from (" + bursts + ") b where minutes_apart > 15")).as("slow bursts").isPositive();
        // Card tests of varying amounts: most under fraud_review's small-order limit (15 GBP), some above.
        String tests = "select o.total_amount from generator.fraud_ground_truth g join orders o using (order_id) where g.pattern = 'card_testing'";
        assertThat(number(db, "select count(*) from (" + tests + ") t where total_amount <= 15")).isPositive();
        assertThat(number(db, "select count(*) from (" + tests + ") t where total_amount > 15")).isPositive();
        assertThat(number(db, "select count(distinct total_amount) from (" + tests + ") t")).isGreaterThan(5);
    }

    /** Honest customers now and then order far above their habit: a gift, a bulk buy; never labelled fraud. */
    @Test
    void some_honest_orders_are_over_five_times_the_customers_average() {
        String unusual = """
                select o.order_id from orders o
                where o.total_amount > 5 * (select avg(e.total_amount) from orders e where e.customer_id = o.customer_id
                                            and e.created_at < o.created_at and e.status not in ('cancelled', 'refunded'))
                  and not exists (select 1 from generator.fraud_ground_truth g join orders f using (order_id)
                                  where f.customer_id = o.customer_id)""";
        double honest = number(db, "select count(*) from (" + unusual + ") u");
        double orders = number(db, "select count(*) from orders");
        assertThat(honest).as("honest orders above 5 times the customer's earlier average").isGreaterThan(10);
        assertThat(honest / orders).as("their share of the orders").isLessThan(0.005);
    }
}
