-- KPI days: the dashboard tiles' sparklines, the seven headline measures one shop day at a time.
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
-- Each day is a window of kpi_tiles' measures (docs/reports.md#the-tiles), from the start of the
-- day to its last moment, or to as_of on as_of's own day.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=14 -f kpi_days.sql
--
-- Each day's figures come from kpi_window() (R__28_kpi_windows.sql): the day rollups, the hour
-- rollups of its last day, and the raw rows of the day's last hour. The full-scan version is
-- reference/kpi_days.sql.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 14 \endif

with

params as (
    select
        :as_of::timestamptz                                   as as_of,
        (:as_of::timestamptz)::date - (:days::int - 1)        as first_day
),

day_windows as (
    select
        day_spine.day::date                                                                    as day,
        day_spine.day::timestamptz                                                             as starts_at,
        least((day_spine.day + interval '1 day')::timestamptz - interval '1 microsecond', params.as_of) as ends_at,
        day_spine.day::date < params.as_of::date                                               as complete
    from params, generate_series(params.first_day, params.as_of::date, interval '1 day') as day_spine (day)
),

measured as (
    select day_windows.*, k.*
    from day_windows, kpi_window(day_windows.starts_at, day_windows.ends_at) as k
),

final as (
    select
        day,
        orders,
        (gross_sales - discounts - returns)::numeric(16, 2)                             as net_sales,
        round((gross_sales - discounts - returns) / nullif(orders, 0), 2)              as average_order_value,
        sessions,
        round(100.0 * converted_sessions / nullif(sessions, 0), 2)                     as conversion_rate,
        round(100.0 * returns / nullif(gross_sales - discounts, 0), 1)                 as returns_rate,
        round(100.0 * first_time_orders / nullif(orders, 0), 1)                        as new_customer_share,
        round(100.0 * (orders - first_time_orders) / nullif(orders, 0), 1)             as repeat_customer_share,
        complete
    from measured
)

select * from final
order by day;
