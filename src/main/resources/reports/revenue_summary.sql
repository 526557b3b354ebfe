-- Revenue summary: the KPI tiles of the dashboard (the brief's v_revenue_summary, as of a moment).
--
-- question: How much revenue today, in the last 7 days, month to date and year to date, and how does this month compare with last month?
-- grain:    one row
-- audience: aggregate
-- column:   today          | GBP | revenue from the start of as_of's day to as_of
-- column:   last_7_days    | GBP | revenue from the start of the day 6 days before as_of's day to as_of (7 shop days)
-- column:   mtd            | GBP | month to date: from the first of as_of's month to as_of
-- column:   ytd            | GBP | year to date: from 1 January of as_of's year to as_of
-- column:   this_month     | GBP | as_of's month so far (equal to mtd: nothing after as_of counts)
-- column:   last_month     | GBP | the whole calendar month before as_of's month
-- column:   mom_growth_pct | %   | this_month against last_month, one decimal; null when last month had no revenue
--
-- Revenue is orders.total_amount of orders not cancelled or refunded (their current status),
-- placed up to as_of. Days and months are the shop's (the session time zone, Europe/London).
-- psql: psql -v as_of="'2026-06-30 12:00'" -f revenue_summary.sql
--
-- Reads the daily rollup (rollups.order_days, kept current by triggers, see R__31_rollup_order_days.sql)
-- for the complete days before as_of's day, and the raw orders of as_of's own day: exact, and
-- a few thousand rows instead of a year of orders. The full-scan version is
-- reference/revenue_summary.sql.

\if :{?as_of} \else \set as_of 'now()' \endif

with

params as (
    select
        :as_of::timestamptz                                          as as_of,
        date_trunc('day', :as_of::timestamptz)                       as day_start,
        date_trunc('month', :as_of::timestamptz)                     as month_start,
        date_trunc('year', :as_of::timestamptz)                      as year_start
),

-- complete days from the rollup (a day stands for its first moment), then as_of's own day
-- from the raw orders
revenue_days as (
    select rollups.order_days.day::timestamptz as created_at, rollups.order_days.revenue as total_amount
    from rollups.order_days, params
    where rollups.order_days.status not in ('cancelled', 'refunded')
      and rollups.order_days.day >= least(params.year_start, params.month_start - interval '1 month')::date
      and rollups.order_days.day < params.day_start::date
    union all
    select orders.created_at, orders.total_amount
    from orders, params
    where orders.status not in ('cancelled', 'refunded')
      and orders.created_at >= params.day_start
      and orders.created_at <= params.as_of
),

periods as (
    select
        sum(total_amount) filter (where created_at >= day_start)                          as today,
        sum(total_amount) filter (where created_at >= day_start - interval '6 days')      as last_7_days,
        sum(total_amount) filter (where created_at >= month_start)                        as mtd,
        sum(total_amount) filter (where created_at >= year_start)                         as ytd,
        sum(total_amount) filter (where created_at >= month_start - interval '1 month'
                                    and created_at < month_start)                         as last_month
    from revenue_days, params
),

final as (
    select
        coalesce(today, 0)        as today,
        coalesce(last_7_days, 0)  as last_7_days,
        coalesce(mtd, 0)          as mtd,
        coalesce(ytd, 0)          as ytd,
        coalesce(mtd, 0)          as this_month,
        coalesce(last_month, 0)   as last_month,
        round(100.0 * (coalesce(mtd, 0) - last_month) / nullif(last_month, 0), 1) as mom_growth_pct
    from periods
)

select * from final;
