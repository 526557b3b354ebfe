-- Product orders: the orders behind one product of top_products, a page at a time.
--
-- question: Which orders placed in the window have a line of this product, and what did its lines sell in each?
-- grain:    one row per order with a line of the product, oldest first (created_at, then order_id); at most limit + 1 rows from the cursor on
-- audience: aggregate
-- param:    product_id       | integer |    | 1..2147483647 | the product (a product_id of top_products); required
-- param:    days             | integer | 30 | 1..3660       | the window, as top_products: this many shop days, ending with its last day (as_of's day unless `to` is given)
-- param:    from             | date    |    | any           | the window's first shop day, inclusive (instead of `days`)
-- param:    to               | date    |    | any           | the window's last shop day, inclusive (default: as_of's day); the window never goes past as_of
-- param:    category         | text    |    | any | filter: only products of this category and every category below it (its category_id or slug), as top_products'
-- param:    limit            | integer | 50 | 1..1000       | rows per page (one more is read, to tell whether another page follows)
-- param:    after_created_at | text    |    | any           | keyset: start after the order placed at this moment (the API's cursor sets it; empty: the first page)
-- param:    after_order_id   | integer | 0  | 0..2147483647 | keyset: ... and with this order_id (ties of created_at)
-- window:   from | to | days | 3660
-- column:   order_id         | id      | the order
-- column:   order_number     | text    | its number, as the shop shows it
-- column:   created_at       | timestamp | when it was placed
-- column:   status           | text    | its status at as_of
-- column:   customer_id      | id      | who placed it (null: a guest)
-- column:   units            | units   | units of the product in it
-- column:   gross_sales      | GBP     | unit price x quantity of its lines of the product
-- column:   discounts        | GBP     | their line discounts plus their share of the order's coupon
-- column:   net_sales        | GBP     | gross_sales - discounts, as placed (a later return counts on its own day)
--
-- The window and the measures are top_products' (reports/reference/top_products.sql): the list's
-- orders and the sums of its gross_sales and discounts are that product's orders, gross_sales and
-- discounts (product_orders_total.sql sums them). Keyset paging on the orders' created_at and
-- order_id; the product's lines are found by idx_items_product, so a page reads the product's lines
-- (not the window's orders).
-- psql: psql -v as_of="'2026-06-30 12:00'" -v product_id=201 -f product_orders.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?product_id} \else \set product_id 0 \endif
\if :{?days} \else \set days 30 \endif
\if :{?from} \else \set from '' \endif
\if :{?to} \else \set to '' \endif
\if :{?category} \else \set category '' \endif
\if :{?limit} \else \set limit 50 \endif
\if :{?after_created_at} \else \set after_created_at '' \endif
\if :{?after_order_id} \else \set after_order_id 0 \endif

with

params as (
    select
        :as_of::timestamptz                                                    as as_of,
        coalesce(nullif(:'to', '')::date, shop_day(:as_of::timestamptz))       as last_day,
        nullif(:'from', '')::date                                              as from_day,
        :product_id::bigint                                                    as product_id,
        coalesce(nullif(:'after_created_at', '')::timestamptz, '-infinity')    as after_created_at,
        :after_order_id::bigint                                                as after_order_id
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

page as (
    select o.order_id, o.order_number, o.created_at, o.status, o.customer_id, o.discount_amount
    from orders o, bounds
    -- the bound value, not bounds.product_id: a subquery reading bounds would run again for every order
    where o.order_id in (select i.order_id from order_items i where i.product_id = :product_id::bigint)
      and o.created_at >= bounds.window_start
      and o.created_at <= bounds.as_of
      and o.created_at < bounds.window_stop
      and o.created_at >= bounds.after_created_at
      and (o.created_at, o.order_id) > (bounds.after_created_at, bounds.after_order_id)
    order by o.created_at, o.order_id
    limit :limit::int + 1
),

-- every line of those orders valued as order_line_sales values it (R__22_sales_model.sql: the
-- order's coupon shared over its lines in pence, in item_id order), written out here for these
-- orders alone: through the view a filter on them is not applied before its window functions,
-- and the view reads every line of the window (seconds at scale 1)
page_lines as (
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
    from page o
    join order_items i on i.order_id = o.order_id
    window whole_order as (partition by i.order_id),
           running as (partition by i.order_id order by i.item_id)
),

-- The page's orders' status at as_of (orders_as_of()), computed once: joined in the query below,
-- which reads the shards, a Citus cluster ran the function in every shard's task (0.1 s each).
changed as materialized (
    select * from orders_changed_since(array(select order_id from page), :as_of::timestamptz)
),

final as (
    select
        page.order_id,
        page.order_number,
        page.created_at,
        coalesce(changed.status_then, page.status)                                       as status,
        page.customer_id,
        lines.units,
        lines.gross_sales::numeric(16, 2)                                                as gross_sales,
        lines.discounts::numeric(16, 2)                                                  as discounts,
        (lines.gross_sales - lines.discounts)::numeric(16, 2)                            as net_sales
    from page
    cross join bounds
    left join changed on changed.order_id = page.order_id
    join (
        select page_lines.order_id,
               sum(page_lines.quantity)                                               as units,
               sum(page_lines.gross_sales)                                            as gross_sales,
               sum(page_lines.line_discount + coalesce(page_lines.order_discount, 0)) as discounts
        from page_lines, bounds
        where page_lines.product_id = bounds.product_id
        group by page_lines.order_id
    ) as lines on lines.order_id = page.order_id
)

select * from final
-- an unknown category is refused (category_filter() raises), even when the list is empty: a
-- one-time check before any row
where :'category' = '' or exists (select 1 from category_filter(:'category'))
order by created_at, order_id;
