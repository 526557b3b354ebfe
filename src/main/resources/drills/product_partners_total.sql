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

with

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
        (last_day + 1)::timestamptz                                            as window_stop
    from params
),

-- the product's orders of the window not cancelled or refunded at as_of, as product_partners.sql
baskets as materialized (
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
),

partners as (
    select i.product_id
    from baskets
    join order_items i on i.order_id = baskets.order_id
    where i.product_id <> :product_id::bigint
    group by i.product_id
    having count(distinct i.order_id) >= :min_pair_orders::int
),

final as (
    select
        (select count(*) from baskets)   as orders,
        (select count(*) from partners)  as partners
)

select * from final;
