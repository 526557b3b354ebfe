-- Daily revenue: the dashboard's revenue chart.
--
-- question: How many orders and how much revenue did each of the last N days bring?
-- grain:    one row per shop day, oldest first; days without orders show zero
-- audience: aggregate
-- param:    days | integer | 30 | 1..3660 | number of days, ending with as_of's day
-- column:   day     | date   | the shop day (Europe/London)
-- column:   orders  | orders | orders placed that day up to as_of, not cancelled or refunded
-- column:   revenue | GBP    | their total_amount
--
-- The brief's version aliased daily_orders as "do", a reserved word: it does not run.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -f daily_revenue.sql
--
-- Reads the daily rollup (rollups.order_days, see R__31_rollup_order_days.sql) for every day, as_of's own day
-- less its orders placed after as_of (raw orders, through idx_orders_created_revenue: none for the
-- dashboard's "now", where reading the day's own orders instead cost more than the rest). The
-- full-scan version is reference/daily_revenue.sql.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif

with

params as (
    select
        :as_of::timestamptz                                   as as_of,
        (:as_of::timestamptz)::date - (:days::int - 1)        as first_day
),

day_spine as (
    select generate_series(params.first_day, params.as_of::date, interval '1 day')::date as day
    from params
),

-- every day from the rollup, as_of's own day less its orders placed after as_of; a day left
-- without orders is no row, as in the reference
daily_orders as (
    select day, sum(orders)::bigint as orders, sum(revenue) as revenue
    from (
        select rollups.order_days.day, rollups.order_days.orders, rollups.order_days.revenue
        from rollups.order_days, params
        where rollups.order_days.status not in ('cancelled', 'refunded')
          and rollups.order_days.day >= params.first_day
          and rollups.order_days.day <= params.as_of::date
        union all
        select params.as_of::date, -1, -orders.total_amount
        from orders, params
        where orders.status not in ('cancelled', 'refunded')
          and orders.created_at > params.as_of
          and orders.created_at < (params.as_of::date + 1)::timestamptz
    ) as signed
    group by day
    having sum(orders) <> 0
),

final as (
    select
        day_spine.day,
        coalesce(daily_orders.orders, 0)   as orders,
        coalesce(daily_orders.revenue, 0)  as revenue
    from day_spine
    left join daily_orders using (day)
)

select * from final
order by day;
