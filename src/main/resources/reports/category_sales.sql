-- Category sales: revenue and margin at every level of the category tree.
--
-- question: How much did each category sell, counting everything in its subcategories?
-- grain:    one row per category, every level of the tree, in tree order (a parent before its children)
-- audience: aggregate
-- column:   category_id  | id     | the category
-- column:   category     | text   | its name
-- column:   path         | text   | its place in the tree, e.g. Electronics > Computers > Laptops
-- column:   level        | level  | 1 for a top-level category, 2 for its children, ...
-- column:   parent_id    | id     | the parent category (null at the top)
-- column:   orders       | orders | orders containing a product of this category or any below it (each order once per category)
-- column:   units_sold   | units  | units sold in this category and all below it
-- column:   revenue      | GBP    | what customers paid (order_items.line_total) in this category and all below it
-- column:   margin_pct   | %      | gross margin on the price paid, one decimal, over the items whose product has a cost_price; null when there are none
--
-- Orders placed up to as_of and not cancelled or refunded (their current status), all history.
-- A category's figures include all its descendants (a recursive walk of categories.parent_id);
-- categories with no sales show zeros.
-- From the rollups: units, revenue and cost from the product_sales rollups, orders per category
-- from rollups.category_orders, both all history, less what orders placed after as_of
-- added (read from the raw tables: nothing for the dashboard's "now").
-- psql: psql -v as_of="'2026-06-30 12:00'" -f category_sales.sql

\if :{?as_of} \else \set as_of 'now()' \endif

with

params as (
    select :as_of::timestamptz as as_of
),

-- the tree from the top (each category with its path and level), and every (ancestor,
-- descendant) pair, a category being its own descendant: from functions (category_descendants()), as the reference
-- does, because Citus plans a recursive CTE only in a statement over reference tables alone
category_tree as (
    select * from category_paths()
),

descendants as (
    select * from category_descendants()
),

-- the lines of counted orders placed after as_of, which the rollups hold and the report must not
later_items as (
    select order_items.order_id, products.category_id, order_items.quantity, order_items.line_total,
           products.cost_price
    from orders
    join order_items using (order_id)
    join products using (product_id)
    cross join params
    where orders.status not in ('cancelled', 'refunded')
      and orders.created_at > params.as_of
),

-- what each category's own products sold (not yet its descendants'), all history then after
-- as_of; summed straight from the product rollup's rows (the sums are linear in them), with each
-- product's current category and cost price
category_sales_all as (
    select
        products.category_id,
        sum(rollups.product_sales.units)                                                 as units_sold,
        sum(rollups.product_sales.revenue)                                               as revenue,
        sum(rollups.product_sales.revenue) filter (where products.cost_price is not null) as costed_revenue,
        sum(rollups.product_sales.units * products.cost_price)                           as cost
    from rollups.product_sales
    join products using (product_id)
    group by products.category_id
),

category_sales_later as (
    select
        category_id,
        sum(quantity)                                           as units_sold,
        sum(line_total)                                         as revenue,
        sum(line_total) filter (where cost_price is not null)   as costed_revenue,
        sum(quantity * cost_price)                              as cost
    from later_items
    group by category_id
),

category_own_sales as (
    select
        category_id,
        category_sales_all.units_sold - coalesce(category_sales_later.units_sold, 0)           as units_sold,
        category_sales_all.revenue - coalesce(category_sales_later.revenue, 0)                 as revenue,
        category_sales_all.costed_revenue - coalesce(category_sales_later.costed_revenue, 0)   as costed_revenue,
        category_sales_all.cost - coalesce(category_sales_later.cost, 0)                       as cost
    from category_sales_all
    left join category_sales_later using (category_id)
),

category_sales_totals as (
    select
        descendants.ancestor_id                  as category_id,
        sum(category_own_sales.units_sold)       as units_sold,
        sum(category_own_sales.revenue)          as revenue,
        sum(category_own_sales.costed_revenue)   as costed_revenue,
        sum(category_own_sales.cost)             as cost
    from descendants
    join category_own_sales on category_own_sales.category_id = descendants.descendant_id
    group by descendants.ancestor_id
),

-- orders per category, all history, less the orders placed after as_of
later_category_orders as (
    select descendants.ancestor_id as category_id, count(distinct later_items.order_id) as orders
    from descendants
    join later_items on later_items.category_id = descendants.descendant_id
    group by descendants.ancestor_id
),

category_totals as (
    select
        category_sales_totals.category_id,
        coalesce(category_orders.orders, 0) - coalesce(later_category_orders.orders, 0) as orders,
        category_sales_totals.units_sold,
        category_sales_totals.revenue,
        category_sales_totals.costed_revenue,
        category_sales_totals.cost
    from category_sales_totals
    left join (select category_id, sum(orders) as orders from rollups.category_orders group by category_id)
         as category_orders using (category_id)
    left join later_category_orders using (category_id)
),

final as (
    select
        category_tree.category_id,
        category_tree.name                                   as category,
        array_to_string(category_tree.name_path, ' > ')      as path,
        category_tree.level,
        category_tree.parent_id,
        coalesce(category_totals.orders, 0)                  as orders,
        coalesce(category_totals.units_sold, 0)              as units_sold,
        coalesce(category_totals.revenue, 0)                 as revenue,
        round(100.0 * (category_totals.costed_revenue - category_totals.cost)
              / nullif(category_totals.costed_revenue, 0), 1) as margin_pct,
        category_tree.name_path
    from category_tree
    left join category_totals using (category_id)
)

select category_id, category, path, level, parent_id, orders, units_sold, revenue, margin_pct
from final
order by name_path, category_id;
