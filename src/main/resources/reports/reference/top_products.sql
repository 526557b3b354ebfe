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
--       (or -v from=2026-06-01 -v to=2026-06-30)
--
-- Reference version: reads the raw tables through the sales model's views. The report proper
-- (../top_products.sql) reads the rollups; `shopflow verify` and the tests check that both
-- answer the same, row for row.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?category} \else \set category '' \endif
\if :{?days} \else \set days 30 \endif
\if :{?from} \else \set from '' \endif
\if :{?to} \else \set to '' \endif
\if :{?limit} \else \set limit 50 \endif

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
        coalesce(from_day, last_day - (:days::int - 1))::timestamptz           as window_start,
        least(as_of, (last_day + 1)::timestamptz)                              as window_end,
        (last_day + 1)::timestamptz                                            as window_stop
    from params
    -- an unknown category is refused here (category_filter() raises), even when the window is empty
    where :'category' = '' or exists (select 1 from category_filter(:'category'))
),

-- lines of the orders placed in the window
placed as (
    select
        order_line_sales.product_id,
        sum(order_line_sales.quantity)                                           as units,
        count(distinct order_line_sales.order_id)                                as orders,
        sum(order_line_sales.gross_sales)                                        as gross_sales,
        sum(order_line_sales.line_discount + coalesce(order_line_sales.order_discount, 0)) as discounts
    from order_line_sales, bounds
    where order_line_sales.created_at >= bounds.window_start
      and order_line_sales.created_at <= bounds.as_of
      and order_line_sales.created_at < bounds.window_stop
    group by order_line_sales.product_id
),

-- lines of the orders cancelled or refunded in the window, whenever placed, and of the partial
-- refunds made in it
returned as (
    select
        order_line_returns.product_id,
        sum(order_line_returns.quantity)      as units,
        sum(order_line_returns.net_sales)     as returns
    from order_line_returns, bounds
    where order_line_returns.returned_at >= bounds.window_start
      and order_line_returns.returned_at <= bounds.as_of
      and order_line_returns.returned_at < bounds.window_stop
    group by order_line_returns.product_id
    -- (a partial refund and the row taking it back, when the order is returned whole, cancel out)
    having sum(order_line_returns.quantity) <> 0 or sum(order_line_returns.net_sales) <> 0
),

product_sales as (
    select
        product_id,
        coalesce(placed.units, 0) - coalesce(returned.units, 0)    as units,
        coalesce(placed.orders, 0)                                 as orders,
        coalesce(placed.gross_sales, 0)                            as gross_sales,
        coalesce(placed.discounts, 0)                              as discounts,
        coalesce(returned.returns, 0)                              as returns,
        coalesce(placed.gross_sales, 0) - coalesce(placed.discounts, 0) - coalesce(returned.returns, 0) as net_sales
    from placed
    full join returned using (product_id)
),

ranked as (
    select
        rank() over (order by product_sales.net_sales desc)                                  as net_sales_rank,
        products.product_id,
        products.sku,
        products.name                                                                        as product_name,
        categories.name                                                                      as category,
        product_sales.units,
        product_sales.orders,
        product_sales.gross_sales,
        product_sales.discounts,
        product_sales.returns,
        product_sales.net_sales,
        round(100.0 * (product_sales.net_sales - product_sales.units * products.cost_price)
              / nullif(product_sales.net_sales, 0), 1)                                       as margin_pct,
        rank() over (partition by products.category_id order by product_sales.net_sales desc) as rank_in_category,
        bounds.window_start,
        bounds.window_end
    from product_sales
    join products using (product_id)
    left join categories using (category_id)
    cross join bounds
    -- the category filter (docs/filters.md): the category's products and those of every category
    -- below it (here, not on the full join's merged product_id, which a Citus cluster lost rows on)
    where :'category' = '' or products.category_id in (select category_filter(:'category'))
),

final as (
    select * from ranked
)

select * from final
order by net_sales desc, product_id
limit :limit;
