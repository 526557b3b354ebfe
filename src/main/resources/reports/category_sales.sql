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
--       (-v category=laptops: that category's subtree)
--
-- The category filter (docs/filters.md): the rows of the category and of every category below it
-- (category_filter(), R__45_category_filter.sql), the same figures as without it. An unknown
-- category is refused (SQLSTATE 22023 naming the parameter) before any row is read.
--
-- Reads the rollups: the sales model's measures over the window from category_window_totals()
-- (a default window kept whole, one row per category with each product's current category and
-- cost price, R__42_rollup_category_windows.sql, plus its pending product days; any other window
-- from the product_sales family's spans and days per product, R__32_rollup_product_sales.sql),
-- the product rows summed by each product's current category and cost price; orders per category
-- from rollups.category_days (R__37_rollup_category_orders.sql). Both are folded rows plus pending
-- changes, less what as_of's
-- own day holds after as_of, read from the raw rows by product_sales_after() and
-- category_orders_after() (R__43_product_sales_after.sql: nothing for the dashboard's "now"). The
-- full-scan version is reference/category_sales.sql.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
\if :{?from} \else \set from '' \endif
\if :{?to} \else \set to '' \endif
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

-- the rollup rows whose sums per category are its own products' sales over the window's days: a
-- kept window's category rows and its pending product days, or the spans and days per product
-- (product_id null on a category row, category_id null on a product row)
window_rows as (
    select window_rows.* from bounds, category_window_totals(bounds.first_day, bounds.last_day) as window_rows
),

-- what the last day holds after as_of, to take out: orders placed later, returns recorded later
-- (none for "now"; R__43_product_sales_after.sql)
later as (
    select later.* from bounds, product_sales_after(bounds.as_of, bounds.first_day, bounds.last_day) as later
),

-- The tree from functions (category_descendants()), as the reference does: Citus plans a
-- recursive CTE only in a statement over reference tables alone.
category_tree as (
    select * from category_paths()
),

descendants as (
    select * from category_descendants()
),

-- each category's own products' sums (not yet its descendants'): its kept rows, and the product
-- rows under each product's current category with its current cost price (every measure is a sum
-- over the rows, the cost too: units x cost price row by row)
category_own_sales as (
    select
        rows.category_id,
        sum(rows.units)                                                        as units,
        sum(rows.gross_sales)                                                  as gross_sales,
        sum(rows.discounts)                                                    as discounts,
        sum(rows.returns)                                                      as returns,
        sum(rows.gross_sales - rows.discounts - rows.returns)                  as net_sales,
        sum(rows.costed_net_sales)                                             as costed_net_sales,
        sum(rows.cost)                                                         as cost
    from (
        select kept.category_id, kept.units - kept.returned_units as units, kept.gross_sales, kept.discounts,
               kept.returns, kept.costed_net_sales, kept.cost
        from window_rows as kept
        where kept.product_id is null
        union all
        select products.category_id, product_rows.units - product_rows.returned_units, product_rows.gross_sales,
               product_rows.discounts, product_rows.returns,
               case when products.cost_price is not null
                    then product_rows.gross_sales - product_rows.discounts - product_rows.returns end,
               (product_rows.units - product_rows.returned_units) * products.cost_price
        from (
            select window_rows.product_id, window_rows.units, window_rows.returned_units, window_rows.gross_sales,
                   window_rows.discounts, window_rows.returns
            from window_rows
            where window_rows.product_id is not null
            union all
            select later.product_id, later.units, later.returned_units, later.gross_sales, later.discounts,
                   later.returns
            from later
        ) as product_rows
        join products using (product_id)
    ) as rows
    group by rows.category_id
),

category_sales_totals as (
    select
        descendants.ancestor_id                     as category_id,
        sum(category_own_sales.units)               as units,
        sum(category_own_sales.gross_sales)         as gross_sales,
        sum(category_own_sales.discounts)           as discounts,
        sum(category_own_sales.returns)             as returns,
        sum(category_own_sales.net_sales)           as net_sales,
        sum(category_own_sales.costed_net_sales)    as costed_net_sales,
        sum(category_own_sales.cost)                as cost
    from descendants
    join category_own_sales on category_own_sales.category_id = descendants.descendant_id
    group by descendants.ancestor_id
),

-- orders per category: the window's days, less the orders placed later on the last day
category_orders as (
    select category_id, sum(orders) as orders
    from (
        select folded.category_id, folded.orders
        from rollups.category_days_folded as folded, bounds
        where folded.day between bounds.first_day and bounds.last_day
        union all
        select pending.category_id, pending.orders
        from rollups.category_days_pending as pending, bounds
        where pending.day between bounds.first_day and bounds.last_day
        union all
        select later.category_id, later.orders
        from bounds, category_orders_after(bounds.as_of, bounds.first_day, bounds.last_day) as later
    ) as days
    group by category_id
),

final as (
    select
        category_tree.category_id,
        category_tree.name                                   as category,
        array_to_string(category_tree.name_path, ' > ')      as path,
        category_tree.level,
        category_tree.parent_id,
        coalesce(category_orders.orders, 0)                  as orders,
        coalesce(category_sales_totals.units, 0)             as units,
        coalesce(category_sales_totals.gross_sales, 0)       as gross_sales,
        coalesce(category_sales_totals.discounts, 0)         as discounts,
        coalesce(category_sales_totals.returns, 0)           as returns,
        coalesce(category_sales_totals.net_sales, 0)         as net_sales,
        round(100.0 * (category_sales_totals.costed_net_sales - category_sales_totals.cost)
              / nullif(category_sales_totals.costed_net_sales, 0), 1) as margin_pct,
        bounds.window_start,
        bounds.window_end,
        category_tree.name_path
    from category_tree
    cross join bounds
    left join category_sales_totals using (category_id)
    left join category_orders using (category_id)
)

select category_id, category, path, level, parent_id, orders, units, gross_sales, discounts, returns, net_sales,
       margin_pct, window_start, window_end
from final
-- the category filter: the category and every category below it
where :'category' = '' or category_id in (select category_filter(:'category'))
order by name_path, category_id;
