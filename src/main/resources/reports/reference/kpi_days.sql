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

first_orders as (
    select customer_id, min(created_at) as first_order_at
    from orders
    group by customer_id
),

session_starts as (
    select session_id, min(viewed_at) as first_seen_at
    from page_views
    where session_id is not null
    group by session_id
),

measured as (
    select
        windows.day,
        windows.complete,
        (select count(*) from order_sales s where s.created_at between windows.starts_at and windows.ends_at)
                                                                                       as orders,
        (select coalesce(sum(s.gross_sales - s.discounts), 0) from order_sales s
         where s.created_at between windows.starts_at and windows.ends_at)             as sales,
        (select coalesce(sum(r.net_sales), 0) from order_returns r
         where r.returned_at between windows.starts_at and windows.ends_at)            as returns,
        (select count(*) from session_starts
         where first_seen_at between windows.starts_at and windows.ends_at)            as sessions,
        (select count(*) from session_starts
         where first_seen_at between windows.starts_at and windows.ends_at
           and exists (select 1 from page_views v where v.session_id = session_starts.session_id
                       and v.product_id is not null and v.viewed_at <= windows.ends_at)
           and exists (select 1 from cart_events e where e.session_id = session_starts.session_id
                       and e.action = 'add' and e.event_at <= windows.ends_at)
           and (exists (select 1 from page_views v where v.session_id = session_starts.session_id
                        and funnel_checkout_page(v.page_url) and v.viewed_at <= windows.ends_at)
                or exists (select 1 from cart_events e where e.session_id = session_starts.session_id
                           and e.action = 'begin_checkout' and e.event_at <= windows.ends_at))
           and exists (select 1 from orders o where o.session_id = session_starts.session_id
                       and o.created_at <= windows.ends_at))                           as converted_sessions,
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
