-- Category sales: the sales model at every level of the category tree, over a window.
--
-- question: How much did each category sell in the window, counting everything in its subcategories?
-- grain:    one row per category, every level of the tree, in tree order (a parent before its children)
-- audience: aggregate
-- param:    days  | integer | 30    | 1..3660 | the window: this many shop days, ending with its last day (as_of's day unless `to` is given)
-- param:    from  | date    |       | any     | the window's first shop day, inclusive (instead of `days`)
-- param:    to    | date    |       | any     | the window's last shop day, inclusive (default: as_of's day); the window never goes past as_of
-- param:    category | text  |       | any     | filter: only this category and every category below it (its category_id or slug, e.g. laptops)
-- window:   from | to | days | 3660
-- column:   category_id   | id     | the category
-- column:   category      | text   | its name
-- column:   path          | text   | its place in the tree, e.g. Electronics > Computers > Laptops
-- column:   level         | level  | 1 for a top-level category, 2 for its children, ...
-- column:   parent_id     | id     | the parent category (null at the top)
-- column:   orders        | orders | orders placed in the window with a line of a product in this category or below (each order once)
-- column:   units         | units  | units ordered in the window, less the units of the orders returned in it, in this category and below
-- column:   gross_sales   | GBP    | unit price x quantity of those lines in orders placed in the window
-- column:   discounts     | GBP    | their line discounts plus their share of their orders' coupons
-- column:   returns       | GBP    | net sales of those lines in orders cancelled or refunded in the window (dated by that change)
-- column:   net_sales     | GBP    | gross_sales - discounts - returns
-- column:   margin_pct    | %      | gross margin on net sales, one decimal, over the products with a cost_price: (net_sales - units x cost_price) / net_sales; null when there are none or their net sales are 0
-- column:   window_start  | time   | the window's start: midnight starting its first shop day
-- column:   window_end    | time   | the window's end: as_of, or the midnight ending `to` when that comes first (excluded)
--
-- The measures are the sales model's per order line (order_line_sales, order_line_returns in
-- R__22_sales_model.sql), summed over the products of a category's subtree (each product with its
-- current category and cost price), so the top-level categories add up to the shop's net sales
-- of the products that have a category. Categories with nothing in the window show zeros.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -f category_sales.sql
--
-- Reference version: reads the raw tables through the sales model's views. The report proper
-- (../category_sales.sql) reads the rollups.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?category} \else \set category '' \endif
\if :{?days} \else \set days 30 \endif
\if :{?from} \else \set from '' \endif
\if :{?to} \else \set to '' \endif

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

-- The tree from functions (category_descendants()), not recursive CTEs here: Citus plans a recursive CTE only in a
-- statement over reference tables alone.
category_tree as (
    select * from category_paths()
),

descendants as (
    select * from category_descendants()
),

-- lines of the orders placed in the window (+) and of the orders returned in it (-)
window_lines as (
    select
        order_line_sales.order_id,
        order_line_sales.product_id,
        true                                                                        as placed,
        order_line_sales.quantity                                                   as units,
        order_line_sales.gross_sales,
        order_line_sales.line_discount + coalesce(order_line_sales.order_discount, 0) as discounts,
        0::numeric                                                                  as returns
    from order_line_sales, bounds
    where order_line_sales.created_at >= bounds.window_start
      and order_line_sales.created_at <= bounds.as_of
      and order_line_sales.created_at < bounds.window_stop
    union all
    select
        order_line_returns.order_id,
        order_line_returns.product_id,
        false,
        -order_line_returns.quantity,
        0,
        0,
        order_line_returns.net_sales
    from order_line_returns, bounds
    where order_line_returns.returned_at >= bounds.window_start
      and order_line_returns.returned_at <= bounds.as_of
      and order_line_returns.returned_at < bounds.window_stop
),

sold_lines as (
    select window_lines.*, products.category_id, products.cost_price,
           window_lines.gross_sales - window_lines.discounts - window_lines.returns as net_sales
    from window_lines
    join products using (product_id)
),

category_totals as (
    select
        descendants.ancestor_id                                              as category_id,
        count(distinct sold_lines.order_id) filter (where sold_lines.placed) as orders,
        sum(sold_lines.units)                                                as units,
        sum(sold_lines.gross_sales)                                          as gross_sales,
        sum(sold_lines.discounts)                                            as discounts,
        sum(sold_lines.returns)                                              as returns,
        sum(sold_lines.net_sales)                                            as net_sales,
        sum(sold_lines.net_sales) filter (where sold_lines.cost_price is not null) as costed_net_sales,
        sum(sold_lines.units * sold_lines.cost_price)                        as cost
    from descendants
    join sold_lines on sold_lines.category_id = descendants.descendant_id
    group by descendants.ancestor_id
),

final as (
    select
        category_tree.category_id,
        category_tree.name                                   as category,
        array_to_string(category_tree.name_path, ' > ')      as path,
        category_tree.level,
        category_tree.parent_id,
        coalesce(category_totals.orders, 0)                  as orders,
        coalesce(category_totals.units, 0)                   as units,
        coalesce(category_totals.gross_sales, 0)             as gross_sales,
        coalesce(category_totals.discounts, 0)               as discounts,
        coalesce(category_totals.returns, 0)                 as returns,
        coalesce(category_totals.net_sales, 0)               as net_sales,
        round(100.0 * (category_totals.costed_net_sales - category_totals.cost)
              / nullif(category_totals.costed_net_sales, 0), 1) as margin_pct,
        bounds.window_start,
        bounds.window_end,
        category_tree.name_path
    from category_tree
    cross join bounds
    left join category_totals using (category_id)
)

select category_id, category, path, level, parent_id, orders, units, gross_sales, discounts, returns, net_sales,
       margin_pct, window_start, window_end
from final
-- the category filter (docs/filters.md): the category and every category below it
where :'category' = '' or category_id in (select category_filter(:'category'))
order by name_path, category_id;
