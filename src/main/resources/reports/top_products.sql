-- Top products: what sold in a window, by the sales model, and what it earned us.
--
-- question: Which products brought the most net sales in the window, with their units, orders, discounts, returns and margin?
-- grain:    one row per product with sales or returns in the window, highest net sales first, the top N
-- audience: aggregate
-- param:    days  | integer | 30    | 1..3660 | the window: this many shop days, ending with its last day (as_of's day unless `to` is given)
-- param:    from  | date    |       | any     | the window's first shop day, inclusive (instead of `days`)
-- param:    to    | date    |       | any     | the window's last shop day, inclusive (default: as_of's day); the window never goes past as_of
-- param:    limit | integer | 50    | 1..10000 | number of products to show
-- param:    category | text  |       | any     | filter: only this category and every category below it (its category_id or slug, e.g. laptops)
-- window:   from | to | days | 3660
-- column:   net_sales_rank    | rank   | rank by net sales among all products in the window, or the category's with a category (ties share a rank)
-- column:   product_id        | id     | the product
-- column:   sku               | text   | its stock-keeping unit
-- column:   product_name      | text   | its name
-- column:   category          | text   | its own category (null if it has none)
-- column:   units             | units  | units ordered in the window, less the units of the orders returned in it
-- column:   orders            | orders | orders placed in the window with a line of it
-- column:   gross_sales       | GBP    | unit price x quantity of its lines in orders placed in the window
-- column:   discounts         | GBP    | their line discounts plus their share of their orders' coupons
-- column:   returns           | GBP    | net sales of its lines in orders cancelled or refunded in the window (dated by that change)
-- column:   net_sales         | GBP    | gross_sales - discounts - returns
-- column:   margin_pct        | %      | gross margin on net sales: (net_sales - units x cost_price) / net_sales, one decimal; null when the cost is unknown or net sales are 0
-- column:   rank_in_category  | rank   | rank by net sales within its category
-- column:   window_start      | time   | the window's start: midnight starting its first shop day
-- column:   window_end        | time   | the window's end: as_of, or the midnight ending `to` when that comes first (excluded)
--
-- The measures are the sales model's (R__22_sales_model.sql, docs/reports.md): per order line,
-- order_line_sales gives its gross sales, line discount and its share of the order's coupon
-- (allocated over the order's lines in pence), so products add up to the shop's net sales.
-- Sales are of the orders placed in the window, whatever happened to them later; a cancellation
-- or refund, whole or partial, counts as a return on the day it happens (order_line_returns),
-- whenever the order was placed.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -v limit=50 -f top_products.sql
--       (or -v from=2026-06-01 -v to=2026-06-30; -v category=laptops ranks that category's products)
--
-- The category filter (docs/filters.md): the products of the category and of every category below
-- it (category_filter(), R__45_category_filter.sql), ranked among themselves. An unknown category
-- is refused (SQLSTATE 22023 naming the parameter) before any row is read.
--
-- Reads the product_sales rollups through product_window_top_rows() (R__41_rollup_product_windows.sql):
-- for a default window (7, 30 or 90 days ending today) kept whole by the fold, the first :limit
-- products by their kept net sales (an index) plus every product with pending days in the window or
-- a correction below; for any other window, every product's folded spans of 2 to 1,024 days and
-- single days that make it (R__32_rollup_product_sales.sql) plus its pending days. Then takes out
-- what as_of's own day holds after as_of (orders placed and returns recorded later that day, from
-- the raw rows by product_sales_after(), R__43_product_sales_after.sql: none for the dashboard's
-- "now"). With a category, the window's rows of every product of the category
-- (product_window_totals(): a kept window's one row per product, or its spans and days), as the
-- first :limit of the shop need not hold the category's. The full-scan version is
-- reference/top_products.sql, with the same filter.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
\if :{?from} \else \set from '' \endif
\if :{?to} \else \set to '' \endif
\if :{?limit} \else \set limit 50 \endif
\if :{?category} \else \set category '' \endif

with

-- the window: [first day's midnight, as_of], cut at the midnight ending its last day
params as (
    select
        :as_of::timestamptz                                                    as as_of,
        coalesce(nullif(:'to', '')::date, shop_day(:as_of::timestamptz))       as last_day,
        nullif(:'from', '')::date                                              as from_day
),

bounds as (
    select
        as_of,
        coalesce(from_day, last_day - (:days::int - 1))                        as first_day,
        least(last_day, shop_day(as_of))                                       as last_day,
        coalesce(from_day, last_day - (:days::int - 1))::timestamptz           as window_start,
        least(as_of, (last_day + 1)::timestamptz)                              as window_end
    from params
    -- an unknown category is refused here (category_filter() raises), even when the window is empty
    where :'category' = '' or exists (select 1 from category_filter(:'category'))
),

-- the category filter: the products of the category and of every category below it (none without one)
category_products as (
    select products.product_id
    from products
    where products.category_id in (select category_filter(:'category'))
),

-- what the last day holds after as_of, to take out: orders placed later, returns recorded later
-- (none for "now"; R__43_product_sales_after.sql)
later as (
    select later.* from bounds, product_sales_after(bounds.as_of, bounds.first_day, bounds.last_day) as later
),

-- the rollup rows whose sum per product is its sales over the window's days, enough to rank the
-- first :limit: when the window is a kept one (rollups.product_windows_folded, R__41), one row per
-- product of the first :limit by their kept net sales plus every row of the products that have
-- pending days or a "later" correction; otherwise the folded spans and days that make it and the
-- pending changes, every product. With a category, every row of its products. (The guards are
-- constants when the report runs, so the planner keeps only one of the two.)
window_rows as (
    select window_rows.*
    from bounds,
         product_window_top_rows(bounds.first_day, bounds.last_day, :limit::int,
                                 array(select distinct later.product_id from later)) as window_rows
    where :'category' = ''
    union all
    select window_rows.*
    from bounds, product_window_totals(bounds.first_day, bounds.last_day) as window_rows
    where :'category' <> ''
      and window_rows.product_id in (select product_id from category_products)
),

-- each product with a line placed or returned in the window (a day row may have fallen to zeros)
product_sales as (
    select
        product_id,
        sum(units) - sum(returned_units)                    as units,
        sum(orders)                                         as orders,
        sum(gross_sales)                                    as gross_sales,
        sum(discounts)                                      as discounts,
        sum(returns)                                        as returns,
        sum(gross_sales) - sum(discounts) - sum(returns)    as net_sales
    from (select * from window_rows union all select * from later) as product_rows
    where :'category' = '' or product_rows.product_id in (select product_id from category_products)
    group by product_id
    -- (an amount refunded returns no units; a partial refund and its take-back cancel out)
    having sum(orders) > 0 or sum(returned_units) <> 0 or sum(returns) <> 0
),

-- the products shown; their rank among all products of the window is their rank among these
-- (every product with more net sales is shown too)
shown as (
    select * from product_sales
    order by net_sales desc, product_id
    limit :limit
),

-- rank within its category, for the products shown only: 1 + the products of the window in the
-- same category (or also without one) with more net sales, all of them shown (with a category
-- filter too: they are in its subtree)
category_ranks as (
    select shown.product_id, 1 + count(rival.product_id) as rank_in_category
    from shown
    join products as shown_product using (product_id)
    -- (0: no category, as a category of its own; ids start at 1)
    left join (shown as rival join products as rival_product using (product_id))
      on coalesce(rival_product.category_id, 0) = coalesce(shown_product.category_id, 0)
     and rival.net_sales > shown.net_sales
    group by shown.product_id
),

final as (
    select
        rank() over (order by shown.net_sales desc)                                  as net_sales_rank,
        products.product_id,
        products.sku,
        products.name                                                                as product_name,
        categories.name                                                              as category,
        shown.units,
        shown.orders,
        shown.gross_sales,
        shown.discounts,
        shown.returns,
        shown.net_sales,
        round(100.0 * (shown.net_sales - shown.units * products.cost_price)
              / nullif(shown.net_sales, 0), 1)                                       as margin_pct,
        category_ranks.rank_in_category,
        bounds.window_start,
        bounds.window_end
    from shown
    join products using (product_id)
    left join categories using (category_id)
    join category_ranks using (product_id)
    cross join bounds
)

select * from final
order by net_sales desc, product_id;
