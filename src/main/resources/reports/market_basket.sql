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
--
-- Reads the rollups rollups.product_pairs, rollups.product_sales and rollups.basket_totals (all
-- history, kept current by triggers, see R__32_rollup_product_sales.sql): their folded rows plus their
-- pending changes (at most a second's worth while the web server folds them), and subtracts what
-- orders placed after as_of contributed (none for the dashboard's "now"). The most frequent pairs
-- come first from the folded pairs' index: only pairs at or above the (N + pairs with pending or
-- later changes)th folded count can be in the top N, besides those pairs themselves.
-- The full-scan version is reference/market_basket.sql.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?min_count} \else \set min_count 10 \endif
\if :{?min_support} \else \set min_support 0 \endif
\if :{?limit} \else \set limit 20 \endif

with

params as (
    select :as_of::timestamptz as as_of
),

-- the baskets of orders placed after as_of: what they added to the rollups
later_lines as (
    select distinct order_items.order_id, order_items.product_id
    from orders
    join order_items using (order_id)
    cross join params
    where orders.status not in ('cancelled', 'refunded')
      and orders.created_at > params.as_of
),

later_pairs as (
    select
        first_line.product_id   as product_1_id,
        second_line.product_id  as product_2_id,
        count(*)                as orders_together
    from later_lines first_line
    join later_lines second_line
      on second_line.order_id = first_line.order_id
     and second_line.product_id > first_line.product_id
    group by first_line.product_id, second_line.product_id
),

-- changes not folded into rollups.product_pairs_folded yet, per pair
pending_pairs as (
    select product_1_id, product_2_id, sum(orders) as orders
    from rollups.product_pairs_pending
    group by product_1_id, product_2_id
),

order_count as (
    select coalesce((select sum(orders) from rollups.basket_totals_folded), 0)
           + coalesce((select sum(orders) from rollups.basket_totals_pending), 0)
           - (select count(distinct order_id) from later_lines) as orders
),

-- Every candidate for the top N whose folded count is its own is among the first (N + pairs with
-- pending or later changes) folded pairs by count, or tied with the last of them: read in that
-- order through the index on the count, ties included, and no further. (A threshold read first and
-- compared with every row left the planner guessing how many rows pass: on a cluster, where the
-- coordinator plans this part alone, it scanned all 11 million pairs of a scale-10 shop.)
candidates as (
    select top_folded.product_1_id, top_folded.product_2_id
    from (
        select rollups.product_pairs_folded.product_1_id, rollups.product_pairs_folded.product_2_id,
               rollups.product_pairs_folded.orders
        from rollups.product_pairs_folded
        order by rollups.product_pairs_folded.orders desc
        fetch first ((select :limit::int + count(*) from later_pairs) + (select count(*) from pending_pairs)) rows with ties
    ) as top_folded
    where top_folded.orders >= :min_count::int
    union
    select product_1_id, product_2_id from pending_pairs
    union
    select product_1_id, product_2_id from later_pairs
),

-- folded + pending - later, per candidate (the folded row looked up through its key, one by one)
pairs as (
    select candidates.product_1_id, candidates.product_2_id, counts.orders_together
    from candidates
    left join pending_pairs using (product_1_id, product_2_id)
    left join later_pairs using (product_1_id, product_2_id)
    cross join lateral (
        select coalesce((select folded.orders from rollups.product_pairs_folded as folded
                         where folded.product_1_id = candidates.product_1_id
                           and folded.product_2_id = candidates.product_2_id), 0)
               + coalesce(pending_pairs.orders, 0)
               - coalesce(later_pairs.orders_together, 0) as orders_together
    ) as counts
    where counts.orders_together >= :min_count::int
),

-- orders containing each paired product: folded + pending - later
product_orders as (
    select
        paired.product_id,
        coalesce((select orders from rollups.product_sales_folded folded where folded.product_id = paired.product_id), 0)
        + coalesce(pending.orders, 0)
        - coalesce(later.orders, 0) as orders
    from (select product_1_id as product_id from pairs union select product_2_id from pairs) as paired
    left join (
        select product_id, sum(orders) as orders from rollups.product_sales_pending group by product_id
    ) as pending using (product_id)
    left join (
        select product_id, count(*) as orders from later_lines group by product_id
    ) as later using (product_id)
),

-- a few dozen rows: products, names and counts are looked up one by one through their keys
final as (
    select
        pairs.product_1_id,
        (select name from products where product_id = pairs.product_1_id)      as product_1,
        pairs.product_2_id,
        (select name from products where product_id = pairs.product_2_id)      as product_2,
        pairs.orders_together,
        round(100.0 * pairs.orders_together / order_count.orders, 2)            as support_pct,
        round(100.0 * pairs.orders_together / orders_1.orders, 1)               as confidence_1_to_2_pct,
        round(100.0 * pairs.orders_together / orders_2.orders, 1)               as confidence_2_to_1_pct,
        round(1.0 * pairs.orders_together * order_count.orders
              / (orders_1.orders * orders_2.orders), 2)                          as lift
    from pairs
    cross join order_count
    cross join lateral (select orders from product_orders where product_id = pairs.product_1_id) as orders_1
    cross join lateral (select orders from product_orders where product_id = pairs.product_2_id) as orders_2
    where 100.0 * pairs.orders_together / order_count.orders >= :min_support::numeric
)

select * from final
order by orders_together desc, lift desc, product_1_id, product_2_id
limit :limit;
