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
-- psql: psql -v as_of="'2026-06-30 12:00'" -f category_sales.sql

\if :{?as_of} \else \set as_of 'now()' \endif

with

params as (
    select :as_of::timestamptz as as_of
),

-- The tree from functions (category_descendants()), not recursive CTEs here: Citus plans a recursive CTE only in a
-- statement over reference tables alone.
category_tree as (
    select * from category_paths()
),

descendants as (
    select * from category_descendants()
),

sold_items as (
    select
        order_items.order_id,
        products.category_id,
        order_items.quantity,
        order_items.line_total,
        order_items.quantity * products.cost_price  as cost
    from order_items
    join orders using (order_id)
    join products using (product_id)
    cross join params
    where orders.status not in ('cancelled', 'refunded')
      and orders.created_at <= params.as_of
),

category_totals as (
    select
        descendants.ancestor_id                                     as category_id,
        count(distinct sold_items.order_id)                         as orders,
        sum(sold_items.quantity)                                    as units_sold,
        sum(sold_items.line_total)                                  as revenue,
        sum(sold_items.line_total) filter (where sold_items.cost is not null) as costed_revenue,
        sum(sold_items.cost)                                        as cost
    from descendants
    join sold_items on sold_items.category_id = descendants.descendant_id
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
