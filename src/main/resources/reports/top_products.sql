-- Top products: what sells, and what it earns us.
--
-- question: Which products bring the most revenue, with their units, orders and margin on the price actually paid?
-- grain:    one row per product sold, highest revenue first, the top N
-- audience: aggregate
-- param:    limit | integer | 50 | 1..10000 | number of products to show
-- column:   revenue_rank      | rank   | rank by revenue among all products sold (ties share a rank)
-- column:   product_id        | id     | the product
-- column:   sku               | text   | its stock-keeping unit
-- column:   product_name      | text   | its name
-- column:   category          | text   | its own category (null if it has none)
-- column:   units_sold        | units  | units sold
-- column:   orders            | orders | orders containing it
-- column:   revenue           | GBP    | what customers paid for it: the sum of order_items.line_total
-- column:   margin_pct        | %      | gross margin on the price paid: (revenue - units x cost_price) / revenue, one decimal; null when the cost is unknown or revenue is 0
-- column:   rank_in_category  | rank   | rank by revenue within its category
--
-- Orders placed up to as_of and not cancelled or refunded (their current status), all history.
-- The brief computed margin from list_price, which ignores discounts: a product sold at 10% off
-- looked as profitable as at full price. It also ranked within category names, which repeat
-- across the tree; here within the category itself.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v limit=50 -f top_products.sql
--
-- Reads the rollups.product_sales rollup (all history, kept current by triggers, see
-- R__32_rollup_product_sales.sql): its folded rows, one per product, plus its pending changes (at most
-- a second's worth while the web server folds them), and subtracts what orders placed after as_of
-- contributed (none for the dashboard's "now"). Both ranks need only the products above the Nth:
-- a product's rank is one more than the number of products, overall or in its category, with more
-- revenue, and all of those are in the top N. So it reads the top N folded rows by revenue through
-- their index, plus one more for each product whose folded figures are not its own as of then
-- (those with pending changes or sold after as_of), plus those products themselves. The full-scan
-- version is reference/top_products.sql.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?limit} \else \set limit 50 \endif

with

params as (
    select :as_of::timestamptz as as_of
),

-- what orders placed after as_of added to the rollup, per product
later_sales as (
    select
        order_items.product_id,
        sum(order_items.quantity)             as units_sold,
        count(distinct order_items.order_id)  as orders,
        sum(order_items.line_total)           as revenue
    from orders
    join order_items using (order_id)
    cross join params
    where orders.status not in ('cancelled', 'refunded')
      and orders.created_at > params.as_of
    group by order_items.product_id
),

-- changes not folded into rollups.product_sales_folded yet, per product
pending_sales as (
    select
        product_id,
        sum(units)    as units,
        sum(orders)   as orders,
        sum(revenue)  as revenue
    from rollups.product_sales_pending
    group by product_id
),

-- the folded revenue at the (N + products with pending or later sales)th place: every candidate
-- for the top N whose folded figures are its own is at or above it
threshold as (
    select rollups.product_sales_folded.revenue
    from rollups.product_sales_folded
    order by rollups.product_sales_folded.revenue desc
    offset (select :limit::int - 1 + count(*) from later_sales) + (select count(*) from pending_sales)
    limit 1
),

candidates as (
    select rollups.product_sales_folded.product_id
    from rollups.product_sales_folded
    where rollups.product_sales_folded.revenue >= coalesce((select revenue from threshold), 0)
    union
    select product_id from pending_sales
    union
    select product_id from later_sales
),

-- folded + pending - later, per candidate (the folded row looked up through its key, one by one)
product_sales as (
    select
        candidates.product_id,
        coalesce(folded.units, 0) + coalesce(pending_sales.units, 0) - coalesce(later_sales.units_sold, 0)  as units_sold,
        coalesce(folded.orders, 0) + coalesce(pending_sales.orders, 0) - coalesce(later_sales.orders, 0)   as orders,
        coalesce(folded.revenue, 0) + coalesce(pending_sales.revenue, 0) - coalesce(later_sales.revenue, 0) as revenue
    from candidates
    left join lateral (
        select * from rollups.product_sales_folded where rollups.product_sales_folded.product_id = candidates.product_id
    ) as folded on true
    left join pending_sales on pending_sales.product_id = candidates.product_id
    left join later_sales on later_sales.product_id = candidates.product_id
    where coalesce(folded.orders, 0) + coalesce(pending_sales.orders, 0) - coalesce(later_sales.orders, 0) > 0
),

-- the candidates (a few dozen) with their product and category, looked up through their keys
described as (
    select product_sales.*, products.sku, products.name, products.category_id, products.cost_price,
           (select categories.name from categories where categories.category_id = products.category_id) as category
    from product_sales
    cross join lateral (select * from products where products.product_id = product_sales.product_id) as products
),

ranked as (
    select
        rank() over (order by revenue desc)                                   as revenue_rank,
        product_id,
        sku,
        name                                                                  as product_name,
        category,
        units_sold,
        orders,
        revenue,
        round(100.0 * (revenue - units_sold * cost_price) / nullif(revenue, 0), 1) as margin_pct,
        rank() over (partition by category_id order by revenue desc)          as rank_in_category
    from described
),

final as (
    select * from ranked
)

select * from final
order by revenue desc, product_id
limit :limit;
