-- Revenue summary: the KPI tiles of the dashboard, each period against the same span before it.
--
-- question: What did today, the last 7 days, the month and the year so far sell, and how does each compare with the same span before it?
-- grain:    one row per period: today, last_7_days, month_to_date, year_to_date
-- audience: aggregate
-- param:    channel  | text    |       | direct, search, social, email, referral, unknown | filter: orders whose session came from this channel (the referrer of its first page view; unknown: no session or no page views)
-- param:    device   | text    |       | desktop, mobile, tablet, unknown | filter: orders whose session's first page view was on this device
-- param:    country  | text    |       | any     | filter: orders shipped to this country (ISO code, e.g. GB; unknown: no shipping address)
-- param:    region   | text    |       | any     | filter: orders shipped to this region (the address's state or county, e.g. Greater London)
-- param:    customer | text    |       | new, returning | filter: new (the customer's first order) or returning customers' orders
-- param:    coupon   | text    |       | yes, no | filter: orders with or without a coupon (an order discount)
-- column:   period               | text   | today, last_7_days, month_to_date or year_to_date
-- column:   starts_at            | time   | the window's first moment: the start of a shop day
-- column:   ends_at              | time   | its last moment: as_of (both ends count)
-- column:   orders               | orders | orders placed in the window, whatever their status now
-- column:   gross_sales          | GBP    | unit price x quantity of their lines (no VAT)
-- column:   discounts            | GBP    | their line discounts and coupon discounts
-- column:   returns              | GBP    | net sales of the orders cancelled or refunded in the window, whenever placed
-- column:   net_sales            | GBP    | gross_sales - discounts - returns
-- column:   shipping             | GBP    | shipping charged on the orders placed, less that of the orders returned
-- column:   taxes                | GBP    | VAT charged on the orders placed, less that of the orders returned
-- column:   total_sales          | GBP    | net_sales + shipping + taxes
-- column:   average_order_value  | GBP    | net_sales / orders, 2 decimals; null without orders
-- column:   compare_starts_at    | time   | the like-for-like window's first moment
-- column:   compare_ends_at      | time   | its last moment
-- column:   compare_orders       | orders | orders placed in the like-for-like window
-- column:   compare_net_sales    | GBP    | net sales of the like-for-like window
-- column:   net_sales_growth_pct | %      | net_sales against compare_net_sales, one decimal; null when compare_net_sales is 0
--
-- The measures are the sales model's (docs/reports.md#the-sales-model; R__22_sales_model.sql).
-- Windows, each from the start of a shop day (Europe/London) to as_of, both ends included:
--   today          as_of's day;            compared with the same weekday a week before, to the same time
--   last_7_days    as_of's day and the 6 before; compared with the 7 days before them, to the same time
--   month_to_date  from the 1st of as_of's month; compared with the previous month from its 1st to the
--                  same day of the month and time, or to its end when it has no such day (29-31 March
--                  compare with the whole of February)
--   year_to_date   from 1 January; compared with the previous year from 1 January to the same day and
--                  time, or to the end of 28 February for 29 February
-- A clipped window ends at the last microsecond of its day. Growth divides by the base's size
-- (its absolute value), so a negative base still reads as more or less than before.
--
-- Filters (docs/filters.md): the orders of a channel, device, country or region, of new or
-- returning customers, with or without a coupon, all of them applying together ('' or left out:
-- no filter). Their values are the view order_facets' (R__44_order_facets.sql).
-- psql: psql -v as_of="'2026-06-30 12:00'" -v device=mobile -v customer=new -f revenue_summary.sql
--
-- Without a filter it calls sales_window_sums() (R__63_sales_window_sums.sql), which reads the
-- rollups of the order_days family (rollups.sales_days, sales_hours, return_days, return_hours;
-- kept current by triggers, see R__31_rollup_order_days.sql) for whole days and hours, and the last
-- hour up to each window end from its hour rollup less what came after the end (hour_sales_to(),
-- hour_returns_to(): no raw row for "now", at most half an hour's for a moment in the past): exact,
-- and a few hundred rows instead of two years of orders. (A function, so that its plan is made once
-- per connection: planned with the report at every run, it cost more than it read.)
-- With a filter it calls order_facet_window_sums() (R__48_order_facet_sums.sql), which reads
-- rollups.order_facet_days (the order_facets family) for the whole days no write has touched
-- since they were computed, in the cut that keeps the filters' dimensions together, the other
-- days (each window's last day, as_of's among them) by the hour (rollups.order_facet_hours for
-- the hours folded and untouched since), and the raw rows (order_facet_events) of the hours
-- written since the last fold and of each window's last, unfinished hour. A combination no cut keeps (region with two dimensions of
-- different cuts) reads every day from the raw rows: exact, slower. The two paths meet in
-- `sums`, which takes one of them. The full-scan version is reference/revenue_summary.sql,
-- with the same filters.

\if :{?as_of} \else \set as_of 'now()' \endif
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
        date_trunc('day', :as_of::timestamptz)       as day_start,
        date_trunc('month', :as_of::timestamptz)     as month_start,
        date_trunc('year', :as_of::timestamptz)      as year_start
),

-- as_of a month and a year before: the same day of the month and time, or, where that day does
-- not exist (PostgreSQL then lands on the month's last day), the end of that last day
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

periods as (
    select period.*
    from params, a_period_before, lateral (values
        (1, 'today',         params.day_start,                     params.day_start - interval '7 days',
                             params.as_of - interval '7 days'),
        (2, 'last_7_days',   params.day_start - interval '6 days', params.day_start - interval '13 days',
                             params.as_of - interval '7 days'),
        (3, 'month_to_date', params.month_start,                   params.month_start - interval '1 month',
                             a_period_before.month_before),
        (4, 'year_to_date',  params.year_start,                    params.year_start - interval '1 year',
                             a_period_before.year_before)
    ) as period (sort, period, starts_at, compare_starts_at, compare_ends_at)
),

-- each period's window and its like-for-like window
windows as (
    select periods.period, 'current' as side, periods.starts_at, params.as_of as ends_at
    from periods, params
    union all
    select periods.period, 'compare', periods.compare_starts_at, periods.compare_ends_at
    from periods
),

-- the windows numbered as both paths below take them
numbered_windows as (
    select windows.*, row_number() over (order by period, side) as window_no from windows
),

-- without a filter: every order, from the order_days rollups (sales_window_sums(),
-- R__63_sales_window_sums.sql): each window's whole days from the day rollups, the whole hours of
-- its last day from the hour rollups, and its last hour up to its end from that hour's rollup less
-- the raw rows after the end (none for "now"; at most half an hour's for a moment in the past)
all_orders_sums as (
    select sums.window_no, sums.orders, sums.gross_sales, sums.discounts, sums.returns, sums.shipping, sums.taxes
    from sales_window_sums(array(select starts_at from numbered_windows order by window_no),
                           array(select ends_at from numbered_windows order by window_no)) as sums
),

-- with a filter: the orders it names, and the returns of those orders (order_facet_window_sums(),
-- R__48_order_facet_sums.sql: the order_facets rollup)
filtered_sums as (
    select sums.window_no, sums.orders, sums.gross_sales, sums.discounts, sums.returns, sums.shipping, sums.taxes
    from order_facet_window_sums(array(select starts_at from numbered_windows order by window_no),
                                 array(select ends_at from numbered_windows order by window_no),
                                 :as_of::timestamptz,
                                 :'channel', :'device', :'country', :'region', :'customer', :'coupon') as sums
),

-- One path or the other: the guard is a constant when the report runs (psql's variables, or the
-- runner's bound values with custom plans), so the planner drops the path not taken before
-- planning it, and the path without filters costs what it cost alone.
sums as (
    select window_no, orders, gross_sales, discounts, returns, shipping, taxes
    from (
        -- (each path fenced, offset 0, so that the path not taken is dropped whole: unfenced, the
        -- planner would pull it up into this query and plan it)
        select 'all_orders' as path, * from (select * from all_orders_sums offset 0) as all_orders
        union all
        select 'filtered', * from (select * from filtered_sums offset 0) as filtered
    ) as paths
    where paths.path = case when :'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
                            then 'all_orders' else 'filtered' end
),

-- each window's measures, from the path taken
measures as (
    select
        windows.period,
        windows.side,
        windows.starts_at,
        windows.ends_at,
        sums.orders,
        sums.gross_sales,
        sums.discounts,
        sums.returns,
        sums.gross_sales - sums.discounts - sums.returns          as net_sales,
        sums.shipping,
        sums.taxes
    from numbered_windows as windows
    join sums using (window_no)
),

final as (
    select
        periods.sort,
        this.period,
        this.starts_at,
        this.ends_at,
        this.orders,
        this.gross_sales::numeric(16, 2)                                         as gross_sales,
        this.discounts::numeric(16, 2)                                           as discounts,
        this.returns::numeric(16, 2)                                             as returns,
        this.net_sales::numeric(16, 2)                                           as net_sales,
        this.shipping::numeric(16, 2)                                            as shipping,
        this.taxes::numeric(16, 2)                                               as taxes,
        (this.net_sales + this.shipping + this.taxes)::numeric(16, 2)            as total_sales,
        round(this.net_sales / nullif(this.orders, 0), 2)                        as average_order_value,
        earlier.starts_at                                                        as compare_starts_at,
        earlier.ends_at                                                          as compare_ends_at,
        earlier.orders                                                           as compare_orders,
        earlier.net_sales::numeric(16, 2)                                        as compare_net_sales,
        round(100.0 * (this.net_sales - earlier.net_sales) / nullif(abs(earlier.net_sales), 0), 1)
                                                                                 as net_sales_growth_pct
    from periods
    join measures this on this.period = periods.period and this.side = 'current'
    join measures earlier on earlier.period = periods.period and earlier.side = 'compare'
)

select period, starts_at, ends_at, orders, gross_sales, discounts, returns, net_sales, shipping, taxes,
       total_sales, average_order_value, compare_starts_at, compare_ends_at, compare_orders, compare_net_sales,
       net_sales_growth_pct
from final
order by sort;
