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
-- Reference version: reads the raw tables in full. The report proper (../daily_revenue.sql) reads
-- the rollups; `shopflow verify` and the tests check that both answer the same, row for row.

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

daily_orders as (
    select
        orders.created_at::date   as day,
        count(*)                  as orders,
        sum(orders.total_amount)  as revenue
    from orders, params
    where orders.status not in ('cancelled', 'refunded')
      and orders.created_at >= params.first_day::timestamptz
      and orders.created_at <= params.as_of
    group by 1
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
