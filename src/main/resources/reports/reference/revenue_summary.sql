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
-- psql: psql -v as_of="'2026-06-30 12:00'" -f revenue_summary.sql
--
-- Reference version: reads the raw tables in full, through the sales model's views. The report
-- proper (../revenue_summary.sql) reads the rollups; `shopflow verify` and the tests check that
-- both answer the same, row for row.

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

-- the orders placed and the returns made since the earliest window's start, as the sales model
-- values them (R__22_sales_model.sql)
sales as (
    select order_sales.*
    from order_sales, params
    where order_sales.created_at >= (select min(starts_at) from windows)
      and order_sales.created_at <= params.as_of
      -- the filters (docs/filters.md): the order's dimensions (the view order_facets)
      and ((:'channel' = '' and :'device' = '' and :'country' = '' and :'region' = '' and :'customer' = '' and :'coupon' = '')
           or order_in_filters(order_sales.order_id, :'channel', :'device', :'country', :'region', :'customer', :'coupon'))
),

sales_returns as (
    -- (as_of as a subquery, not a join with params: a Citus coordinator cannot join the union
    -- order_returns is with a CTE)
    select order_returns.*
    from order_returns
    where order_returns.returned_at >= (select min(starts_at) from windows)
      and order_returns.returned_at <= (select as_of from params)
      -- the filters (docs/filters.md): the order's dimensions (the view order_facets)
      and ((:'channel' = '' and :'device' = '' and :'country' = '' and :'region' = '' and :'customer' = '' and :'coupon' = '')
           or order_in_filters(order_returns.order_id, :'channel', :'device', :'country', :'region', :'customer', :'coupon'))
),

placed as (
    select
        windows.period,
        windows.side,
        count(sales.order_id)                  as orders,
        coalesce(sum(sales.gross_sales), 0)    as gross_sales,
        coalesce(sum(sales.discounts), 0)      as discounts,
        coalesce(sum(sales.shipping), 0)       as shipping,
        coalesce(sum(sales.taxes), 0)          as taxes
    from windows
    left join sales on sales.created_at between windows.starts_at and windows.ends_at
    group by 1, 2
),

returned as (
    select
        windows.period,
        windows.side,
        coalesce(sum(sales_returns.net_sales), 0)  as returns,
        coalesce(sum(sales_returns.shipping), 0)   as shipping,
        coalesce(sum(sales_returns.taxes), 0)      as taxes
    from windows
    left join sales_returns on sales_returns.returned_at between windows.starts_at and windows.ends_at
    group by 1, 2
),

measures as (
    select
        windows.period,
        windows.side,
        windows.starts_at,
        windows.ends_at,
        placed.orders,
        placed.gross_sales,
        placed.discounts,
        returned.returns,
        placed.gross_sales - placed.discounts - returned.returns  as net_sales,
        placed.shipping - returned.shipping                       as shipping,
        placed.taxes - returned.taxes                             as taxes
    from windows
    join placed using (period, side)
    join returned using (period, side)
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
