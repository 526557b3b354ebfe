-- KPI days: the dashboard tiles' sparklines, the seven headline measures one shop day at a time.
--
-- question: What were net sales, orders, average order value, conversion rate, returns rate and the shares of orders by new and by returning customers on each of the last N days?
-- grain:    one row per shop day, oldest first; days without sales show zero orders and null ratios
-- audience: aggregate
-- param:    days                   | integer | 14      | 1..366 | number of days, ending with as_of's day
-- param:    channel  | text    |       | direct, search, social, email, referral, unknown | filter: orders whose session came from this channel (the referrer of its first page view; unknown: no session or no page views), and sessions from it
-- param:    device   | text    |       | desktop, mobile, tablet, unknown | filter: orders whose session's first page view was on this device, and sessions whose first page view was
-- param:    country  | text    |       | any     | filter: orders shipped to this country (ISO code, e.g. GB; unknown: no shipping address); no sessions
-- param:    region   | text    |       | any     | filter: orders shipped to this region (the address's state or county, e.g. Greater London); no sessions
-- param:    customer | text    |       | new, returning | filter: new (the customer's first order) or returning customers' orders; no sessions
-- param:    coupon   | text    |       | yes, no | filter: orders with or without a coupon (an order discount); no sessions
-- column:   day                    | date    | the shop day (Europe/London)
-- column:   orders                 | orders  | orders placed that day up to as_of, whatever their status at as_of
-- column:   net_sales              | GBP     | the sales model's net sales: gross sales - discounts - returns made that day
-- column:   average_order_value    | GBP     | net_sales / orders, 2 decimals; null without orders
-- column:   sessions               | sessions | sessions whose first page view was that day, up to as_of; null with a filter sessions do not have (country, region, customer, coupon)
-- column:   conversion_rate        | %       | of them, those that reached the funnel's order stage by the day's end (or as_of), 2 decimals; null without sessions
-- column:   returns_rate           | %       | returns made that day per gross sales less discounts of the orders placed, 1 decimal; null without sales
-- column:   new_customer_share     | %       | orders that were their customer's first per order placed, 1 decimal; null without orders
-- column:   repeat_customer_share  | %       | orders by customers who had ordered before per order placed, 1 decimal; null without orders
-- column:   complete               | boolean | false for as_of's own day, not over yet at as_of
--
-- Each day is a window of kpi_tiles' measures (docs/reports.md#the-tiles), from the start of the
-- day to its last moment, or to as_of on as_of's own day.
--
-- Filters (docs/filters.md): as kpi_tiles takes them, all applying together ('' or left out: no
-- filter): every measure but the sessions and the conversion rate is of the orders they name; those
-- two are of the sessions with the channel and device named, and null with a filter sessions do not
-- have (country, region, customer, coupon). kpi_tiles' conversion_rate row says why.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=14 -v device=mobile -f kpi_days.sql
--
-- Without a filter each day's figures come from kpi_window() (R__28_kpi_windows.sql): the day
-- rollups, the hour rollups of its last day, and the raw rows of the day's last hour. With a filter
-- from kpi_filtered_days() (R__54_kpi_filtered_windows.sql): the order_facets rollup's days as
-- daily_revenue reads them with the same filters, the funnel_traffic rollup's hours for the
-- sessions. The two paths meet in `measured`, which takes one of them. The full-scan version is
-- reference/kpi_days.sql, with the same filters.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 14 \endif
\if :{?channel} \else \set channel '' \endif
\if :{?device} \else \set device '' \endif
\if :{?country} \else \set country '' \endif
\if :{?region} \else \set region '' \endif
\if :{?customer} \else \set customer '' \endif
\if :{?coupon} \else \set coupon '' \endif

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

-- without a filter: every order and session
all_orders_days as (
    select day_windows.day, day_windows.complete, k.*
    from day_windows, kpi_window(day_windows.starts_at, day_windows.ends_at) as k
),

-- with a filter: the orders and sessions it names (kpi_filtered_days(), R__54_kpi_filtered_windows.sql)
filtered_days as (
    select day_windows.day, day_windows.complete, k.orders, k.gross_sales, k.discounts, k.returns, k.sessions,
           k.converted_sessions, k.first_time_orders
    from params
    cross join kpi_filtered_days(params.first_day, params.as_of::date, params.as_of,
                                 :'channel', :'device', :'country', :'region', :'customer', :'coupon') as k
    join day_windows on day_windows.day = k.day
),

-- One path or the other: the guard is a constant when the report runs, so the planner drops the
-- path not taken before planning it (each fenced, offset 0, as in revenue_summary.sql).
measured as (
    select day, complete, orders, gross_sales, discounts, returns, sessions, converted_sessions, first_time_orders
    from (
        select 'all_orders' as path, * from (select * from all_orders_days offset 0) as all_orders
        union all
        select 'filtered', * from (select * from filtered_days offset 0) as filtered
    ) as paths
    where paths.path = case when :'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
                            then 'all_orders' else 'filtered' end
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
