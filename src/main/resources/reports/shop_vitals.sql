-- Shop vitals: does this shop look like a typical UK online shop?
--
-- question: Measured on the shop's own data, where does each vital sign stand against the band of a typical UK online shop?
-- grain:    one row per vital sign, in a fixed order
-- audience: aggregate
-- param:    days | integer | 30 | 7..365 | the window: this many whole shop days, ending with the day before as_of's
-- column:   vital_sign     | text    | what is measured
-- column:   value          | number  | the shop's figure, in unit; null when the shop has nothing to measure it on
-- column:   unit           | text    | GBP, %, orders, ratio or towns
-- column:   band_low       | number  | the lowest value of a typical UK online shop (null: no lower bound)
-- column:   band_high      | number  | the highest (null: no upper bound)
-- column:   in_band        | boolean | value within the band, bounds included; null when value is null
-- column:   measured_over  | text    | window (the last N whole days), year (the last 365 whole days), lifetime (every order up to as_of), cohorts (the 12 first-order months whose eleventh month is over) or at as_of
--
-- The vital signs and where each band comes from: docs/generator.md#vital-signs. Whole days end
-- at the midnight starting as_of's day, so a day not over yet does not tilt a figure.
--   median_order_value          total_amount (VAT and shipping included, after discounts) of the
--                               window's last 2,000 orders (all of them when fewer), whatever their status
--   mean_order_value            the sales model's total sales per order placed in the window: gross
--                               sales less discounts, plus shipping and VAT (for an order whose
--                               figures add up, its total_amount)
--   top_product_share           the best-selling product's share of the window's sales (gross
--                               sales less discounts of the orders placed, no returns)
--   top_1pct_products_share     the same for the top 1 % of the catalogue (products rows, rounded up)
--   repeat_buyer_share          customers with 2+ counted orders (placed up to as_of, not cancelled
--                               or refunded at as_of) among those with one
--   orders_per_active_customer  orders placed in the year, per customer with a counted order from
--                               the year's start to as_of
--   new_customer_order_share    customers whose first counted order was placed in the window, per
--                               order placed in it
--   retention_month_1, retention_month_11  of the customers of the cohorts, the share with a
--                               counted order 1 (11) months after their first (as retention_cohorts)
--   retention_decay             retention_month_11 / retention_month_1
--   session_conversion          sessions started in the window (first page view) that reached the
--                               funnel's order stage by as_of (as conversion_funnel)
--   add_to_cart_rate            the same sessions reaching the funnel's add-to-cart stage
--   return_rate                 the sales model's returns in the window (net sales of the lines
--                               cancelled or refunded then, whenever placed) per sales placed in it
--   return_rate_spread          the highest department's return rate over the lowest's, among the
--                               departments (top-level categories) with sales in the window
--   coupon_use                  of the window's last 2,000 orders, those with an order discount (a coupon)
--   towns                       distinct towns (addresses.city) those orders were shipped to in GB
--   valid_postcode_share        the share of them shipped to a well-formed UK postcode
--   stock_out_share             active products' warehouse rows with no stock at as_of
--   yearly_growth               the year's sales (gross less discounts) against the year before
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -f shop_vitals.sql
--
-- Reads the rollups where they hold the figure: the year's orders and sales from rollups.sales_days,
-- the window's product figures through product_window_sales_shares() (the 30 days before as_of's
-- day are kept whole for a moment of today or of yesterday: the sales and returns from its category
-- rows, the top 1 % from its first products in sales order, no row per product), each department's
-- through category_window_totals() (its category rows), the buyers by the days of their first and
-- last counted orders from rollups.buyer_days, corrected for the customers
-- customer_orders_changed(as_of) names, the cohorts from cohort_months_as_of() (as
-- retention_cohorts reads them), the funnel from rollups.funnel_days and funnel_sessions (as
-- conversion_funnel reads them), the stock from rollups.stock_level_counts (the active rows and
-- those out of stock, kept whole). Whole days need no correction for what came after as_of. From
-- the raw rows: the window's last 2,000 orders (a median and their addresses, through the index on
-- orders.created_at) and the stock movements after as_of (none for "now"), each moved row's stock
-- by its key. Those reads, the catalogue's size and the pending products' categories are functions
-- (R__64_shop_vitals_raw_reads.sql): this query names only the rollups and category_ancestry, so
-- on a Citus cluster PostgreSQL plans it whole on the coordinator. The full-scan version is
-- reference/shop_vitals.sql.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif

with

params as (
    select
        :as_of::timestamptz                                                       as as_of,
        shop_day(:as_of::timestamptz) - :days::int                                as first_day,
        shop_day(:as_of::timestamptz) - 1                                         as last_day,
        shop_day(:as_of::timestamptz) - 365                                       as year_first_day,
        shop_day(:as_of::timestamptz) - 730                                       as prior_year_first_day,
        (shop_day(:as_of::timestamptz) - :days::int)::timestamptz                 as window_start,
        shop_day(:as_of::timestamptz)::timestamptz                                as window_end,
        (shop_day(:as_of::timestamptz) - 365)::timestamptz                        as year_start,
        shop_hour(:as_of::timestamptz)                                            as counted_from
),

-- the hour the window's last 2,000 orders begin in: the latest of its hours with 2,000 orders or
-- more placed from it to the window's end (rollups.sales_hours counts every order placed, whatever
-- its status), else the window's start
last_orders_from as (
    select coalesce(max(hours.hour) filter (where hours.placed_since >= 2000),
                    (shop_day(:as_of::timestamptz) - :days::int)::timestamptz) as hour
    from (
        select hour, sum(sum(orders)) over (order by hour desc) as placed_since
        from rollups.sales_hours
        where hour >= (shop_day(:as_of::timestamptz) - :days::int)::timestamptz
          and hour < shop_day(:as_of::timestamptz)::timestamptz
        group by hour
    ) as hours
),

-- the window's last 2,000 orders (all of them when fewer), each with where it was shipped: a
-- median, the coupon use and the geography need the orders themselves, and 2,000 give them within
-- a few per cent. Read from the hour they begin in (last_orders_shipped(),
-- R__64_shop_vitals_raw_reads.sql: on a Citus cluster each shard then reads its few hundred of
-- them, not 2,000 each)
window_orders as (
    select last.order_id, last.total_amount, last.discount_amount, last.city, last.postcode, last.country
    from last_orders_from,
         last_orders_shipped(last_orders_from.hour, shop_day(:as_of::timestamptz)::timestamptz, 2000) as last
),

window_days as (
    select sum(sales_days.orders) as orders,
           sum(sales_days.gross_sales - sales_days.discounts + sales_days.shipping + sales_days.taxes) as total_sales
    from rollups.sales_days, params
    where sales_days.day between params.first_day and params.last_day
),

order_values as (
    select
        max(window_days.orders)                                                   as orders,
        round((percentile_cont(0.5) within group (order by window_orders.total_amount::float8))::numeric, 2) as median_value,
        round(max(window_days.total_sales) / nullif(max(window_days.orders), 0), 2) as mean_value,
        round(100.0 * count(window_orders.order_id) filter (where window_orders.discount_amount > 0)
              / nullif(count(window_orders.order_id), 0), 1)                      as coupon_pct
    from window_days
    left join window_orders on true
),

catalogue as (
    select ceil(catalogue_size() / 100.0)::int as top_count
),

-- the window's sales (gross less discounts of the orders placed, no returns) and returns (net
-- sales of the lines cancelled or refunded then, whenever placed), the best-selling product's
-- sales and the top 1 % of the catalogue's: for the kept window from its category rows and its
-- first products in sales order, not a row per product (product_window_sales_shares())
product_shares as (
    select shares.sales, shares.returns, shares.top_product_sales, shares.top_sales
    from catalogue,
         product_window_sales_shares(shop_day(:as_of::timestamptz) - :days::int, shop_day(:as_of::timestamptz) - 1,
                                     catalogue.top_count) as shares
),

concentration as (
    select
        round(100.0 * product_shares.top_product_sales / nullif(product_shares.sales, 0), 1) as top_product_pct,
        round(100.0 * product_shares.top_sales / nullif(product_shares.sales, 0), 1)         as top_1pct_pct
    from product_shares
),

-- customers whose folded rollup row is not their answer as of as_of (a handful for "now")
changed as (
    select * from customer_orders_changed(:as_of::timestamptz)
),

-- the buyers by day (rollups.buyer_days, from the folded rows), corrected for the changed
-- customers: their folded rows out, their rows as of as_of in
buyer_changes as (
    select -1 as sign, folded.orders, folded.first_order_at, folded.last_order_at
    from rollups.customer_orders_folded as folded
    where folded.orders > 0
      and folded.customer_id in (select customer_id from changed)
    union all
    select 1, changed.orders, changed.first_order_at, changed.last_order_at
    from changed
    where changed.orders > 0
),

buyer_counts as (
    select
        coalesce(sum(buyer_days.first_buyers), 0)                                                  as buyers,
        coalesce(sum(buyer_days.last_repeaters), 0)                                                as repeaters,
        coalesce(sum(buyer_days.last_buyers) filter (where buyer_days.day >= params.year_first_day), 0) as active,
        coalesce(sum(buyer_days.first_buyers)
                     filter (where buyer_days.day between params.first_day and params.last_day), 0)  as new_buyers
    from params
    left join rollups.buyer_days on true
    group by params.first_day
    union all
    select
        coalesce(sum(buyer_changes.sign), 0),
        coalesce(sum(buyer_changes.sign) filter (where buyer_changes.orders >= 2), 0),
        coalesce(sum(buyer_changes.sign) filter (where buyer_changes.last_order_at >= params.year_start), 0),
        coalesce(sum(buyer_changes.sign) filter (where buyer_changes.first_order_at >= params.window_start
                                                   and buyer_changes.first_order_at < params.window_end), 0)
    from params
    left join buyer_changes on true
    group by params.first_day
),

buyers as (
    select sum(buyers) as buyers, sum(repeaters) as repeaters, sum(active) as active, sum(new_buyers) as new_buyers
    from buyer_counts
),

year_orders as (
    select
        coalesce(sum(sales_days.orders) filter (where sales_days.day >= params.year_first_day), 0) as year_orders,
        sum(sales_days.gross_sales - sales_days.discounts)
            filter (where sales_days.day >= params.year_first_day)                        as year_sales,
        sum(sales_days.gross_sales - sales_days.discounts)
            filter (where sales_days.day < params.year_first_day)                         as prior_year_sales
    from params
    left join rollups.sales_days
           on sales_days.day between params.prior_year_first_day and params.last_day
    group by params.year_first_day
),

customer_figures as (
    select
        round(100.0 * buyers.repeaters / nullif(buyers.buyers, 0), 1)                as repeat_pct,
        round(year_orders.year_orders::numeric / nullif(buyers.active, 0), 2)      as orders_per_customer,
        round(100.0 * buyers.new_buyers / nullif(order_values.orders, 0), 1)       as new_customer_pct,
        round(100.0 * (year_orders.year_sales - year_orders.prior_year_sales)
              / nullif(year_orders.prior_year_sales, 0), 1)                        as growth_pct
    from year_orders, order_values, buyers
),

-- retention: (cohort month, month ordered in): customers as of as_of, as retention_cohorts reads them
-- (as_of written out, not read from params, as for every function called here: on a Citus cluster
-- a function called with a value from params ran in a task of its own, its queries planned again
-- each time: 56 ms against 6 for this one)
retention as (
    select
        round(100.0 * coalesce(sum(pairs.customers) filter (where pairs.activity_month = (pairs.cohort_month + interval '1 month')::date), 0)
              / nullif(sum(pairs.customers) filter (where pairs.activity_month = pairs.cohort_month), 0), 1)   as month_1_pct,
        round(100.0 * coalesce(sum(pairs.customers) filter (where pairs.activity_month = (pairs.cohort_month + interval '11 months')::date), 0)
              / nullif(sum(pairs.customers) filter (where pairs.activity_month = pairs.cohort_month), 0), 1)   as month_11_pct
    from cohort_months_as_of(:as_of::timestamptz) as pairs
    where pairs.cohort_month >= (date_trunc('month', :as_of::timestamptz)::date - interval '23 months')::date
      and pairs.cohort_month <= (date_trunc('month', :as_of::timestamptz)::date - interval '12 months')::date
),

-- the funnel of the sessions started in the window, as conversion_funnel reads it: the stages
-- reached in an hour before as_of's from the day rollup, those reached since from the sessions
-- (their bounds written out: on a Citus cluster params is computed apart, and a bound read from its
-- result was a filter on each of the shop's sessions, not an index range: 0.5 s at scale 1)
reached_before as (
    select funnel_days.stage, sum(funnel_days.sessions) as sessions
    from rollups.funnel_days, params
    where funnel_days.first_day between params.first_day and params.last_day
      and funnel_days.reach_hour < params.counted_from
      and funnel_days.stage in (1, 3, 5)
    group by funnel_days.stage
),

reached_since as (
    select
        count(*) filter (where first_seen_at >= counted_from and first_seen_at <= as_of)           as sessions,
        count(*) filter (where greatest(product_view_at, add_at) >= counted_from
                           and product_view_at <= as_of and add_at <= as_of)                    as added,
        count(*) filter (where greatest(product_view_at, add_at, checkout_at, order_at) >= counted_from
                           and product_view_at <= as_of and add_at <= as_of and checkout_at <= as_of
                           and order_at <= as_of)                                               as ordered
    from rollups.funnel_sessions sessions, params
    where sessions.last_reached_at >= shop_hour(:as_of::timestamptz)
      and sessions.first_seen_at >= (shop_day(:as_of::timestamptz) - :days::int)::timestamptz
      and sessions.first_seen_at < shop_day(:as_of::timestamptz)::timestamptz
      -- (implied by the two bounds: begun before as_of's day, reached a stage on it; it lets the
      -- planner read the few sessions across a midnight from their own index, not every session
      -- of the hour: idx_rollup_funnel_sessions_across_midnight)
      and shop_day(sessions.first_seen_at) < shop_day(sessions.last_reached_at)
),

reached_stages as (
    select
        coalesce(sum(sessions) filter (where stage = 1), 0) as sessions,
        coalesce(sum(sessions) filter (where stage = 3), 0) as added,
        coalesce(sum(sessions) filter (where stage = 5), 0) as ordered
    from reached_before
),

funnel as (
    select
        round(100.0 * (reached_stages.ordered + reached_since.ordered)
              / nullif(reached_stages.sessions + reached_since.sessions, 0), 2)                   as conversion_pct,
        round(100.0 * (reached_stages.added + reached_since.added)
              / nullif(reached_stages.sessions + reached_since.sessions, 0), 1)                   as add_to_cart_pct
    from reached_stages, reached_since
),

-- each department's (top-level category's) sales (of the orders placed in the window, no
-- returns) and returns, in one pass: the window's category rows and product rows
-- (category_window_totals(): for the kept window a few hundred category rows and its pending
-- product days, not a row per product), each under the top-level category above its category. A
-- product row's category is looked up by its key (product_categories(), for the few pending
-- rows); a top-level category is one whose only ancestry row is its own.
window_rows as materialized (
    select *
    from category_window_totals(shop_day(:as_of::timestamptz) - :days::int, shop_day(:as_of::timestamptz) - 1)
),

department_rows as (
    select coalesce(window_rows.category_id, products.category_id) as category_id,
           window_rows.gross_sales - window_rows.discounts as sales, window_rows.returns
    from window_rows
    left join product_categories(array(select product_id from window_rows where category_id is null)) as products
           on products.product_id = window_rows.product_id
),

departments as (
    select category_id as department_id
    from category_ancestry
    group by category_id
    having count(*) = 1
),

department_figures as (
    select category_ancestry.ancestor_id as department_id, sum(department_rows.sales) as sales,
           sum(department_rows.returns) as returned
    from department_rows
    join category_ancestry using (category_id)
    join departments on departments.department_id = category_ancestry.ancestor_id
    group by category_ancestry.ancestor_id
),

department_returns as (
    select department_id, sales, coalesce(returned, 0) as returned
    from department_figures
    where sales > 0
),

returns as (
    select
        round(100.0 * max(product_shares.returns) / nullif(max(product_shares.sales), 0), 1)    as return_pct,
        round(max(department_returns.returned / department_returns.sales)
              / nullif(min(department_returns.returned / department_returns.sales), 0), 2)      as spread
    from product_shares
    left join department_returns on true
),

geography as (
    select
        count(distinct window_orders.city)                                                       as towns,
        round(100.0 * count(*) filter (where window_orders.postcode
                                                ~ '^([A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2}$')
              / nullif(count(*), 0), 1)                                                          as valid_postcode_pct
    from window_orders
    where window_orders.country = 'GB'
),

-- stock at as_of: the active rows and those out of stock now, kept whole
-- (rollups.stock_level_counts), and each active row moved after as_of (none for "now") counted
-- as it stood then: its stock now less those movements (stock_moved_after())
later_movements as (
    select * from stock_moved_after(:as_of::timestamptz)
),

stock_counts as (
    select sum(stock_level_counts.active_rows) as active_rows, sum(stock_level_counts.out_rows) as out_rows
    from rollups.stock_level_counts
),

-- each moved row's stock now looked up by its key (joined, the planner read every stock row for a
-- few hundred moved ones)
moved_rows as materialized (
    select later_movements.quantity as moved,
           (select stock_levels.quantity from rollups.stock_levels
            where stock_levels.product_id = later_movements.product_id
              and stock_levels.warehouse = later_movements.warehouse
              and stock_levels.is_active) as quantity
    from later_movements
),

stock_then as (
    select coalesce(sum((moved_rows.quantity - moved_rows.moved <= 0)::int
                        - (moved_rows.quantity <= 0)::int), 0)                            as out_rows_added
    from moved_rows
    where moved_rows.quantity is not null
),

stock as (
    select round(100.0 * (stock_counts.out_rows + stock_then.out_rows_added)
                 / nullif(stock_counts.active_rows, 0), 1)                               as stock_out_pct
    from stock_counts, stock_then
),

signs as (
    select *
    from order_values, concentration, customer_figures, retention, funnel, returns, geography, stock
),

-- one row per sign: a union of selects over the one row of signs (Citus plans no lateral
-- subquery over a CTE)
sign_rows as (
    select 1 as position, 'median_order_value'::text as vital_sign, signs.median_value::numeric as value, 'GBP'::text as unit,
           35::numeric as band_low, 70::numeric as band_high, 'window'::text as measured_over from signs
    union all
    select 2, 'mean_order_value', signs.mean_value, 'GBP', 50, 100, 'window' from signs
    union all
    select 3, 'top_product_share', signs.top_product_pct, '%', null, 3, 'window' from signs
    union all
    select 4, 'top_1pct_products_share', signs.top_1pct_pct, '%', 10, 30, 'window' from signs
    union all
    select 5, 'repeat_buyer_share', signs.repeat_pct, '%', 20, 45, 'lifetime' from signs
    union all
    select 6, 'orders_per_active_customer', signs.orders_per_customer, 'orders', 1.3, 3, 'year' from signs
    union all
    select 7, 'new_customer_order_share', signs.new_customer_pct, '%', 25, 60, 'window' from signs
    union all
    select 8, 'retention_month_1', signs.month_1_pct, '%', 5, 20, 'cohorts' from signs
    union all
    select 9, 'retention_month_11', signs.month_11_pct, '%', 2, 15, 'cohorts' from signs
    union all
    select 10, 'retention_decay', round(signs.month_11_pct / nullif(signs.month_1_pct, 0), 2), 'ratio', null, 0.8, 'cohorts' from signs
    union all
    select 11, 'session_conversion', signs.conversion_pct, '%', 1.5, 4, 'window' from signs
    union all
    select 12, 'add_to_cart_rate', signs.add_to_cart_pct, '%', 6, 15, 'window' from signs
    union all
    select 13, 'return_rate', signs.return_pct, '%', 5, 15, 'window' from signs
    union all
    select 14, 'return_rate_spread', signs.spread, 'ratio', 2, null, 'window' from signs
    union all
    select 15, 'coupon_use', signs.coupon_pct, '%', 10, 30, 'window' from signs
    union all
    select 16, 'towns', signs.towns, 'towns', 100, null, 'window' from signs
    union all
    select 17, 'valid_postcode_share', signs.valid_postcode_pct, '%', 99, 100, 'window' from signs
    union all
    select 18, 'stock_out_share', signs.stock_out_pct, '%', 1, 10, 'at as_of' from signs
    union all
    select 19, 'yearly_growth', signs.growth_pct, '%', 5, 40, 'year' from signs
),

final as (
    select
        vital_sign,
        value,
        unit,
        band_low,
        band_high,
        case when value is not null
             then value >= coalesce(band_low, value) and value <= coalesce(band_high, value)
        end as in_band,
        measured_over
    from sign_rows
    order by position
)

select * from final;
