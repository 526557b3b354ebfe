-- Product orders, in total: what the list of product_orders.sql adds up to, for the drill's first page.
--
-- question: How many orders placed in the window have a line of this product, and what did its lines sell?
-- grain:    one row
-- audience: aggregate
-- param:    product_id   | integer |    | 1..2147483647 | the product; required
-- param:    days         | integer | 30 | 1..3660       | the window, as top_products
-- param:    from         | date    |    | any           | the window's first shop day, inclusive (instead of `days`)
-- param:    to           | date    |    | any           | the window's last shop day, inclusive (default: as_of's day)
-- window:   from | to | days | 3660
-- column:   orders       | orders  | orders placed in the window with a line of it (top_products' orders)
-- column:   units        | units   | units of it in them, before returns
-- column:   gross_sales  | GBP     | its gross sales (top_products' gross_sales)
-- column:   discounts    | GBP     | its discounts (top_products' discounts)
-- column:   net_sales    | GBP     | gross_sales - discounts: its net sales before returns
--
-- psql: psql -v as_of="'2026-06-30 12:00'" -v product_id=201 -f product_orders_total.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?product_id} \else \set product_id 0 \endif
\if :{?days} \else \set days 30 \endif
\if :{?from} \else \set from '' \endif
\if :{?to} \else \set to '' \endif

with

params as (
    select
        :as_of::timestamptz                                                    as as_of,
        coalesce(nullif(:'to', '')::date, shop_day(:as_of::timestamptz))       as last_day,
        nullif(:'from', '')::date                                              as from_day,
        :product_id::bigint                                                    as product_id
),

bounds as (
    select
        params.*,
        coalesce(from_day, last_day - (:days::int - 1))::timestamptz           as window_start,
        (last_day + 1)::timestamptz                                            as window_stop
    from params
),

final as (
    select
        count(distinct s.order_id)                                                   as orders,
        coalesce(sum(s.quantity), 0)                                                 as units,
        coalesce(sum(s.gross_sales), 0)::numeric(16, 2)                              as gross_sales,
        coalesce(sum(s.line_discount + coalesce(s.order_discount, 0)), 0)::numeric(16, 2) as discounts,
        coalesce(sum(s.gross_sales - s.line_discount - coalesce(s.order_discount, 0)), 0)::numeric(16, 2)
                                                                                     as net_sales
    from order_line_sales s, bounds
    where s.product_id = bounds.product_id
      -- the product's orders first (idx_items_product): the view's coupon shares are computed per
      -- order, so only these orders' lines are read, not the window's
      and s.order_id in (select i.order_id from order_items i where i.product_id = bounds.product_id)
      and s.created_at >= bounds.window_start
      and s.created_at <= bounds.as_of
      and s.created_at < bounds.window_stop
)

select * from final;
