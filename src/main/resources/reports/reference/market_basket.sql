-- Market basket: which products are bought together?
--
-- question: Which pairs of products appear in the same orders, how often, and how much more than by chance?
-- grain:    one row per pair of products bought together (product_1 < product_2), most frequent first
-- audience: aggregate
-- param:    min_count   | integer | 10   | 1..1000000 | only pairs bought together in at least this many orders
-- param:    min_support | numeric | 0    | 0..100     | only pairs in at least this percentage of all orders
-- param:    limit       | integer | 20   | 1..10000   | number of pairs to show
-- column:   product_1_id           | id     | the first product (the lower id)
-- column:   product_1              | text   | its name
-- column:   product_2_id           | id     | the second product
-- column:   product_2              | text   | its name
-- column:   orders_together        | orders | orders containing both
-- column:   support_pct            | %      | orders_together against all orders, two decimals
-- column:   confidence_1_to_2_pct  | %      | of the orders with product 1, the share that also have product 2, one decimal
-- column:   confidence_2_to_1_pct  | %      | of the orders with product 2, the share that also have product 1, one decimal
-- column:   lift                   | ratio  | how many times more often they come together than if bought independently, two decimals (1 = chance)
--
-- Orders placed up to as_of and not cancelled or refunded (their current status), all history;
-- an order counts once per pair even when a product is on several of its lines. The brief
-- excluded cancelled and refunded orders from the total but not from the pairs, and counted
-- order lines rather than orders.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v min_count=10 -v min_support=0 -v limit=20 -f market_basket.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?min_count} \else \set min_count 10 \endif
\if :{?min_support} \else \set min_support 0 \endif
\if :{?limit} \else \set limit 20 \endif

with

params as (
    select :as_of::timestamptz as as_of
),

-- not materialized: each use below reads the tables itself, so that on Citus each one runs on
-- the shards (materialized, its 1.2 million rows would be pulled to the coordinator and paired
-- there: minutes at scale 1 instead of seconds); one node answers the same rows.
basket_lines as not materialized (
    select distinct order_items.order_id, order_items.product_id
    from order_items
    join orders using (order_id)
    cross join params
    where orders.status not in ('cancelled', 'refunded')
      and orders.created_at <= params.as_of
),

order_count as (
    select count(distinct order_id) as orders
    from basket_lines
),

product_orders as (
    select product_id, count(*) as orders
    from basket_lines
    group by product_id
),

pairs as (
    select
        first_line.product_id   as product_1_id,
        second_line.product_id  as product_2_id,
        count(*)                as orders_together
    from basket_lines first_line
    join basket_lines second_line
      on second_line.order_id = first_line.order_id
     and second_line.product_id > first_line.product_id
    group by first_line.product_id, second_line.product_id
    having count(*) >= :min_count::int
),

final as (
    select
        pairs.product_1_id,
        product_1.name                                                          as product_1,
        pairs.product_2_id,
        product_2.name                                                          as product_2,
        pairs.orders_together,
        round(100.0 * pairs.orders_together / order_count.orders, 2)            as support_pct,
        round(100.0 * pairs.orders_together / orders_1.orders, 1)               as confidence_1_to_2_pct,
        round(100.0 * pairs.orders_together / orders_2.orders, 1)               as confidence_2_to_1_pct,
        round(1.0 * pairs.orders_together * order_count.orders
              / (orders_1.orders * orders_2.orders), 2)                          as lift
    from pairs
    cross join order_count
    join product_orders orders_1 on orders_1.product_id = pairs.product_1_id
    join product_orders orders_2 on orders_2.product_id = pairs.product_2_id
    join products product_1 on product_1.product_id = pairs.product_1_id
    join products product_2 on product_2.product_id = pairs.product_2_id
    where 100.0 * pairs.orders_together / order_count.orders >= :min_support::numeric
)

select * from final
order by orders_together desc, lift desc, product_1_id, product_2_id
limit :limit;
