-- KPI tiles, the reference: every window counted from the raw rows (orders and their lines through
-- order_sales, returns through order_returns, sessions through page_views, cart_events and orders).
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
-- Filters (docs/filters.md), as the report takes them: the orders whose dimensions (the view
-- order_facets) the filters name, checked one by one by order_in_filters(); the sessions whose
-- landing has the channel and device named, by session_in_filters(); no sessions (null) with a
-- filter sessions do not have (country, region, customer, coupon), the conversion rate's note
-- saying why.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v period=month_to_date -v device=mobile -f reference/kpi_tiles.sql

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

windows as (
    select 'this' as side, starts_at, ends_at from period
    union all
    select 'earlier', compare_starts_at, compare_ends_at from period
),

-- The raw rows each measure counts, read once (materialized: a Citus coordinator then joins
-- them itself, where it refuses a subquery per window over distributed tables)
-- each customer's first order (the earliest placed, then the lowest id); those the filters name are
-- counted below (order_in_filters(), checked for the window's first orders only)
first_orders as materialized (
    select distinct on (customer_id) order_id, created_at as first_order_at
    from orders
    order by customer_id, created_at, order_id
),

-- the orders placed and the returns made from the earliest window's start to as_of, those the
-- filters name (order_in_filters(), checked for these rows only); the moments as subqueries, not
-- a join with windows: a Citus coordinator cannot join the union order_returns is with a CTE
placed as materialized (
    select created_at, gross_sales - discounts as sales
    from order_sales
    where order_sales.created_at >= (select min(starts_at) from windows)
      and order_sales.created_at <= (select max(ends_at) from windows)
      and ((:'channel' = '' and :'device' = '' and :'country' = '' and :'region' = '' and :'customer' = '' and :'coupon' = '')
           or order_in_filters(order_sales.order_id, :'channel', :'device', :'country', :'region', :'customer', :'coupon'))
),

returned as materialized (
    select returned_at, net_sales
    from order_returns
    where order_returns.returned_at >= (select min(starts_at) from windows)
      and order_returns.returned_at <= (select max(ends_at) from windows)
      and ((:'channel' = '' and :'device' = '' and :'country' = '' and :'region' = '' and :'customer' = '' and :'coupon' = '')
           or order_in_filters(order_returns.order_id, :'channel', :'device', :'country', :'region', :'customer', :'coupon'))
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

-- whether the sessions are counted: not with a filter sessions do not have (their counts are then
-- null); with channel or device, those whose landing has them (session_in_filters(), checked for
-- the window's sessions only, below)
sessions_measured as (
    select :'country' = '' and :'region' = '' and :'customer' = '' and :'coupon' = '' as measured
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
        case when sessions_measured.measured then
        (select count(*) from session_starts
         where first_seen_at between windows.starts_at and windows.ends_at
           and ((:'channel' = '' and :'device' = '')
                or session_in_filters(session_starts.session_id, :'channel', :'device'))) end as sessions,
        -- reached the order stage by the window's end: a product view, an add to cart, a checkout
        -- started (a /checkout view or a begin_checkout event) and an order, each by then
        case when sessions_measured.measured then
        (select count(*) from session_starts
         where first_seen_at between windows.starts_at and windows.ends_at
           and product_view_at <= windows.ends_at
           and add_at <= windows.ends_at
           and least(checkout_page_at, begin_checkout_at) <= windows.ends_at
           and order_at <= windows.ends_at
           and ((:'channel' = '' and :'device' = '')
                or session_in_filters(session_starts.session_id, :'channel', :'device'))) end as converted_sessions,
        (select count(*) from first_orders
         where first_order_at between windows.starts_at and windows.ends_at
           -- the filters (docs/filters.md): the order's dimensions (the view order_facets)
           and ((:'channel' = '' and :'device' = '' and :'country' = '' and :'region' = '' and :'customer' = ''
                 and :'coupon' = '')
                or order_in_filters(first_orders.order_id, :'channel', :'device', :'country', :'region', :'customer',
                                    :'coupon')))                                      as first_time_orders
    from windows, sessions_measured
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

parts as (
    select measured.side, measures.*
    from measured, lateral (values
        (1, 'net_sales',             'GBP',    measured.sales - measured.returns,       null::numeric),
        (2, 'orders',                'orders', measured.orders::numeric,                null),
        (3, 'average_order_value',   'GBP',    measured.sales - measured.returns,       measured.orders),
        (4, 'conversion_rate',       '%',      measured.converted_sessions,             measured.sessions),
        (5, 'returns_rate',          '%',      measured.returns,                        measured.sales),
        (6, 'new_customer_share',    '%',      measured.first_time_orders,              measured.orders),
        (7, 'repeat_customer_share', '%',      measured.orders - measured.first_time_orders, measured.orders)
    ) as measures (sort, measure, unit, numerator, denominator)
),

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
