-- Product partners: the products bought together with one product (its market_basket pairs), a page at a time.
--
-- question: Which products were in the same orders of the window as this one, in how many, and how often does an order with it have each?
-- grain:    one row per partner product in at least min_pair_orders orders of the window with the product, most orders together first (then partner_id); at most limit + 1 rows from the cursor on
-- audience: aggregate
-- param:    product_id              | integer |    | 1..2147483647 | the product (a product of top_products or market_basket); required
-- param:    days                    | integer | 30 | 1..3660       | the window, as market_basket: this many shop days, ending with its last day (as_of's day unless `to` is given)
-- param:    from                    | date    |    | any           | the window's first shop day, inclusive (instead of `days`)
-- param:    to                      | date    |    | any           | the window's last shop day, inclusive (default: as_of's day); the window never goes past as_of
-- param:    min_pair_orders         | integer | 1  | 1..1000000    | only partners bought with it in at least this many orders of the window (market_basket's threshold)
-- param:    limit                   | integer | 50 | 1..1000       | rows per page (one more is read, to tell whether another page follows)
-- param:    after_orders_together   | integer | 2147483647 | 0..2147483647 | keyset: start after the partners with this many orders together (the API's cursor sets it)
-- param:    after_partner_id        | integer | 0  | 0..2147483647 | keyset: ... and this partner_id (ties of orders_together)
-- param:    category                | text    |    | any        | filter: as market_basket's: only partners in this category or a category below it (its category_id or slug); none when the product is outside it
-- param:    channel                 | text    |    | direct, search, social, email, referral, unknown | filter: orders whose session came from this channel (the referrer of its first page view; unknown: no session or no page views)
-- param:    device                  | text    |    | desktop, mobile, tablet, unknown | filter: orders whose session's first page view was on this device
-- param:    country                 | text    |    | any        | filter: orders shipped to this country (ISO code, e.g. GB; unknown: no shipping address)
-- param:    region                  | text    |    | any        | filter: orders shipped to this region (the address's state or county, e.g. Greater London)
-- param:    customer                | text    |    | new, returning | filter: new (the customer's first order) or returning customers' orders
-- param:    coupon                  | text    |    | yes, no    | filter: orders with or without a coupon (an order discount)
-- window:   from | to | days | 3660
-- column:   partner_id              | id      | the product bought with it
-- column:   partner                 | text    | its name
-- column:   orders_together         | orders  | orders of the window with both (market_basket's orders_together of the pair)
-- column:   confidence_pct          | %       | orders together / orders of the window with the product, one decimal (market_basket's confidence from it to the partner)
--
-- The orders of the window are market_basket's (reports/reference/market_basket.sql): placed in it
-- and not cancelled or refunded at as_of; an order counts once per product. A page reads the
-- product's orders of the window and their lines (by idx_items_product and idx_items_order), not
-- the window's other orders: its cost grows with the product's orders, the same for every page.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v product_id=201 -f product_partners.sql

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
\if :{?limit} \else \set limit 50 \endif
\if :{?after_orders_together} \else \set after_orders_together 2147483647 \endif
\if :{?after_partner_id} \else \set after_partner_id 0 \endif

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

-- the product's orders of the window, with their status at as_of (orders_as_of(), for these orders)
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
    select i.product_id as partner_id, count(distinct i.order_id) as orders_together
    from baskets
    join order_items i on i.order_id = baskets.order_id
    where i.product_id <> :product_id::bigint
      and (:'category' = '' or i.product_id in (select product_id from subtree))
    group by i.product_id
    having count(distinct i.order_id) >= :min_pair_orders::int
),

page as (
    select partners.*
    from partners
    where partners.orders_together < :after_orders_together::bigint
       or (partners.orders_together = :after_orders_together::bigint and partners.partner_id > :after_partner_id::bigint)
    order by partners.orders_together desc, partners.partner_id
    limit :limit::int + 1
),

final as (
    select
        page.partner_id,
        products.name                                                                    as partner,
        page.orders_together,
        round(100.0 * page.orders_together / (select count(*) from baskets), 1)         as confidence_pct
    from page
    join products on products.product_id = page.partner_id
)

select * from final
order by orders_together desc, partner_id;
