-- KPI days, the reference: each day counted from the raw rows, as reference/kpi_tiles.sql counts a window.
--
-- question: What were net sales, orders, average order value, conversion rate, returns rate and the shares of orders by new and by returning customers on each of the last N days?
-- grain:    one row per shop day, oldest first; days without sales show zero orders and null ratios
-- audience: aggregate
-- param:    days                   | integer | 14      | 1..366 | number of days, ending with as_of's day
-- column:   day                    | date    | the shop day (Europe/London)
-- column:   orders                 | orders  | orders placed that day up to as_of, whatever their status at as_of
-- column:   net_sales              | GBP     | the sales model's net sales: gross sales - discounts - returns made that day
-- column:   average_order_value    | GBP     | net_sales / orders, 2 decimals; null without orders
-- column:   sessions               | sessions | sessions whose first page view was that day, up to as_of
-- column:   conversion_rate        | %       | of them, those that reached the funnel's order stage by the day's end (or as_of), 2 decimals; null without sessions
-- column:   returns_rate           | %       | returns made that day per gross sales less discounts of the orders placed, 1 decimal; null without sales
-- column:   new_customer_share     | %       | orders that were their customer's first per order placed, 1 decimal; null without orders
-- column:   repeat_customer_share  | %       | orders by customers who had ordered before per order placed, 1 decimal; null without orders
-- column:   complete               | boolean | false for as_of's own day, not over yet at as_of
--
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=14 -f reference/kpi_days.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 14 \endif

with

params as (
    select
        :as_of::timestamptz                                   as as_of,
        (:as_of::timestamptz)::date - (:days::int - 1)        as first_day
),

windows as (
    select
        day_spine.day::date                                                                    as day,
        day_spine.day::timestamptz                                                             as starts_at,
        least((day_spine.day + interval '1 day')::timestamptz - interval '1 microsecond', params.as_of) as ends_at,
        day_spine.day::date < params.as_of::date                                               as complete
    from params, generate_series(params.first_day, params.as_of::date, interval '1 day') as day_spine (day)
),

-- The raw rows each measure counts, read once (materialized: a Citus coordinator then joins
-- them itself, where it refuses a subquery per window over distributed tables)
first_orders as materialized (
    select customer_id, min(created_at) as first_order_at
    from orders
    group by customer_id
),

placed as materialized (
    select created_at, gross_sales - discounts as sales
    from order_sales
),

returned as materialized (
    select returned_at, net_sales
    from order_returns
),

-- each session's first page view, and the first time it reached each stage's event
session_views as materialized (
    select session_id,
           min(viewed_at)                                                  as first_seen_at,
           min(viewed_at) filter (where product_id is not null)            as product_view_at,
           min(viewed_at) filter (where funnel_checkout_page(page_url))    as checkout_page_at
    from page_views
    where session_id is not null
    group by session_id
),

session_carts as materialized (
    select session_id,
           min(event_at) filter (where action = 'add')                     as add_at,
           min(event_at) filter (where action = 'begin_checkout')          as begin_checkout_at
    from cart_events
    where session_id is not null
    group by session_id
),

session_orders as materialized (
    select session_id, min(created_at) as order_at
    from orders
    where session_id is not null
    group by session_id
),

session_starts as (
    select v.session_id, v.first_seen_at, v.product_view_at, v.checkout_page_at, c.add_at, c.begin_checkout_at,
           o.order_at
    from session_views v
    left join session_carts c using (session_id)
    left join session_orders o using (session_id)
),

measured as (
    select
        windows.*,
        (select count(*) from placed where created_at between windows.starts_at and windows.ends_at)
                                                                                       as orders,
        (select coalesce(sum(sales), 0) from placed
         where created_at between windows.starts_at and windows.ends_at)               as sales,
        (select coalesce(sum(net_sales), 0) from returned
         where returned_at between windows.starts_at and windows.ends_at)              as returns,
        (select count(*) from session_starts
         where first_seen_at between windows.starts_at and windows.ends_at)            as sessions,
        -- reached the order stage by the window's end: a product view, an add to cart, a checkout
        -- started (a /checkout view or a begin_checkout event) and an order, each by then
        (select count(*) from session_starts
         where first_seen_at between windows.starts_at and windows.ends_at
           and product_view_at <= windows.ends_at
           and add_at <= windows.ends_at
           and least(checkout_page_at, begin_checkout_at) <= windows.ends_at
           and order_at <= windows.ends_at)                                            as converted_sessions,
        (select count(*) from first_orders
         where first_order_at between windows.starts_at and windows.ends_at)          as first_time_orders
    from windows
),

final as (
    select
        day,
        orders,
        (sales - returns)::numeric(16, 2)                                               as net_sales,
        round((sales - returns) / nullif(orders, 0), 2)                                 as average_order_value,
        sessions,
        round(100.0 * converted_sessions / nullif(sessions, 0), 2)                     as conversion_rate,
        round(100.0 * returns / nullif(sales, 0), 1)                                    as returns_rate,
        round(100.0 * first_time_orders / nullif(orders, 0), 1)                        as new_customer_share,
        round(100.0 * (orders - first_time_orders) / nullif(orders, 0), 1)             as repeat_customer_share,
        complete
    from measured
)

select * from final
order by day;
