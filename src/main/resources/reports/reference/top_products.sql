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

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?limit} \else \set limit 50 \endif

with

params as (
    select :as_of::timestamptz as as_of
),

sold_items as (
    select
        order_items.order_id,
        order_items.product_id,
        order_items.quantity,
        order_items.line_total
    from order_items
    join orders using (order_id)
    cross join params
    where orders.status not in ('cancelled', 'refunded')
      and orders.created_at <= params.as_of
),

product_sales as (
    select
        product_id,
        sum(quantity)             as units_sold,
        count(distinct order_id)  as orders,
        sum(line_total)           as revenue
    from sold_items
    group by product_id
),

ranked as (
    select
        rank() over (order by product_sales.revenue desc)                                   as revenue_rank,
        products.product_id,
        products.sku,
        products.name                                                                       as product_name,
        categories.name                                                                     as category,
        product_sales.units_sold,
        product_sales.orders,
        product_sales.revenue,
        round(100.0 * (product_sales.revenue - product_sales.units_sold * products.cost_price)
              / nullif(product_sales.revenue, 0), 1)                                        as margin_pct,
        rank() over (partition by products.category_id order by product_sales.revenue desc) as rank_in_category
    from product_sales
    join products using (product_id)
    left join categories using (category_id)
),

final as (
    select * from ranked
)

select * from final
order by revenue desc, product_id
limit :limit;
