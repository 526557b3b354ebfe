-- KPI tiles: the dashboard's seven headline measures for a period, each against its like-for-like window.
--
-- question: For this period up to as_of, what are net sales, orders, average order value, conversion rate, returns rate and the shares of orders by new and by returning customers, and how does each compare with the same span before it?
-- grain:    one row per measure, in a fixed order
-- audience: aggregate
-- param:    period            | text   | month_to_date | today, last_7_days, month_to_date, year_to_date | the period, as revenue_summary's rows
-- param:    channel  | text    |       | direct, search, social, email, referral, unknown | filter: orders whose session came from this channel (the referrer of its first page view; unknown: no session or no page views), and sessions from it
-- param:    device   | text    |       | desktop, mobile, tablet, unknown | filter: orders whose session's first page view was on this device, and sessions whose first page view was
-- param:    country  | text    |       | any     | filter: orders shipped to this country (ISO code, e.g. GB; unknown: no shipping address); no conversion rate
-- param:    region   | text    |       | any     | filter: orders shipped to this region (the address's state or county, e.g. Greater London); no conversion rate
-- param:    customer | text    |       | new, returning | filter: new (the customer's first order) or returning customers' orders; no conversion rate
-- param:    coupon   | text    |       | yes, no | filter: orders with or without a coupon (an order discount); no conversion rate
-- column:   measure           | text   | net_sales, orders, average_order_value, conversion_rate, returns_rate, new_customer_share or repeat_customer_share
-- column:   unit              | text   | GBP, orders or %
-- column:   value             | number | the measure over the period (starts_at to ends_at), in unit; null for a ratio without a base
-- column:   compare_value     | number | the same over the like-for-like window
-- column:   change            | number | GBP and orders: growth against compare_value in %, one decimal, null when compare_value is 0 or null; %: the difference in percentage points, two decimals
-- column:   change_unit       | text   | % (growth) or pt (percentage points)
-- column:   numerator         | number | what value divides for a ratio (net sales, converted sessions, returns, orders by first-time or by returning customers); value itself otherwise
-- column:   denominator       | number | what it divides by (orders, sessions, gross sales less discounts, orders); null for net_sales and orders
-- column:   compare_numerator   | number | numerator over the like-for-like window
-- column:   compare_denominator | number | denominator over the like-for-like window
-- column:   starts_at         | time   | the period's first moment: the start of a shop day
-- column:   ends_at           | time   | its last moment: as_of
-- column:   compare_starts_at | time   | the like-for-like window's first moment
-- column:   compare_ends_at   | time   | its last moment
-- column:   note              | text   | why a value is null that is not for want of a base: conversion_rate with a filter sessions do not have; null otherwise
--
-- The measures (docs/reports.md#the-tiles):
--   net_sales              the sales model's net sales: gross sales - discounts - returns (R__22_sales_model.sql)
--   orders                 orders placed in the window, whatever their status at as_of
--   average_order_value    net_sales / orders, 2 decimals (revenue_summary's)
--   conversion_rate        sessions that reached the funnel's order stage by the window's end, per
--                          session whose first page view is in the window (conversion_funnel's last
--                          stage against its first), 2 decimals
--   returns_rate           returns / (gross_sales - discounts): the sales taken back in the window
--                          per sales placed in it (shop_vitals' return_rate), 1 decimal
--   new_customer_share     orders placed by first-time customers (the customer's first order ever,
--                          whatever its status) per order placed, 1 decimal
--   repeat_customer_share  orders placed by returning customers (who had ordered before) per order
--                          placed, 1 decimal: 100 - new_customer_share when there are orders
-- The windows are revenue_summary's: today against the same weekday a week before to the same
-- time, the last 7 days against the 7 before, month to date against the same days and time of the
-- previous month (clipped to its end), year to date against the same span of the previous year.
--
-- Filters (docs/filters.md): the orders of a channel, device, country or region, of new or
-- returning customers, with or without a coupon, all of them applying together ('' or left out:
-- no filter), as revenue_summary takes them (the view order_facets, R__44_order_facets.sql): every
-- measure but the conversion rate is of the orders they name (the new-customer share: those of them
-- that were their customer's first order). The conversion rate is of the sessions with the channel
-- and device named (the session's own, as conversion_funnel takes them); sessions have no country,
-- region, customer kind or coupon, so with any of those its row has a null value, numerator and
-- denominator and a `note` saying why (and so with channel=unknown, which no session has: orders
-- without a session or page views).
-- psql: psql -v as_of="'2026-06-30 12:00'" -v period=month_to_date -v device=mobile -f kpi_tiles.sql
--
-- Without a filter each window's figures come from kpi_window() (R__28_kpi_windows.sql): whole days
-- and hours from the rollups and at most an hour of raw rows, whatever the period. With a filter
-- from kpi_filtered_windows() (R__54_kpi_filtered_windows.sql): the order_facets rollup as
-- revenue_summary reads it with the same filters, and the funnel_traffic rollup as conversion_funnel
-- does. The two paths meet in `windows`, which takes one of them. The full-scan version is
-- reference/kpi_tiles.sql, with the same filters.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?period} \else \set period 'month_to_date' \endif
\if :{?channel} \else \set channel '' \endif
\if :{?device} \else \set device '' \endif
\if :{?country} \else \set country '' \endif
\if :{?region} \else \set region '' \endif
\if :{?customer} \else \set customer '' \endif
\if :{?coupon} \else \set coupon '' \endif

with

params as (
    select
        :as_of::timestamptz                          as as_of,
        :'period'::text                              as period,
        date_trunc('day', :as_of::timestamptz)       as day_start,
        date_trunc('month', :as_of::timestamptz)     as month_start,
        date_trunc('year', :as_of::timestamptz)      as year_start
),

-- as_of a month and a year before: the same day of the month and time, or, where that day does
-- not exist, the end of the month's last day (as revenue_summary)
a_period_before as (
    select
        case when extract(day from as_of - interval '1 month') = extract(day from as_of)
             then as_of - interval '1 month'
             else date_trunc('day', as_of - interval '1 month') + interval '1 day' - interval '1 microsecond'
        end as month_before,
        case when extract(day from as_of - interval '1 year') = extract(day from as_of)
             then as_of - interval '1 year'
             else date_trunc('day', as_of - interval '1 year') + interval '1 day' - interval '1 microsecond'
        end as year_before
    from params
),

period as (
    select periods.*, params.as_of as ends_at
    from params, a_period_before, lateral (values
        ('today',         params.day_start,                     params.day_start - interval '7 days',
                          params.as_of - interval '7 days'),
        ('last_7_days',   params.day_start - interval '6 days', params.day_start - interval '13 days',
                          params.as_of - interval '7 days'),
        ('month_to_date', params.month_start,                   params.month_start - interval '1 month',
                          a_period_before.month_before),
        ('year_to_date',  params.year_start,                    params.year_start - interval '1 year',
                          a_period_before.year_before)
    ) as periods (period, starts_at, compare_starts_at, compare_ends_at)
    where periods.period = params.period
),

-- without a filter: every order and session
all_orders_windows as (
    select 'this' as side, k.*
    from period, kpi_window(period.starts_at, period.ends_at) as k
    union all
    select 'earlier', k.*
    from period, kpi_window(period.compare_starts_at, period.compare_ends_at) as k
),

-- with a filter: the orders and sessions it names (kpi_filtered_windows(), R__54_kpi_filtered_windows.sql)
filtered_windows as (
    select case k.window_no when 1 then 'this' else 'earlier' end as side,
           k.orders, k.gross_sales, k.discounts, k.returns, k.sessions, k.converted_sessions, k.first_time_orders
    from period, kpi_filtered_windows(array[period.starts_at, period.compare_starts_at],
                                      array[period.ends_at, period.compare_ends_at],
                                      :as_of::timestamptz,
                                      :'channel', :'device', :'country', :'region', :'customer', :'coupon') as k
),

-- One path or the other: the guard is a constant when the report runs (psql's variables, or the
-- runner's bound values with custom plans), so the planner drops the path not taken before
-- planning it (each fenced, offset 0, as in revenue_summary.sql).
windows as (
    select side, orders, gross_sales, discounts, returns, sessions, converted_sessions, first_time_orders
    from (
        select 'all_orders' as path, * from (select * from all_orders_windows offset 0) as all_orders
        union all
        select 'filtered', * from (select * from filtered_windows offset 0) as filtered
    ) as paths
    where paths.path = case when :'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
                            then 'all_orders' else 'filtered' end
),

this as (
    select * from windows where side = 'this'
),

earlier as (
    select * from windows where side = 'earlier'
),

-- why the conversion rate is null with a filter sessions do not have (null without one)
conversion_note as (
    select case
        when :'country' || :'region' || :'customer' || :'coupon' <> ''
        then 'no conversion rate by '
             || concat_ws(', ', case when :'country' <> '' then 'country' end, case when :'region' <> '' then 'region' end,
                          case when :'customer' <> '' then 'customer' end, case when :'coupon' <> '' then 'coupon' end)
             || ': a session has only a channel and a device'
        when :'channel' = 'unknown'
        then 'no conversion rate for channel unknown: no session has it (orders without a session or page views)'
    end as note
),

-- one row per measure and window: its numerator and denominator
parts as (
    select 'this' as side, measures.*
    from this, lateral (values
        (1, 'net_sales',             'GBP',    this.gross_sales - this.discounts - this.returns, null::numeric),
        (2, 'orders',                'orders', this.orders::numeric,                            null),
        (3, 'average_order_value',   'GBP',    this.gross_sales - this.discounts - this.returns, this.orders),
        (4, 'conversion_rate',       '%',      this.converted_sessions,                         this.sessions),
        (5, 'returns_rate',          '%',      this.returns,                                    this.gross_sales - this.discounts),
        (6, 'new_customer_share',    '%',      this.first_time_orders,                          this.orders),
        (7, 'repeat_customer_share', '%',      this.orders - this.first_time_orders,            this.orders)
    ) as measures (sort, measure, unit, numerator, denominator)
    union all
    select 'earlier', measures.*
    from earlier, lateral (values
        (1, 'net_sales',             'GBP',    earlier.gross_sales - earlier.discounts - earlier.returns, null::numeric),
        (2, 'orders',                'orders', earlier.orders::numeric,                            null),
        (3, 'average_order_value',   'GBP',    earlier.gross_sales - earlier.discounts - earlier.returns, earlier.orders),
        (4, 'conversion_rate',       '%',      earlier.converted_sessions,                         earlier.sessions),
        (5, 'returns_rate',          '%',      earlier.returns,                                    earlier.gross_sales - earlier.discounts),
        (6, 'new_customer_share',    '%',      earlier.first_time_orders,                          earlier.orders),
        (7, 'repeat_customer_share', '%',      earlier.orders - earlier.first_time_orders,         earlier.orders)
    ) as measures (sort, measure, unit, numerator, denominator)
),

-- a ratio in its unit, unrounded: % times 100; null without a base
valued as (
    select
        side, sort, measure, unit, numerator, denominator,
        case when unit = '%' then 100.0 * numerator / nullif(denominator, 0)
             when denominator is null then numerator
             else numerator / nullif(denominator, 0)
        end as exact_value
    from parts
),

final as (
    select
        this.sort,
        this.measure,
        this.unit,
        round(this.exact_value, case this.measure when 'orders' then 0 when 'conversion_rate' then 2
                                                  when 'net_sales' then 2 when 'average_order_value' then 2 else 1 end)
                                                                              as value,
        round(earlier.exact_value, case this.measure when 'orders' then 0 when 'conversion_rate' then 2
                                                     when 'net_sales' then 2 when 'average_order_value' then 2 else 1 end)
                                                                              as compare_value,
        case when this.unit = '%' then round(this.exact_value - earlier.exact_value, 2)
             else round(100.0 * (this.exact_value - earlier.exact_value) / nullif(abs(earlier.exact_value), 0), 1)
        end                                                                   as change,
        case when this.unit = '%' then 'pt' else '%' end                      as change_unit,
        this.numerator::numeric(16, 2)                                        as numerator,
        this.denominator::numeric(16, 2)                                      as denominator,
        earlier.numerator::numeric(16, 2)                                     as compare_numerator,
        earlier.denominator::numeric(16, 2)                                   as compare_denominator
    from valued this
    join valued earlier on earlier.measure = this.measure and earlier.side = 'earlier'
    where this.side = 'this'
)

select final.measure, final.unit, final.value, final.compare_value, final.change, final.change_unit,
       final.numerator, final.denominator, final.compare_numerator, final.compare_denominator,
       period.starts_at, period.ends_at, period.compare_starts_at, period.compare_ends_at,
       case when final.measure = 'conversion_rate' then conversion_note.note end as note
from final, period, conversion_note
order by final.sort;
