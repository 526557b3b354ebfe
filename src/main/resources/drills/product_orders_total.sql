-- Product orders, in total: what the list of product_orders.sql adds up to, for the drill's first page.
--
-- question: How many orders placed in the window have a line of this product, and what did its lines sell?
-- grain:    one row
-- audience: aggregate
-- param:    product_id   | integer |    | 1..2147483647 | the product; required
-- param:    days         | integer | 30 | 1..3660       | the window, as top_products
-- param:    from         | date    |    | any           | the window's first shop day, inclusive (instead of `days`)
-- param:    to           | date    |    | any           | the window's last shop day, inclusive (default: as_of's day)
-- param:    category     | text    |    | any | filter: only products of this category and every category below it (its category_id or slug), as top_products'
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
\if :{?category} \else \set category '' \endif

with

params as (
    select
        :as_of::timestamptz                                                    as as_of,
        coalesce(nullif(:'to', '')::date, shop_day(:as_of::timestamptz))       as last_day,
        nullif(:'from', '')::date                                              as from_day,
        :product_id::bigint                                                    as product_id
    -- the category filter: no orders for a product outside it (an unknown category is refused by
    -- category_filter(), naming it)
    where :'category' = ''
       or exists (select 1 from products p
                  where p.product_id = :product_id::bigint and p.category_id in (select category_filter(:'category')))
),

bounds as (
    select
        params.*,
        coalesce(from_day, last_day - (:days::int - 1))::timestamptz           as window_start,
        (last_day + 1)::timestamptz                                            as window_stop
    from params
),

-- the product's orders in the window (idx_items_product, then each order by its key)
product_orders as (
    select o.order_id
    from orders o, bounds
    -- the bound value, not bounds.product_id: a subquery reading bounds would run again for every order
    where o.order_id in (select i.order_id from order_items i where i.product_id = :product_id::bigint)
      and o.created_at >= bounds.window_start
      and o.created_at <= bounds.as_of
      and o.created_at < bounds.window_stop
),

-- every line of those orders valued as order_line_sales values it (R__22_sales_model.sql: the
-- order's coupon shared over its lines in pence, in item_id order), written out here for these
-- orders alone: through the view a filter on them is not applied before its window functions,
-- and the view reads every line of the window (seconds at scale 1)
order_lines as (
    select
        i.order_id,
        i.product_id,
        i.quantity,
        i.unit_price * i.quantity                                              as gross_sales,
        i.unit_price * i.quantity - i.line_total                               as line_discount,
        case when sum(i.line_total) over whole_order = 0 then 0
             else round(o.discount_amount * sum(i.line_total) over running / sum(i.line_total) over whole_order, 2)
                - round(o.discount_amount * (sum(i.line_total) over running - i.line_total)
                        / sum(i.line_total) over whole_order, 2)
        end                                                                    as order_discount
    from (select po.order_id, ord.discount_amount from product_orders po join orders ord using (order_id)) o
    join order_items i on i.order_id = o.order_id
    window whole_order as (partition by i.order_id),
           running as (partition by i.order_id order by i.item_id)
),

lines as (
    select order_lines.* from order_lines, bounds where order_lines.product_id = bounds.product_id
),

final as (
    select
        count(distinct lines.order_id)                                                       as orders,
        coalesce(sum(lines.quantity), 0)                                                     as units,
        coalesce(sum(lines.gross_sales), 0)::numeric(16, 2)                                  as gross_sales,
        coalesce(sum(lines.line_discount + coalesce(lines.order_discount, 0)), 0)::numeric(16, 2) as discounts,
        coalesce(sum(lines.gross_sales - lines.line_discount - coalesce(lines.order_discount, 0)), 0)::numeric(16, 2)
                                                                                             as net_sales
    from lines
)

select * from final
-- an unknown category is refused (category_filter() raises), even when the list is empty: a
-- one-time check before any row
where :'category' = '' or exists (select 1 from category_filter(:'category'));
