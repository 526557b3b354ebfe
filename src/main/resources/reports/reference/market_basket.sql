-- Market basket: which products are bought together more often than by chance, in a window?
--
-- question: Which pairs of products, bought together in enough orders of the window, go together most strongly (lift)?
-- grain:    one row per pair of products (product_1 < product_2) in at least min_pair_orders orders of the window, highest lift first
-- audience: aggregate
-- param:    days            | integer | 30 | 1..3660    | the window: this many shop days, ending with its last day (as_of's day unless `to` is given)
-- param:    from            | date    |    | any        | the window's first shop day, inclusive (instead of `days`)
-- param:    to              | date    |    | any        | the window's last shop day, inclusive (default: as_of's day); the window never goes past as_of
-- param:    min_pair_orders | integer | 20 | 1..1000000 | only pairs bought together in at least this many orders of the window
-- param:    limit           | integer | 20 | 1..10000   | number of pairs to show
-- param:    category        | text    |    | any        | filter: only pairs of products both in this category or a category below it (its category_id or slug, e.g. laptops), among the orders holding one of its products
-- param:    channel         | text    |    | direct, search, social, email, referral, unknown | filter: orders whose session came from this channel (the referrer of its first page view; unknown: no session or no page views)
-- param:    device          | text    |    | desktop, mobile, tablet, unknown | filter: orders whose session's first page view was on this device
-- param:    country         | text    |    | any        | filter: orders shipped to this country (ISO code, e.g. GB; unknown: no shipping address)
-- param:    region          | text    |    | any        | filter: orders shipped to this region (the address's state or county, e.g. Greater London)
-- param:    customer        | text    |    | new, returning | filter: new (the customer's first order) or returning customers' orders
-- param:    coupon          | text    |    | yes, no    | filter: orders with or without a coupon (an order discount)
-- window:   from | to | days | 3660
-- column:   product_1_id           | id     | the first product (the lower id), A
-- column:   product_1              | text   | its name
-- column:   product_2_id           | id     | the second product, B
-- column:   product_2              | text   | its name
-- column:   orders_together        | orders | orders of the window with both A and B
-- column:   support_pct            | %      | support(A,B) = orders with both / orders of the window, two decimals
-- column:   confidence_1_to_2_pct  | %      | confidence A->B = orders with both / orders with A, one decimal
-- column:   confidence_2_to_1_pct  | %      | confidence B->A = orders with both / orders with B, one decimal
-- column:   lift                   | ratio  | support(A,B) / (support(A) x support(B)), two decimals: how many times more often they come together than if bought independently (1 = chance)
-- column:   window_start           | time   | the window's start: midnight starting its first shop day
-- column:   window_end             | time   | the window's end: as_of, or the midnight ending `to` when that comes first (excluded)
--
-- The orders of the window: placed in it and not cancelled or refunded at as_of (their status then,
-- as orders_as_of() defines it), with at least one line; an order counts once per product and once per pair
-- even when a product is on several of its lines. Ranking by lift among pairs with enough orders
-- together keeps best-sellers, which pair with everything, from filling the list.
--
-- Filters (docs/filters.md): the order filters keep the baskets of the orders they name (their values
-- are the view order_facets', R__44_order_facets.sql; order_in_filters() checks each order); the
-- category keeps, of each basket, its lines of the category's subtree (category_filter(), R__45):
-- the orders counted are then those holding a product of the subtree, so support and lift say how
-- two products go together among the category's buyers. An unknown category is refused, naming it.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -v min_pair_orders=20 -v limit=20 -f market_basket.sql
--
-- Reference version: reads the raw tables. The report proper (../market_basket.sql) reads the rollups.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
\if :{?from} \else \set from '' \endif
\if :{?to} \else \set to '' \endif
\if :{?min_pair_orders} \else \set min_pair_orders 20 \endif
\if :{?limit} \else \set limit 20 \endif
\if :{?category} \else \set category '' \endif
\if :{?channel} \else \set channel '' \endif
\if :{?device} \else \set device '' \endif
\if :{?country} \else \set country '' \endif
\if :{?region} \else \set region '' \endif
\if :{?customer} \else \set customer '' \endif
\if :{?coupon} \else \set coupon '' \endif

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

-- not materialized: each use below reads the tables itself, so that on Citus each one runs on
-- the shards (materialized, its rows would be pulled to the coordinator and paired there).
-- An order's status at as_of as orders_as_of() gives it (the status it left at its first change
-- after as_of, or its status now), written out: Citus runs this on the shards, which lack the function.
basket_lines as not materialized (
    select distinct order_items.order_id, order_items.product_id
    from orders
    join order_items using (order_id)
    cross join bounds
    left join lateral (
        select changes.from_status
        from order_status_changes changes
        where changes.order_id = orders.order_id
          and changes.changed_at > :as_of::timestamptz
        order by changes.changed_at, changes.change_id
        limit 1
    ) as later on true
    where coalesce(later.from_status, orders.status) not in ('cancelled', 'refunded')
      and orders.created_at >= bounds.window_start
      and orders.created_at <= bounds.as_of
      and orders.created_at < bounds.window_stop
      -- the filters (docs/filters.md): the orders they name, their lines of the category's subtree
      and (:'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
           or order_in_filters(orders.order_id, :'channel', :'device', :'country', :'region', :'customer', :'coupon'))
      and (:'category' = ''
           or order_items.product_id in (select products.product_id from products
                                         where products.category_id in (select category_filter(:'category'))))
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
    having count(*) >= :min_pair_orders::int
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
              / (orders_1.orders * orders_2.orders), 2)                          as lift,
        bounds.window_start,
        bounds.window_end
    from pairs
    cross join order_count
    cross join bounds
    join product_orders orders_1 on orders_1.product_id = pairs.product_1_id
    join product_orders orders_2 on orders_2.product_id = pairs.product_2_id
    join products product_1 on product_1.product_id = pairs.product_1_id
    join products product_2 on product_2.product_id = pairs.product_2_id
)

select * from final
order by lift desc, orders_together desc, product_1_id, product_2_id
limit :limit;
