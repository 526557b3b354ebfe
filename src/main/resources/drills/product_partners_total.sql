-- Product partners, in total: what the list of product_partners.sql counts, for the drill's first page.
--
-- question: In how many orders of the window was this product, and with how many partner products?
-- grain:    one row
-- audience: aggregate
-- param:    product_id      | integer |    | 1..2147483647 | the product; required
-- param:    days            | integer | 30 | 1..3660       | the window, as market_basket
-- param:    from            | date    |    | any           | the window's first shop day, inclusive (instead of `days`)
-- param:    to              | date    |    | any           | the window's last shop day, inclusive (default: as_of's day)
-- param:    min_pair_orders | integer | 1  | 1..1000000    | only partners in at least this many orders together
-- param:    category        | text    |    | any        | filter: as market_basket's: only partners in this category or a category below it (its category_id or slug); none when the product is outside it
-- param:    channel         | text    |    | direct, search, social, email, referral, unknown | filter: orders whose session came from this channel (the referrer of its first page view; unknown: no session or no page views)
-- param:    device          | text    |    | desktop, mobile, tablet, unknown | filter: orders whose session's first page view was on this device
-- param:    country         | text    |    | any        | filter: orders shipped to this country (ISO code, e.g. GB; unknown: no shipping address)
-- param:    region          | text    |    | any        | filter: orders shipped to this region (the address's state or county, e.g. Greater London)
-- param:    customer        | text    |    | new, returning | filter: new (the customer's first order) or returning customers' orders
-- param:    coupon          | text    |    | yes, no    | filter: orders with or without a coupon (an order discount)
-- window:   from | to | days | 3660
-- column:   orders          | orders  | market_basket's orders of the window with the product (the base of its confidence)
-- column:   partners        | count   | partner products in at least min_pair_orders of them (the list's rows)
--
-- psql: psql -v as_of="'2026-06-30 12:00'" -v product_id=201 -f product_partners_total.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?product_id} \else \set product_id 0 \endif
\if :{?days} \else \set days 30 \endif
\if :{?from} \else \set from '' \endif
\if :{?to} \else \set to '' \endif
\if :{?min_pair_orders} \else \set min_pair_orders 1 \endif
\if :{?category} \else \set category '' \endif
\if :{?channel} \else \set channel '' \endif
\if :{?device} \else \set device '' \endif
\if :{?country} \else \set country '' \endif
\if :{?region} \else \set region '' \endif
\if :{?customer} \else \set customer '' \endif
\if :{?coupon} \else \set coupon '' \endif

with

params as (
    select
        :as_of::timestamptz                                                    as as_of,
        coalesce(nullif(:'to', '')::date, shop_day(:as_of::timestamptz))       as last_day,
        nullif(:'from', '')::date                                              as from_day
),

-- an unknown category is refused here (category_filter() raises), even when the list is empty;
-- a CTE of its own (materialized): inside bounds, Citus made it a subplan within the orders'
-- subplan whose result never reached the workers (no rows, "could not find the intermediate
-- result file")
category_checked as materialized (
    select 1 as checked
    where :'category' = '' or exists (select 1 from category_filter(:'category'))
),

bounds as (
    select
        as_of,
        coalesce(from_day, last_day - (:days::int - 1))::timestamptz           as window_start,
        (last_day + 1)::timestamptz                                            as window_stop
    from params, category_checked
),

-- the category filter (market_basket's): its subtree's products, none without one
subtree as materialized (
    select products.product_id
    from products
    where products.category_id in (select category_filter(:'category'))
),

-- the product's orders of the window not cancelled or refunded at as_of, as product_partners.sql
product_baskets as materialized (
    select o.order_id
    from orders o
    cross join bounds
    left join lateral (
        select changes.from_status
        from order_status_changes changes
        where changes.order_id = o.order_id
          and changes.changed_at > bounds.as_of
        order by changes.changed_at, changes.change_id
        limit 1
    ) as later on true
    where o.order_id in (select i.order_id from order_items i where i.product_id = :product_id::bigint)
      and o.created_at >= bounds.window_start
      and o.created_at <= bounds.as_of
      and o.created_at < bounds.window_stop
      and coalesce(later.from_status, o.status) not in ('cancelled', 'refunded')
      -- none when the product is outside the category filter's subtree
      and (:'category' = '' or :product_id::int in (select product_id from subtree))
),

-- the order filters (market_basket's): those of the product's orders they name, each checked by
-- order_in_filters() (the reference SQL's filter: its first page view, address and earlier order),
-- after the orders above are found (materialized: checked first, it would be called for every
-- order of the window)
baskets as materialized (
    select product_baskets.order_id
    from product_baskets
    where :'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
       or order_in_filters(product_baskets.order_id, :'channel', :'device', :'country', :'region', :'customer', :'coupon')
),

partners as (
    select i.product_id
    from baskets
    join order_items i on i.order_id = baskets.order_id
    where i.product_id <> :product_id::bigint
      and (:'category' = '' or i.product_id in (select product_id from subtree))
    group by i.product_id
    having count(distinct i.order_id) >= :min_pair_orders::int
),

final as (
    select
        (select count(*) from baskets)   as orders,
        (select count(*) from partners)  as partners
)

select * from final;
