package shopflow.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.reports.ReportCatalog;
import shopflow.reports.ReportResult;
import shopflow.reports.ReportRunner;

/**
 * Property: after any sequence of writes (orders placed, moved through their statuses,
 * cancelled, refunded, deleted; single and multi-row statements; transactions committed or
 * rolled back), every report answered from the rollups equals its reference SQL over the raw
 * tables, row for row, at any as_of: hour, day, month and DST boundaries included.
 */
class RollupExactnessTest {

    private static final ZoneId SHOP = ZoneId.of("Europe/London");
    /** Six weeks across two month ends and the end of British Summer Time (25 October 2026). */
    private static final OffsetDateTime START = LocalDateTime.parse("2026-09-20T00:00").atZone(SHOP).toOffsetDateTime();
    private static final Duration SPAN = Duration.ofDays(46);
    /** The day the product reports' kept windows end on (rollups.product_windows). */
    private static final LocalDate WINDOWS_DAY = LocalDate.parse("2026-10-31");
    private static final List<String> STATUSES = List.of("pending", "processing", "shipped", "delivered", "cancelled",
            "refunded");

    /** Every report with the parameter values worth checking; {@code Map.of()} is its defaults. */
    static final Map<String, List<Map<String, String>>> CASES = Map.ofEntries(
            // the filters (docs/filters.md): one, two in one cut of order_facet_days, three (read raw)
            Map.entry("revenue_summary", List.of(Map.of(), Map.of("channel", "direct"), Map.of("customer", "new"),
                    Map.of("coupon", "yes", "device", "unknown"), Map.of("region", "unknown", "customer", "returning"),
                    Map.of("region", "unknown", "channel", "unknown"),
                    Map.of("region", "unknown", "channel", "direct", "coupon", "no"))),
            Map.entry("daily_revenue", List.of(Map.of(), Map.of("days", "1"), Map.of("days", "7"), Map.of("days", "60"),
                    Map.of("days", "60", "channel", "unknown"), Map.of("days", "60", "customer", "returning", "coupon", "no"),
                    Map.of("days", "7", "country", "unknown", "device", "unknown"),
                    Map.of("days", "60", "region", "unknown", "coupon", "yes"),
                    Map.of("days", "60", "region", "unknown", "device", "unknown", "customer", "new"))),
            // and with filters: in a cut with the customer kind, with it (customer), without it (a region with
            // a device: first-time orders one by one), order-only (no sessions)
            Map.entry("kpi_tiles", List.of(Map.of(), Map.of("period", "today"), Map.of("period", "last_7_days"),
                    Map.of("period", "year_to_date"), Map.of("period", "year_to_date", "channel", "direct"),
                    Map.of("period", "month_to_date", "customer", "new"),
                    Map.of("period", "last_7_days", "region", "unknown", "device", "unknown"),
                    Map.of("period", "today", "coupon", "yes", "device", "unknown"))),
            Map.entry("kpi_days", List.of(Map.of(), Map.of("days", "1"), Map.of("days", "60"),
                    Map.of("days", "60", "channel", "unknown"), Map.of("days", "14", "device", "unknown"),
                    Map.of("days", "7", "device", "unknown", "region", "unknown"),
                    Map.of("days", "60", "customer", "returning", "coupon", "no"))),
            Map.entry("rfm_segments", List.of(Map.of(), Map.of("scheme", "brief"))),
            Map.entry("rfm_customers", List.of(Map.of(), Map.of("segment", "Loyal Customers"),
                    Map.of("segment", "New Customers"), Map.of("segment", "Potential Loyalists"),
                    Map.of("segment", "At Risk"), Map.of("segment", "Hibernating"), Map.of("segment", "Promising"),
                    Map.of("segment", "About to Sleep"), Map.of("segment", "Can't Lose Them"),
                    Map.of("scheme", "brief", "segment", "Recent Customers"),
                    Map.of("scheme", "brief", "segment", "Needs Attention"),
                    Map.of("limit", "1"), Map.of("segment", "Hibernating", "limit", "3"))),
            Map.entry("customer_lifetime", List.of(Map.of(), Map.of("limit", "1"), Map.of("limit", "7"))),
            Map.entry("category_sales", List.of(Map.of(), Map.of("days", "1"), Map.of("days", "7"), Map.of("days", "90"), Map.of("days", "60"), Map.of("days", "3660"),
                    Map.of("from", "2026-10-20", "to", "2026-10-31"))),
            // and with filters: the sessions' landings, moved by late earlier page views
            Map.entry("conversion_funnel", List.of(Map.of(), Map.of("days", "1"), Map.of("days", "7"), Map.of("days", "90"),
                    Map.of("days", "90", "channel", "direct"), Map.of("days", "7", "device", "tablet"),
                    Map.of("days", "90", "channel", "search", "device", "mobile"))),
            Map.entry("fraud_review", List.of(Map.of(), Map.of("days", "1"), Map.of("days", "60", "small_order", "100"))),
            Map.entry("low_stock", List.of(Map.of(), Map.of("show", "all"), Map.of("days", "1"),
                    Map.of("days", "7", "show", "all"), Map.of("days", "60", "cover_days", "14"),
                    Map.of("limit", "1"), Map.of("limit", "4"), Map.of("show", "all", "limit", "6"),
                    Map.of("lead_time_days", "30", "safety_days", "30"), Map.of("lead_time_days", "0", "safety_days", "3"))),
            Map.entry("market_basket", List.of(Map.of(), Map.of("min_pair_orders", "1"),
                    Map.of("min_pair_orders", "2", "limit", "3"), Map.of("min_pair_orders", "3", "days", "60"),
                    Map.of("min_pair_orders", "1", "days", "1"), Map.of("min_pair_orders", "1", "from", "2026-09-25",
                            "to", "2026-10-31"),
                    // the filters (docs/filters.md): the category (Shoes and Boots), order filters, both
                    Map.of("min_pair_orders", "1", "category", "1"), Map.of("min_pair_orders", "1", "customer", "returning"),
                    // a category alone reads the pair rollups restricted to its subtree and its kept baskets
                    // (Boots: a leaf; Hats: a parent, over a long window and a short one)
                    Map.of("min_pair_orders", "1", "days", "60", "category", "boots"),
                    Map.of("min_pair_orders", "2", "days", "3660", "category", "3"),
                    Map.of("min_pair_orders", "1", "days", "1", "category", "hats"),
                    Map.of("min_pair_orders", "1", "days", "60", "channel", "unknown", "coupon", "no"),
                    Map.of("min_pair_orders", "1", "days", "60", "category", "3", "customer", "new"),
                    // the basket facets: a device (sessions' first page views written), a coupon
                    Map.of("min_pair_orders", "1", "days", "60", "device", "mobile"),
                    Map.of("min_pair_orders", "2", "days", "3660", "coupon", "no", "customer", "returning"))),
            Map.entry("retention_cohorts", List.of(Map.of(), Map.of("cohorts", "1"), Map.of("cohorts", "3"))),
            Map.entry("shop_vitals", List.of(Map.of(), Map.of("days", "7"), Map.of("days", "365"))),
            Map.entry("top_products", List.of(Map.of(), Map.of("limit", "1"), Map.of("limit", "4"), Map.of("days", "1"),
                    Map.of("days", "7"), Map.of("days", "90", "limit", "3"), Map.of("days", "30", "limit", "2"),
                    Map.of("days", "60"), Map.of("days", "3660"), Map.of("from", "2026-10-20", "to", "2026-10-31"),
                    Map.of("to", "2026-10-25", "days", "3"))));

    /**
     * Each rollup summed by its key, rows summing to nothing left out (a rebuild has none: a trigger
     * keeps the key of an order or session moved away, at zero). A wrong rollup row need not change
     * a report at the moments checked (and fraud_review answers with the risk rows' figures): this
     * compares the rows themselves with a rebuild's.
     */
    private static final Map<String, String> SUMMED_ROLLUPS = Map.ofEntries(
            Map.entry("rollups.sales_/return_ days and hours", "select kind, key, sum(orders), sum(a), sum(b), sum(c), sum(d)"
                    + " from (select 'sales day' as kind, day::text as key, orders, gross_sales as a, discounts as b,"
                    + " shipping as c, taxes as d from rollups.sales_days union all select 'sales hour', hour::text, orders,"
                    + " gross_sales, discounts, shipping, taxes from rollups.sales_hours union all select 'return day',"
                    + " day::text, orders, returns, 0, shipping, taxes from rollups.return_days union all select"
                    + " 'return hour', hour::text, orders, returns, 0, shipping, taxes from rollups.return_hours) as rollup"
                    + " group by 1, 2 having sum(orders) <> 0 or sum(a) <> 0 or sum(b) <> 0 or sum(c) <> 0 or sum(d) <> 0"),
            Map.entry("rollups.customer_months", "select customer_id, month, sum(orders) from rollups.customer_months group by 1, 2"
                    + " having sum(orders) <> 0"),
            Map.entry("customer_orders_as_of", "select * from customer_orders_as_of('infinity')"),
            Map.entry("rollups.order_risk", "select order_id, customer_id, created_at, sum(total_amount), sum(earlier_orders),"
                    + " sum(earlier_revenue), sum(prior_hour_orders), sum(new_account), sum(counted) from rollups.order_risk"
                    + " group by 1, 2, 3 having sum(total_amount) <> 0 or sum(earlier_orders) <> 0 or sum(earlier_revenue) <> 0"
                    + " or sum(prior_hour_orders) <> 0 or sum(new_account) <> 0 or sum(counted) <> 0"),
            // the product days, and the spans (folded only) with the pending days added in
            Map.entry("rollups.product_days", "select 1, day, product_id, sum(units), sum(orders), sum(gross_sales), sum(discounts),"
                    + " sum(returned_units), sum(returns), sum(basket_orders) from rollups.product_days group by 1, 2, 3"
                    + " having sum(units) <> 0 or sum(orders) <> 0 or sum(gross_sales) <> 0 or sum(discounts) <> 0"
                    + " or sum(returned_units) <> 0 or sum(returns) <> 0 or sum(basket_orders) <> 0"
                    + " union all select span_days, span_start, product_id, sum(units), sum(orders), sum(gross_sales),"
                    + " sum(discounts), sum(returned_units), sum(returns), 0 from (select span_days, span_start, product_id,"
                    + " units, orders, gross_sales, discounts, returned_units, returns from rollups.product_spans_folded"
                    + " union all select 1 << level, day_span_start(day, level),"
                    + " product_id, units, orders, gross_sales, discounts, returned_units, returns"
                    + " from rollups.product_days_pending, product_span_levels() as level) as spans group by 1, 2, 3"
                    + " having sum(units) <> 0 or sum(orders) <> 0 or sum(gross_sales) <> 0 or sum(discounts) <> 0"
                    + " or sum(returned_units) <> 0 or sum(returns) <> 0"),
            // the pair days, and the pair months (folded only: those of two orders or more) that differ from
            // their folded days, either way: none, kept or rebuilt
            Map.entry("rollups.pair_days", "with from_days as (select product_1_id, product_2_id, date_trunc('month', day)::date"
                    + " as month, sum(orders) as orders from rollups.pair_days_folded group by 1, 2, 3 having sum(orders) >= 2),"
                    + " kept as (select product_1_id, product_2_id, month, orders from rollups.pair_months_folded)"
                    + " select 'day', product_1_id, product_2_id, day, sum(orders) from rollups.pair_days"
                    + " group by 2, 3, 4 having sum(orders) <> 0"
                    + " union all (select 'month kept only', * from kept except all select 'month kept only', * from from_days)"
                    + " union all (select 'month of the days only', * from from_days except all"
                    + " select 'month of the days only', * from kept)"),
            // the kept windows per category, with their pending product days added in under each product's
            // category and cost price now (a rebuild has none pending)
            Map.entry("rollups.category_windows_folded", "select window_id, category_id, sum(units), sum(returned_units),"
                    + " sum(gross_sales), sum(discounts), sum(returns), sum(costed_net_sales), sum(cost) from ("
                    + " select window_id, category_id, units, returned_units, gross_sales, discounts, returns,"
                    + " costed_net_sales, cost from rollups.category_windows_folded union all select windows.window_id,"
                    + " products.category_id, pending.units, pending.returned_units, pending.gross_sales, pending.discounts,"
                    + " pending.returns, case when products.cost_price is null then 0 else pending.gross_sales"
                    + " - pending.discounts - pending.returns end, (pending.units - pending.returned_units)"
                    + " * coalesce(products.cost_price, 0) from rollups.product_days_pending pending"
                    + " join rollups.product_windows windows on pending.day between windows.first_day and windows.last_day"
                    + " join products using (product_id) where products.category_id is not null) as kept group by 1, 2"
                    + " having sum(units) <> 0 or sum(returned_units) <> 0 or sum(gross_sales) <> 0 or sum(discounts) <> 0"
                    + " or sum(returns) <> 0 or sum(costed_net_sales) <> 0 or sum(cost) <> 0"),
            // the kept windows' rows with their pending days added in (a rebuild has none pending)
            Map.entry("rollups.product_windows_folded", "select window_id, first_day, last_day, product_id, sum(units),"
                    + " sum(orders), sum(gross_sales), sum(discounts), sum(returned_units), sum(returns) from ("
                    + " select window_id, product_id, units, orders, gross_sales, discounts, returned_units, returns"
                    + " from rollups.product_windows_folded union all select window_id, product_id, units, orders,"
                    + " gross_sales, discounts, returned_units, returns from rollups.product_days_pending pending"
                    + " join rollups.product_windows windows on pending.day between windows.first_day and windows.last_day)"
                    + " as kept join rollups.product_windows using (window_id) group by 1, 2, 3, 4"
                    + " having sum(units) <> 0 or sum(orders) <> 0 or sum(gross_sales) <> 0 or sum(discounts) <> 0"
                    + " or sum(returned_units) <> 0 or sum(returns) <> 0"),
            Map.entry("rollups.customer_first_orders", "select customer_id, first_order_at from rollups.customer_first_orders"),
            // what a filtered drill page reads: the kept rows of the orders not marked, and the marked orders'
            // rows from the raw rows (a rebuild has none marked): a row left stale without a mark shows here
            Map.entry("rollups.order_drill_rows_folded", "select order_id, kind, at, refunded, channel, device, country,"
                    + " region, customer, coupon, refund_line_id from rollups.order_drill_rows_folded"
                    + " where order_id not in (select order_id from rollups.order_drill_marks)"
                    + " union all select * from order_drill_rows_of(array(select order_id from rollups.order_drill_marks))"),
            // the order facets' hours as the filtered reports and drill totals read them: the hours no write has
            // touched since their fold from the rollup, the marked and dirty ones from the raw rows (a rebuild has
            // none); every measure, the returns made counted too (scales trimmed: 0 and 0.00 are one sum)
            Map.entry("rollups.order_facet_hours", "with raw as (select hour from rollups.order_facet_hour_marks"
                    + " union select hour from rollups.order_facet_dirty_hours), hours as (select * from"
                    + " rollups.order_facet_hours where hour not in (select hour from raw) union all select rows.*"
                    + " from raw cross join lateral order_facet_hour_rows(raw.hour, raw.hour + interval '1 hour') as rows)"
                    + " select cut, hour, country, region, channel, device, customer, coupon, orders,"
                    + " trim_scale(gross_sales), trim_scale(discounts), trim_scale(shipping), trim_scale(taxes),"
                    + " trim_scale(returns), trim_scale(returned_shipping), trim_scale(returned_taxes), new_orders,"
                    + " returns_made from hours"),
            // and each day read from the rollup the sums of its hours (a day with a raw hour is read by the hour)
            Map.entry("rollups.order_facet_days less their hours", "with raw as (select hour from"
                    + " rollups.order_facet_hour_marks union select hour from rollups.order_facet_dirty_hours)"
                    + " select cut, day, country, region, channel, device, customer, coupon, sum(orders), sum(gross_sales),"
                    + " sum(discounts), sum(shipping), sum(taxes), sum(returns), sum(returned_shipping),"
                    + " sum(returned_taxes), sum(new_orders), sum(returns_made) from (select cut, day, country, region,"
                    + " channel, device, customer, coupon, orders, gross_sales, discounts, shipping, taxes, returns,"
                    + " returned_shipping, returned_taxes, new_orders, returns_made from rollups.order_facet_days"
                    + " union all select cut, shop_day(hour), country, region, channel, device, customer, coupon,"
                    + " -orders, -gross_sales, -discounts, -shipping, -taxes, -returns, -returned_shipping,"
                    + " -returned_taxes, -new_orders, -returns_made from rollups.order_facet_hours) as days"
                    + " where day not in (select shop_day(hour) from raw)"
                    + " group by 1, 2, 3, 4, 5, 6, 7, 8 having sum(orders) <> 0 or sum(gross_sales) <> 0"
                    + " or sum(discounts) <> 0 or sum(shipping) <> 0 or sum(taxes) <> 0 or sum(returns) <> 0"
                    + " or sum(returned_shipping) <> 0 or sum(returned_taxes) <> 0 or sum(new_orders) <> 0"
                    + " or sum(returns_made) <> 0"),
            Map.entry("rollups.basket_days", "select day, sum(orders) from rollups.basket_days group by 1 having sum(orders) <> 0"),
            // the basket facets as market_basket reads them: each order's kept basket, the marked orders' from the
            // raw rows; and the day rows the sums of the kept baskets, none at zero
            Map.entry("rollups.basket_facet_orders_folded", "select b.order_id, b.day, b.counted, k.channel, k.device,"
                    + " k.country, k.region, k.customer, k.coupon, b.products from rollups.basket_facet_orders_folded b"
                    + " join rollups.basket_facet_keys k using (key_id)"
                    + " where b.order_id not in (select order_id from rollups.order_drill_marks)"
                    + " union all select order_id, day, counted, channel, device, country, region, customer, coupon, products"
                    + " from basket_facet_orders_of(array(select order_id from rollups.order_drill_marks))"),
            Map.entry("rollups.basket_facet_days less the kept baskets", "select day, key_id, sum(n) from ("
                    + " select day, key_id, orders as n from rollups.basket_facet_days_folded union all"
                    + " select day, key_id, -1 from rollups.basket_facet_orders_folded where counted) as days"
                    + " group by 1, 2 having sum(n) <> 0"
                    + " union all select null, null, count(*) from rollups.basket_facet_days_folded where orders = 0"),
            Map.entry("rollups.product_facet_days less the kept baskets", "select product_id, day, key_id, sum(n) from ("
                    + " select product_id, day, key_id, orders as n from rollups.product_facet_days_folded union all"
                    + " select p, day, key_id, -1 from rollups.basket_facet_orders_folded, unnest(products) as p"
                    + " where counted) as days group by 1, 2, 3 having sum(n) <> 0"
                    + " union all select null, null, null, count(*) from rollups.product_facet_days_folded where orders = 0"),
            Map.entry("rollups.pair_facet_days less the kept baskets", "select p1, p2, day, key_id, sum(n) from ("
                    + " select product_1_id as p1, product_2_id as p2, day, key_id, orders as n"
                    + " from rollups.pair_facet_days_folded union all"
                    + " select products[i], products[j], day, key_id, -1 from rollups.basket_facet_orders_folded,"
                    + " generate_series(1, cardinality(products)) as i, generate_series(i + 1, cardinality(products)) as j"
                    + " where counted) as days group by 1, 2, 3, 4 having sum(n) <> 0"
                    + " union all select null, null, null, null, count(*) from rollups.pair_facet_days_folded where orders = 0"),
            Map.entry("rollups.category_days", "select day, category_id, sum(orders) from rollups.category_days group by 1, 2"
                    + " having sum(orders) <> 0"),
            Map.entry("rollups.category_basket_days", "select day, category_id, sum(orders) from rollups.category_basket_days"
                    + " group by 1, 2 having sum(orders) <> 0"),
            Map.entry("rollups.funnel_days", "select first_day, stage, reach_day, sum(sessions) from rollups.funnel_days"
                    + " group by 1, 2, 3 having sum(sessions) <> 0"),
            // the sessions' first times and landings (a session whose events were all deleted keeps an empty row)
            Map.entry("rollups.funnel_sessions", "select session_id, first_seen_at, product_view_at, add_at, checkout_at,"
                    + " order_at, landing_channel, landing_device from rollups.funnel_sessions"
                    + " where coalesce(first_seen_at, add_at, checkout_at, order_at) is not null"),
            // the traffic hours as reports read them: the kept rows of the hours neither marked nor dirty, and the
            // others' from the sessions (a rebuild has none marked): a kept row left stale without a mark shows here
            Map.entry("rollups.funnel_traffic_hours", "with raw as (select hour from rollups.funnel_traffic_marks union"
                    + " select hour from rollups.funnel_traffic_dirty_hours) select * from rollups.funnel_traffic_hours"
                    + " where first_hour not in (select hour from raw) union all"
                    + " select * from funnel_traffic_hour_rows(array(select hour from raw))"),
            Map.entry("rollups.stock_days", "select product_id, warehouse, day, sum(shipped) from rollups.stock_days group by 1, 2, 3"
                    + " having sum(shipped) <> 0"),
            // the kept counts of the stock rows, beside the rows counted (the same when kept and rebuilt)
            Map.entry("rollups.stock_level_counts", "select sum(active_rows), sum(out_rows),"
                    + " (select count(*) filter (where is_active) from rollups.stock_levels),"
                    + " (select count(*) filter (where is_active and quantity <= 0) from rollups.stock_levels)"
                    + " from rollups.stock_level_counts"),
            // the buyer days follow the folded rows (not the pending ones): nothing left when those are taken out
            Map.entry("rollups.buyer_days less the folded buyers' days", "select day, sum(f), sum(l), sum(r) from ("
                    + " select day, first_buyers as f, last_buyers as l, last_repeaters as r from rollups.buyer_days"
                    + " union all select shop_day(first_order_at), -1, 0, 0 from rollups.customer_orders_folded where orders > 0"
                    + " union all select shop_day(last_order_at), 0, -1, -(orders >= 2)::int from rollups.customer_orders_folded"
                    + " where orders > 0) as days group by day having sum(f) <> 0 or sum(l) <> 0 or sum(r) <> 0"));

    private static Database database;

    /**
     * A category tree for category_sales and the category cases of {@link #CASES}: Shoes > Boots,
     * Hats > Caps, and a product with none (the last of {@link Writes#shop}'s products).
     */
    static void categoryTree(Connection c) throws SQLException {
        Writes.execute(c, "insert into categories (category_id, name, slug, parent_id) values (2, 'Boots', 'boots', 1),"
                + " (3, 'Hats', 'hats', null), (4, 'Caps', 'caps', 3)");
        Writes.execute(c, "update products set category_id = case when product_id = (select max(product_id) from products)"
                + " then null else 1 + product_id % 4 end");
    }

    @BeforeAll
    static void createShop() throws SQLException {
        database = TestDatabases.fresh();
        try (Connection c = database.connection()) {
            Writes.shop(c, 20, 10);
            categoryTree(c);
            // the product reports' kept windows end on a day of this history (they end today in a shop),
            // so folds keep them through the random writes and the moments of that day read them
            Writes.execute(c, "insert into rollups.product_windows_pinned_day values ('" + WINDOWS_DAY + "')");
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void reports_from_rollups_equal_the_reference_sql_after_random_writes(long seed) throws SQLException {
        Random random = new Random(seed);
        // stock writes draw from their own stream, so the order and browsing writes stay those of each seed
        Random stockRandom = new Random(-seed);
        // and partial refunds from theirs
        Random refundRandom = new Random(seed * 7919);
        List<Integer> orders = new ArrayList<>();
        List<OffsetDateTime> placedAt = new ArrayList<>();
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            for (int transaction = 0; transaction < 60; transaction++) {
                List<Integer> placedHere = new ArrayList<>();
                int writes = 1 + random.nextInt(5);
                for (int w = 0; w < writes; w++) {
                    write(c, random, orders, placedHere, placedAt);
                    if (stockRandom.nextInt(3) == 0) {
                        stockWrite(c, stockRandom);
                    }
                    if (refundRandom.nextInt(4) == 0) {
                        refundWrite(c, refundRandom, orders, placedHere);
                    }
                    if (random.nextInt(8) == 0 && transaction < 50) {
                        // as the web server's folder would, here even inside a transaction later rolled back;
                        // none in the last transactions, so pending changes are left for the checks below
                        Writes.execute(c, "select fold_rollups()");
                    }
                }
                if (random.nextInt(6) == 0) {
                    c.rollback(); // a failed request: none of its writes may show in the rollups
                } else {
                    c.commit();
                    orders.addAll(placedHere);
                }
            }
            c.setAutoCommit(true);
            // One burst surely standing at the end (random corrections may break up the others), so
            // the fraud_review check below is never vacuous; the exactness checks include it.
            OffsetDateTime burst = START.plus(SPAN).minusDays(2);
            for (int i = 0; i < 4; i++) {
                placedAt.add(burst.plusMinutes(10L * i));
                Writes.order(c, 1, burst.plusMinutes(10L * i), "pending", new BigDecimal("25.00"));
            }
            // and one warehouse row surely low and shipping at the end, so low_stock's default shows a velocity:
            // 1 left, at least 5 shipped in at most 30 days in stock, so at most 6 days of stock
            Writes.execute(c, "update inventory set quantity = 1, reorder_level = 10 where product_id = 1 and warehouse = 'MAN'");
            Writes.execute(c, "insert into stock_movements (product_id, warehouse, quantity, reason, moved_at) values"
                    + " (1, 'MAN', -5, 'ship', timestamptz '" + burst + "')");
        }

        try (Connection c = database.connection()) {
            // with changes both folded and pending: every rollup row is what a rebuild makes it
            Map<String, List<String>> kept = summedRollups(c);
            c.setAutoCommit(false);
            Writes.execute(c, "select rebuild_rollups()");
            Map<String, List<String>> rebuilt = summedRollups(c);
            c.rollback();
            assertThat(kept.get("rollups.order_risk")).isNotEmpty();
            assertThat(kept.get("rollups.order_drill_rows_folded")).as("the drills' kept rows").isNotEmpty();
            assertThat(kept.get("rollups.basket_facet_orders_folded")).as("the kept baskets").isNotEmpty();
            assertThat(Writes.value(c, "select count(*) from rollups.pair_facet_days_folded")).isNotEqualTo(0L);
            assertThat(kept.get("rollups.product_windows_folded")).as("the kept windows' rows").isNotEmpty();
            assertThat(Writes.value(c, "select count(*) from rollups.product_windows where last_day = date '"
                    + WINDOWS_DAY + "' - days_before")).as("windows kept on their day").isEqualTo(5L);
            assertThat(kept.get("rollups.buyer_days less the folded buyers' days")).isEmpty();
            assertThat(kept.get("rollups.order_facet_days less their hours")).isEmpty();
            assertThat(Writes.value(c, "select count(*) from rollups.order_facet_hours where returns_made > 0"))
                    .as("hours with returns made, folded").isNotEqualTo(0L);
            assertThat(Writes.value(c, "select count(*) from rollups.buyer_days where last_repeaters > 0"))
                    .as("days of repeat buyers' last orders").isNotEqualTo(0L);
            assertThat(kept).allSatisfy((rollup, rows) -> assertThat(rows).as(rollup).isEqualTo(rebuilt.get(rollup)));
        }

        RollupVerifier verifier = new RollupVerifier(database.dataSource());
        List<OffsetDateTime> moments = moments(random, placedAt);
        try (Connection c = database.connection()) {
            // the first half of the moments is checked with changes both folded and pending, the rest all folded
            assertThat((Long) Writes.value(c, "select count(*) from rollups.sales_days_folded")).isPositive();
            assertThat((Long) Writes.value(c, "select count(*) from rollups.pair_days_folded")).isPositive();
            assertThat((Long) Writes.value(c, "select (select count(*) from rollups.sales_hours_pending)"
                    + " + (select count(*) from rollups.product_days_pending)"
                    + " + (select count(*) from rollups.pair_days_pending)")).isPositive();
        }
        for (int m = 0; m < moments.size(); m++) {
            OffsetDateTime asOf = moments.get(m);
            if (m == moments.size() / 2) {
                try (Connection c = database.connection()) {
                    Writes.execute(c, "select fold_rollups()");
                    assertThat((Long) Writes.value(c, "select count(*) from rollups.pair_days_pending")).isZero();
                }
            }
            for (Map.Entry<String, List<Map<String, String>>> report : CASES.entrySet()) {
                for (Map<String, String> parameters : report.getValue()) {
                    Optional<Drift> drift = verifier.compare(report.getKey(), asOf, parameters);
                    assertThat(drift).as(() -> drift.map(Drift::describe).orElse("")).isEmpty();
                }
            }
        }
        // Not vacuous: the shop has revenue at the end of the window.
        // year_to_date's row
        BigDecimal ytd = (BigDecimal) new ReportRunner(database.dataSource())
                .run(ReportCatalog.load().get("revenue_summary"), START.plus(SPAN), Map.of()).value(3, "gross_sales");
        assertThat(ytd).isPositive();
        // Not vacuous for the filters: new customers' orders are some of the year's, not none nor all, and
        // whole days were read from order_facet_days (folded above)
        BigDecimal newCustomers = (BigDecimal) new ReportRunner(database.dataSource())
                .run(ReportCatalog.load().get("revenue_summary"), START.plus(SPAN), Map.of("customer", "new"))
                .value(3, "gross_sales");
        assertThat(newCustomers).isPositive().isLessThan(ytd);
        try (Connection c = database.connection()) {
            assertThat((Long) Writes.value(c, "select count(*) from rollups.order_facet_days where cut = 1"
                    + " and day not in (select shop_day(hour) from rollups.order_facet_dirty_hours)")).isPositive();
        }
        // Not vacuous for fraud_review: the bursts written are flagged
        ReportResult review = new ReportRunner(database.dataSource())
                .run(ReportCatalog.load().get("fraud_review"), START.plus(SPAN), Map.of("days", "60"));
        assertThat(review.rows()).anySatisfy(row ->
                assertThat((String) row.get(review.columns().indexOf("reasons"))).contains("burst"));
        // Not vacuous for low_stock: low rows with shipments in their window, a shipment moved by the stock writes
        ReportResult lowStock = new ReportRunner(database.dataSource())
                .run(ReportCatalog.load().get("low_stock"), START.plus(SPAN), Map.of());
        assertThat(lowStock.rows()).anySatisfy(row ->
                assertThat(((Number) row.get(lowStock.columns().indexOf("shipped_in_window"))).longValue()).isPositive());
        try (Connection c = database.connection()) {
            assertThat((Long) Writes.value(c, "select count(*) from rollups.stock_levels where days <> '{}'")).isPositive();
            assertThat((Long) Writes.value(c, "select count(*) from order_status_changes")).isPositive();
            assertThat((Long) Writes.value(c, "select max(orders) from rollups.pair_months_folded")).isGreaterThan(1L);
            // returns (cancellations and refunds) in the day rollup, with shipping and VAT among some
            assertThat((Long) Writes.value(c, "select count(*) from rollups.return_days where returns <> 0")).isPositive();
            assertThat((Long) Writes.value(c, "select count(*) from rollups.return_days where shipping <> 0")).isPositive();
            // partial refunds, some taken back by a whole return
            assertThat((Long) Writes.value(c, "select count(*) from order_refunds where kind = 'partial'")).isPositive();
            // returns in the product days, and market_basket's windows not all empty
            assertThat((Long) Writes.value(c, "select count(*) from rollups.product_days where returns <> 0")).isPositive();
            // sessions that went all the way, and customers who came back in a later month
            assertThat((Long) Writes.value(c, "select count(*) from rollups.funnel_sessions"
                    + " where (funnel_reach(first_seen_at, product_view_at, add_at, checkout_at, order_at))[5] is not null"))
                    .isPositive();
            assertThat((Long) Writes.value(c, "select count(*) from rollups.funnel_sessions where checkout_at > add_at"))
                    .isPositive();
            // page views from a channel on a device (FunnelAndCohortRollupsTest checks the landings they make by hand)
            assertThat((Long) Writes.value(c, "select count(*) from page_views where referrer <> ''"
                    + " and device_type is not null")).isPositive();
            assertThat((Long) Writes.value(c, "select count(*) from (select customer_id from (select customer_id, month"
                    + " from rollups.customer_months group by 1, 2 having sum(orders) > 0) as months"
                    + " group by customer_id having count(*) > 1) as repeat_customers")).isPositive();
        }
    }

    /**
     * The order_facets rollup folds each shop hour once it has ended, and a filtered report reads
     * as_of's own day from its folded hours: a write into an hour already folded is read from the raw
     * rows (its mark, then its dirty hour) until the next fold computes it again, and a window ending
     * on either side of an hour's end splits the day there.
     */
    @org.junit.jupiter.api.Test
    void filtered_reports_stay_exact_after_writes_into_a_folded_hour_and_across_an_hour_end() throws SQLException {
        // a day after the random writes' span, read as as_of's day; real time has passed it, so the fold
        // computes its hours
        LocalDate day = LocalDate.parse("2026-11-20");
        OffsetDateTime ten = day.atTime(10, 0).atZone(SHOP).toOffsetDateTime();
        OffsetDateTime noon = ten.plusHours(2);
        List<OffsetDateTime> moments = List.of(ten.plusMinutes(30), noon.minusNanos(1000), noon, noon.plusNanos(1000),
                noon.plusMinutes(30), day.plusDays(1).atTime(9, 0).atZone(SHOP).toOffsetDateTime());
        String dayHours = "hour >= timestamptz '" + day.atStartOfDay(SHOP).toOffsetDateTime() + "' and hour < timestamptz '"
                + day.plusDays(1).atStartOfDay(SHOP).toOffsetDateTime() + "'";
        int first;
        int atNoon;
        try (Connection c = database.connection()) {
            Writes.execute(c, "insert into customers (customer_id, email, signup_date) values"
                    + " (101, 'c101@example.com', timestamptz '2025-01-01 00:00Z'),"
                    + " (102, 'c102@example.com', timestamptz '2025-01-01 00:00Z')");
            Writes.execute(c, "insert into page_views (session_id, referrer, device_type, page_url, viewed_at) values"
                    + " ('h1', 'https://www.google.com/', 'mobile', '/', timestamptz '" + ten.plusMinutes(1) + "')");
            first = Writes.order(c, 101, ten.plusMinutes(5), "pending", new BigDecimal("40.00"));
            Writes.execute(c, "update orders set session_id = 'h1' where order_id = " + first);
            Writes.line(c, first, 2, 2);
            Writes.line(c, Writes.order(c, 3, ten.plusMinutes(40), "pending", new BigDecimal("12.00")), 1, 1);
            // the last moment of an hour and the first of the next
            Writes.line(c, Writes.order(c, 102, noon.minusNanos(1000), "pending", new BigDecimal("30.00")), 3, 1);
            atNoon = Writes.order(c, 101, noon, "pending", new BigDecimal("25.00"));
            Writes.execute(c, "update orders set session_id = 'h1', discount_amount = 2 where order_id = " + atNoon);
            Writes.line(c, atNoon, 4, 1);
            Writes.execute(c, "select fold_rollups()");
            assertThat((Long) Writes.value(c, "select count(*) from rollups.order_facet_hours where cut = 3 and "
                    + dayHours)).as("the day's hours folded").isPositive();
            assertThat((Long) Writes.value(c, "select count(*) from rollups.order_facet_dirty_hours where " + dayHours))
                    .isZero();
        }
        assertFilteredCasesExact(moments);

        try (Connection c = database.connection()) {
            // into the folded 10 o'clock hour: an earlier order of customer 102 (its noon order becomes
            // returning), the first order cancelled, and an earlier first page view of its session (its
            // orders move to a tablet)
            Writes.line(c, Writes.order(c, 102, ten.plusMinutes(20), "pending", new BigDecimal("18.00")), 5, 1);
            Writes.status(c, first, "cancelled");
            Writes.execute(c, "update order_status_changes set changed_at = timestamptz '" + ten.plusMinutes(50)
                    + "' where order_id = " + first + " and to_status = 'cancelled'");
            Writes.execute(c, "insert into page_views (session_id, device_type, page_url, viewed_at) values"
                    + " ('h1', 'tablet', '/', timestamptz '" + ten.minusMinutes(2) + "')");
            // and a line added to the noon order, counted in the basket facets already: a new pair of it
            Writes.line(c, atNoon, 6, 1);
            assertThat((Long) Writes.value(c, "select count(*) from rollups.order_facet_hour_marks where " + dayHours))
                    .as("the hours written marked").isPositive();
        }
        assertFilteredCasesExact(moments);
        try (Connection c = database.connection()) {
            Writes.execute(c, "select fold_rollups()");
            assertThat((Long) Writes.value(c, "select count(*) from rollups.order_facet_hour_marks")).isZero();
            assertThat((Long) Writes.value(c, "select count(*) from rollups.order_facet_dirty_hours where " + dayHours))
                    .isZero();
        }
        assertFilteredCasesExact(moments);
    }

    /** The filtered sales reports and measure tiles against their reference SQL at each moment. */
    private static void assertFilteredCasesExact(List<OffsetDateTime> moments) {
        List<Map.Entry<String, Map<String, String>>> cases = List.of(
                Map.entry("revenue_summary", Map.of("customer", "new")),
                Map.entry("revenue_summary", Map.of("device", "tablet")),
                Map.entry("revenue_summary", Map.of("region", "unknown", "channel", "search")),
                Map.entry("daily_revenue", Map.of("days", "7", "coupon", "no")),
                Map.entry("daily_revenue", Map.of("days", "7", "device", "mobile")),
                Map.entry("kpi_tiles", Map.of("period", "today", "device", "tablet")),
                Map.entry("kpi_tiles", Map.of("period", "today", "coupon", "no")),
                Map.entry("kpi_tiles", Map.of("period", "last_7_days", "region", "unknown", "device", "mobile")),
                Map.entry("kpi_days", Map.of("days", "7", "region", "unknown", "channel", "search")),
                Map.entry("kpi_days", Map.of("days", "7", "channel", "search", "region", "unknown", "coupon", "no")),
                // the basket facets: the orders moved to a tablet, the customer kind changed, the cancellation
                // (after the earlier moments: counted then), the line added
                Map.entry("market_basket", Map.of("min_pair_orders", "1", "days", "7", "device", "tablet")),
                Map.entry("market_basket", Map.of("min_pair_orders", "1", "days", "7", "device", "mobile")),
                Map.entry("market_basket", Map.of("min_pair_orders", "1", "days", "7", "customer", "returning")),
                Map.entry("market_basket", Map.of("min_pair_orders", "1", "days", "7", "coupon", "yes")),
                Map.entry("market_basket", Map.of("min_pair_orders", "1", "days", "2", "channel", "search",
                        "category", "3")));
        RollupVerifier verifier = new RollupVerifier(database.dataSource());
        for (OffsetDateTime asOf : moments) {
            for (Map.Entry<String, Map<String, String>> report : cases) {
                Optional<Drift> drift = verifier.compare(report.getKey(), asOf, report.getValue());
                assertThat(drift).as(() -> asOf + " " + drift.map(Drift::describe).orElse("")).isEmpty();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void every_report_has_a_reference_with_the_same_parameters_and_columns_and_a_case_here() {
        ReportCatalog references = ReportCatalog.references();
        assertThat(ReportCatalog.load().all()).allSatisfy(report -> {
            assertThat(references.find(report.name())).as(report.name()).hasValueSatisfying(reference -> {
                assertThat(reference.columns()).isEqualTo(report.columns());
                assertThat(reference.parameters()).isEqualTo(report.parameters());
            });
            assertThat(CASES).as("property cases").containsKey(report.name());
        });
        assertThat(references.all()).hasSameSizeAs(ReportCatalog.load().all());
    }

    private static void write(Connection c, Random random, List<Integer> committed, List<Integer> placedHere,
            List<OffsetDateTime> placedAt) throws SQLException {
        int kind = random.nextInt(27);
        List<Integer> known = new ArrayList<>(committed);
        known.addAll(placedHere);
        if (kind == 26 && !known.isEmpty()) {
            // a correction: the order was another customer's, or placed at another moment (and its shipping,
            // VAT and coupon discount set, which its sale and any return of it carry)
            Writes.execute(c, "update orders set shipping_cost = round(total_amount / 10, 2), tax_amount = round(total_amount"
                    + " / 6, 2), discount_amount = round(subtotal / 20, 2), customer_id = " + (1 + random.nextInt(20))
                    + ", created_at = created_at"
                    + " + interval '" + (random.nextInt(97) - 48) + " hours' where order_id = "
                    + known.get(random.nextInt(known.size())));
            Writes.keepHistory(c);
            return;
        }
        if (kind >= 13 && kind < 20) {
            sessionWrite(c, random, kind, known);
            return;
        }
        if (kind < 5 || known.isEmpty()) {
            OffsetDateTime at = moment(random);
            placedAt.add(at);
            // inserted as of any status, as an import would; from then on they follow the lifecycle
            String status = random.nextInt(4) == 0 ? STATUSES.get(random.nextInt(STATUSES.size())) : "pending";
            int order = Writes.order(c, 1 + random.nextInt(20), at, status, money(random));
            placedHere.add(order);
            // a few lines, one statement each; few products, so pairs repeat and a product may come twice
            for (int line = random.nextInt(4); line > 0; line--) {
                Writes.line(c, order, 1 + random.nextInt(6), 1 + random.nextInt(3));
            }
        } else if (kind == 20) {
            // a burst for fraud_review: four small-to-large orders within the hour, one statement each
            int customer = 1 + random.nextInt(20);
            OffsetDateTime at = moment(random);
            for (int i = 0; i < 4; i++) {
                OffsetDateTime placed = at.plusMinutes(i * (5 + random.nextInt(15)));
                placedAt.add(placed);
                placedHere.add(Writes.order(c, customer, placed, random.nextInt(5) == 0 ? "cancelled" : "pending",
                        BigDecimal.valueOf(500 + random.nextInt(3000), 2)));
            }
        } else if (kind == 21) {
            // a signup moved next to the customer's orders: new accounts appear and disappear
            Writes.execute(c, "update customers set signup_date = timestamptz '" + moment(random) + "' where customer_id = "
                    + (1 + random.nextInt(20)));
        } else if (kind == 22) {
            // an order back-dated (or moved later): its customer's later orders see it differently
            Writes.execute(c, "update orders set created_at = created_at + " + (random.nextInt(240) - 180)
                    + " * interval '1 minute' where order_id = " + known.get(random.nextInt(known.size())));
            Writes.keepHistory(c);
        } else if (kind == 23) {
            // pending changes folded in mid-way, as the web server does every second
            Writes.execute(c, "select fold_rollups()");
        } else if (kind == 24) {
            // a product moved to another category (or out of the tree): its past orders move with it
            int category = random.nextInt(5);
            // and given another cost price, or none (5, 6, 7, none, 5, ...), without another draw from random
            Writes.execute(c, "update products set category_id = " + (category == 0 ? "null" : category)
                    + ", cost_price = case when cost_price is null then 5 else nullif(cost_price + 1, 8) end"
                    + " where product_id = " + (1 + random.nextInt(10)));
        } else if (kind == 25) {
            // a category moved in the tree
            Writes.execute(c, "update categories set parent_id = " + List.of("null", "1", "3").get(random.nextInt(3))
                    + " where category_id = " + (random.nextBoolean() ? 2 : 4));
        } else if (kind == 10) {
            int order = known.get(random.nextInt(known.size()));
            Writes.execute(c, "insert into order_items (order_id, product_id, quantity, unit_price, line_total)"
                    + " select " + order + ", product_id, 2, list_price, 2 * list_price from products"
                    + " where product_id <= " + (1 + random.nextInt(5))
                    + " and exists (select 1 from orders where order_id = " + order + ")"); // it may have been deleted
        } else if (kind == 11) {
            Writes.execute(c, "update order_items set quantity = quantity + 1, line_total = line_total + unit_price,"
                    + " product_id = case when product_id < 6 then product_id + 1 else product_id end"
                    + " where item_id in (select item_id from order_items order by item_id desc limit 2)");
        } else if (kind == 12) {
            Writes.execute(c, "delete from order_items where item_id in (select item_id from order_items"
                    + " where order_id = " + known.get(random.nextInt(known.size())) + " and not exists (select 1"
                    + " from stock_movements m where m.item_id = order_items.item_id) limit 1)");
        } else if (kind < 7) {
            Writes.transition(c, known.get(random.nextInt(known.size())), random.nextInt(2));
        } else if (kind == 7) {
            // placed now (after most as_of moments) through place_order, lines and all
            placedHere.add(Writes.placeOrder(c, 1 + random.nextInt(20), "[{\"product_id\": " + (1 + random.nextInt(6))
                    + ", \"quantity\": 2}, {\"product_id\": " + (1 + random.nextInt(6)) + ", \"quantity\": 1}]"));
        } else if (kind == 8) {
            // one statement moving many orders at once, as a batch job would
            Writes.execute(c, "update orders set status = 'cancelled' where status in ('pending', 'processing')"
                    + " and customer_id = " + (1 + random.nextInt(20)));
        } else if (random.nextBoolean()) {
            Writes.execute(c, "insert into orders (customer_id, order_number, status, subtotal, total_amount, created_at)"
                    + " select 1 + i % 20, 'BULK-' || nextval('orders_order_id_seq'), 'delivered', 7.5 * i, 7.5 * i,"
                    + " timestamptz '" + moment(random) + "' + i * interval '37 minutes' from generate_series(1, 5) i");
            Writes.keepHistory(c);
        } else {
            int order = known.get(random.nextInt(known.size()));
            for (String table : List.of("stock_movements", "order_status_changes", "order_idempotency_keys",
                    "order_coupons", "order_items", "orders")) {
                Writes.execute(c, "delete from " + table + " where order_id = " + order);
            }
        }
    }

    /**
     * Stock writes for low_stock: movements of every reason at random moments (one to three per
     * statement, inventory following them as a real writer's would), re-timed, re-classified or
     * deleted later, products renamed, and warehouse rows of Manchester brought near their reorder
     * level. London keeps plenty, so every order can still ship (from London, the best stocked).
     */
    private static void stockWrite(Connection c, Random random) throws SQLException {
        int product = 1 + random.nextInt(10);
        switch (random.nextInt(7)) {
            case 0, 1 -> {
                List<String> rows = new ArrayList<>();
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    String reason = List.of("ship", "ship", "return", "restock", "adjust").get(random.nextInt(5));
                    int units = (1 + random.nextInt(4)) * (reason.equals("ship") || (reason.equals("adjust")
                            && random.nextBoolean()) ? -1 : 1);
                    rows.add("(" + product + ", '" + (random.nextBoolean() ? "MAN" : "LON") + "', " + units + ", '" + reason
                            + "', timestamptz '" + moment(random) + "')");
                }
                Writes.execute(c, "with moved as (insert into stock_movements (product_id, warehouse, quantity, reason,"
                        + " moved_at) values " + String.join(", ", rows) + " returning product_id, warehouse, quantity)"
                        + " update inventory set quantity = greatest(0, inventory.quantity + moved.quantity)"
                        + " from (select product_id, warehouse, sum(quantity) as quantity from moved group by 1, 2) as moved"
                        + " where inventory.product_id = moved.product_id and inventory.warehouse = moved.warehouse");
            }
            case 2 -> Writes.execute(c, "update stock_movements set moved_at = moved_at + " + (random.nextInt(97) - 48)
                    + " * interval '1 hour' where movement_id in (select movement_id from stock_movements"
                    + " order by movement_id desc limit 1 offset " + random.nextInt(5) + ")");
            case 3 -> Writes.execute(c, "update stock_movements set reason = case when reason = 'ship' then 'adjust'"
                    + " else 'ship' end where quantity < 0 and product_id = " + product);
            case 4 -> Writes.execute(c, "delete from stock_movements where movement_id in (select movement_id"
                    + " from stock_movements where product_id = " + product + " order by moved_at limit 1)");
            // low_stock reads the product's sku and name from its stock rollup (orders still need it active)
            case 5 -> Writes.execute(c, "update products set name = 'Product " + product + " v" + random.nextInt(100)
                    + "' where product_id = " + product);
            default -> Writes.execute(c, "update inventory set quantity = " + random.nextInt(40) + ", reorder_level = "
                    + (random.nextInt(4) == 0 ? "null" : String.valueOf(5 + random.nextInt(15)))
                    + " where warehouse = 'MAN' and product_id = " + product);
        }
    }

    /**
     * Browsing writes for the funnel: page views and cart events of a few sessions at random
     * moments (so events arrive out of order and a late earlier 'add' moves a checkout), orders
     * placed in a session, and the rare update or delete of any of them.
     */
    private static void sessionWrite(Connection c, Random random, int kind, List<Integer> known) throws SQLException {
        String session = "'s" + random.nextInt(8) + "'";
        if (kind == 15) {
            // a whole journey: a product page, an add, the cart, the checkout page, an order, minutes apart
            OffsetDateTime at = moment(random);
            Writes.execute(c, "insert into page_views (session_id, product_id, viewed_at) values (" + session + ", 3,"
                    + " timestamptz '" + at + "')");
            Writes.execute(c, "insert into cart_events (session_id, product_id, action, quantity, event_at) values ("
                    + session + ", 3, 'add', 1, timestamptz '" + at.plusMinutes(5) + "'), (" + session + ", 3,"
                    + " 'view_cart', 1, timestamptz '" + at.plusMinutes(10) + "')");
            Writes.execute(c, "insert into page_views (session_id, page_url, viewed_at) values (" + session + ","
                    + " '/checkout', timestamptz '" + at.plusMinutes(12) + "')");
            Writes.execute(c, "insert into orders (customer_id, order_number, status, session_id, subtotal, total_amount,"
                    + " created_at) values (" + (1 + random.nextInt(20)) + ", 'SESS-' || nextval('orders_order_id_seq'),"
                    + " 'pending', " + session + ", 10, 10, timestamptz '" + at.plusMinutes(15) + "')");
            Writes.keepHistory(c);
        } else if (kind <= 14) {
            // from a channel, on a device: a view earlier than its session's first moves the session's landing
            String referrer = List.of("null", "''", "'https://www.google.com/'", "'https://www.facebook.com/'")
                    .get(random.nextInt(4));
            String device = List.of("null", "'mobile'", "'tablet'", "'desktop'").get(random.nextInt(4));
            if (random.nextInt(4) == 0) {
                // a view at its session's first moment: its landing when its view_id is the lower (a negative one)
                Writes.execute(c, "insert into page_views (view_id, session_id, referrer, device_type, page_url, viewed_at)"
                        + " select " + (random.nextBoolean() ? "-" : "") + "nextval('page_views_view_id_seq'), " + session
                        + ", " + referrer + ", " + device + ", '/', min(viewed_at) from page_views where session_id = "
                        + session + " having min(viewed_at) is not null");
                return;
            }
            // one to three page views in one statement, product pages, the checkout page or others, maybe of two sessions
            Writes.execute(c, "insert into page_views (session_id, product_id, page_url, viewed_at, referrer, device_type)"
                    + " select case when i = 3"
                    + " then 's" + random.nextInt(8) + "' else " + session + " end, case when i = " + random.nextInt(4)
                    + " then 1 + i end, case when i = " + random.nextInt(6) + " then '/checkout' end,"
                    + " timestamptz '" + moment(random) + "' + i * interval '50 minutes', " + referrer + ", " + device
                    + " from generate_series(1, " + (1 + random.nextInt(3)) + ") i");
        } else if (kind <= 17) {
            // an event, then the cart viewed an hour later
            String action = List.of("add", "view_cart", "remove", "begin_checkout").get(random.nextInt(4));
            OffsetDateTime at = moment(random);
            Writes.execute(c, "insert into cart_events (session_id, product_id, action, quantity, event_at) values ("
                    + session + ", 1, '" + action + "', 1, timestamptz '" + at + "'),"
                    + " (" + session + ", 2, 'view_cart', 1, timestamptz '" + at.plusHours(1) + "')");
        } else if (kind == 18) {
            if (random.nextBoolean() || known.isEmpty()) {
                Writes.execute(c, "insert into orders (customer_id, order_number, status, session_id, subtotal, total_amount,"
                        + " created_at) values (" + (1 + random.nextInt(20)) + ", 'SESS-' || nextval('orders_order_id_seq'),"
                        + " 'pending', " + session + ", 10, 10, timestamptz '" + moment(random) + "')");
                Writes.keepHistory(c);
            } else {
                // an order moved to another session, or its time corrected
                Writes.execute(c, "update orders set session_id = " + session + ", created_at = created_at - interval '2 days'"
                        + " where order_id = " + known.get(random.nextInt(known.size())));
                Writes.keepHistory(c);
            }
        } else {
            switch (random.nextInt(4)) {
                case 0 -> Writes.execute(c, "delete from page_views where view_id in (select view_id from page_views"
                        + " where session_id = " + session + " order by viewed_at limit 1)");
                case 1 -> Writes.execute(c, "delete from cart_events where event_id in (select event_id from cart_events"
                        + " where session_id = " + session + " order by event_at limit 1)");
                case 2 -> Writes.execute(c, "update cart_events set event_at = event_at + interval '3 hours'"
                        + " where session_id = " + session);
                default -> Writes.execute(c, "update page_views set viewed_at = viewed_at - interval '1 day',"
                        + " product_id = null where session_id = " + session);
            }
        }
    }

    /** Random moments, and the boundaries where an off-by-one would show. */
    /** {@link #SUMMED_ROLLUPS}' rows as text, in order. */
    static Map<String, List<String>> summedRollups(Connection c) throws SQLException {
        Map<String, List<String>> rows = new TreeMap<>();
        for (Map.Entry<String, String> rollup : SUMMED_ROLLUPS.entrySet()) {
            List<String> texts = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("select summed::text from (" + rollup.getValue() + ") as summed order by 1")) {
                while (r.next()) {
                    texts.add(r.getString(1));
                }
            }
            rows.put(rollup.getKey(), texts);
        }
        return rows;
    }

    private static List<OffsetDateTime> moments(Random random, List<OffsetDateTime> placedAt) {
        List<OffsetDateTime> moments = new ArrayList<>();
        // (2026-10-31 is the kept windows' day: its midnight, noon and last moment read them, 1 November does not;
        // shop_vitals as of 30 October reads the 30 days kept ending two days before it)
        for (String local : List.of("2026-10-01T00:00", "2026-10-25T01:30", "2026-10-25T12:00", "2026-11-01T00:00",
                "2026-10-31T23:59:59.999999", "2026-10-31T00:00", "2026-10-31T12:00", "2026-09-19T12:00",
                "2026-10-30T00:00", "2026-10-30T18:00")) {
            moments.add(LocalDateTime.parse(local).atZone(SHOP).toOffsetDateTime());
        }
        for (int i = 0; i < 4; i++) {
            moments.add(moment(random));
            OffsetDateTime placed = placedAt.get(random.nextInt(placedAt.size()));
            moments.add(placed); // an order placed exactly at as_of counts
            moments.add(placed.minusNanos(1000));
        }
        moments.add(START.plus(SPAN).plusDays(40)); // after everything: last month, not this one
        return moments;
    }

    /**
     * A partial refund of a live order with something left to refund, at a moment of the span (an
     * amount: a third of what is left; or a unit of its first line with units left); the order may
     * later be returned whole, taking it back.
     */
    private static void refundWrite(Connection c, Random random, List<Integer> committed, List<Integer> placedHere)
            throws SQLException {
        List<Integer> known = new ArrayList<>(committed);
        known.addAll(placedHere);
        if (known.isEmpty()) {
            return;
        }
        int order = known.get(random.nextInt(known.size()));
        String at = "greatest(o.created_at, timestamptz '" + moment(random) + "')";
        String refund = random.nextBoolean()
                ? "refund_order(o.order_id, amount => round(left_over.net_sales / 3, 2), p_at => " + at + ")"
                : "refund_order(o.order_id, lines => jsonb_build_array(jsonb_build_object('item_id', left_over.first_item,"
                        + " 'quantity', 1)), p_at => " + at + ")";
        Writes.execute(c, "select " + refund + " from orders o cross join lateral (select sum(l.net_sales) as net_sales,"
                + " min(l.item_id) filter (where l.quantity > 0) as first_item from order_refundable_lines(o.order_id) l)"
                + " as left_over where o.order_id = " + order + " and o.status not in ('cancelled', 'refunded')"
                + " and round(left_over.net_sales / 3, 2) > 0 and left_over.first_item is not null");
    }

    private static OffsetDateTime moment(Random random) {
        long micros = (long) (random.nextDouble() * SPAN.toSeconds() * 1_000_000L);
        return START.plusNanos(micros * 1000);
    }

    private static BigDecimal money(Random random) {
        return BigDecimal.valueOf(random.nextInt(50_000), 2);
    }
}
