-- Revenue summary, filtered: the KPI tiles for the orders of a channel, device, region, kind of customer or coupon use.
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
-- The measures are the sales model's (docs/reports.md#the-sales-model), windows as in
-- ../revenue_summary.sql; the filters are docs/filters.md's (the view order_facets, R__44_order_facets.sql),
-- all of them applying together. This is the path a call with a filter takes; without one the
-- report runs ../revenue_summary.sql.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v device=mobile -v customer=new -f revenue_summary.sql
--
-- Reads rollups.order_facet_days (the order_facets family) for the whole days no write has touched
-- since they were computed, in the cut that keeps the filters' dimensions together, and for each
-- window's last day its whole hours (rollups.order_facet_hours) and the raw rows of its last hour;
-- the raw rows (order_facet_events) of as_of's day and of the days written since the last fold. A combination no cut keeps (region with two dimensions of
-- different cuts) reads every day from the raw rows: exact, slower. The full-scan version is
-- reference/revenue_summary.sql, with the same filters.

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

-- the cut of the rollup that keeps every filtered dimension (0: none does, every day is read raw)
choice as (
    -- (on a Citus cluster the rollup is not kept: every day raw)
    select case when rollups_kept_by_job() then 0
                when :'region' = '' then 1
                when :'channel' = '' and :'device' = '' then 2
                when :'customer' = '' and :'coupon' = '' then 3
                else 0
           end::smallint as cut
),

span as (
    select shop_day(min(starts_at)) as first_day, shop_day((select as_of from params)) as last_day
    from windows
),

-- the days read from the raw rows: written since they were computed (marked, or dirty), as_of's
-- own day (read up to as_of), and every day when no cut answers
raw_days as (
    select day from rollups.order_facet_marks, span where day between span.first_day and span.last_day
    union
    select day from rollups.order_facet_dirty_days, span where day between span.first_day and span.last_day
    union
    select last_day from span
    union
    select generate_series(span.first_day, span.last_day, interval '1 day')::date
    from span, choice
    where choice.cut = 0
),

-- the window ends on a day read from the rollup: their whole hours from its hour rows, then the
-- raw rows of their last hour up to the end (a week, a month and a year before as_of)
clean_ends as (
    select distinct ends_at, shop_day(ends_at) as end_day, shop_hour(ends_at) as end_hour
    from windows
    where shop_day(ends_at) not in (select day from raw_days)
),

end_hours as (
    select clean_ends.ends_at, hours.*
    from clean_ends
    -- each end's hours through the key (cut, hour): joined by the hour alone, the planner hashed
    -- every hour row of the cut
    cross join lateral (
        select sum(h.orders) as orders, sum(h.gross_sales) as gross_sales,
               sum(h.discounts) as discounts, sum(h.shipping) as shipping, sum(h.taxes) as taxes,
               sum(h.returns) as returns, sum(h.returned_shipping) as returned_shipping,
               sum(h.returned_taxes) as returned_taxes
        from rollups.order_facet_hours h
        where h.cut = (select cut from choice)
          and h.hour >= clean_ends.end_day::timestamptz and h.hour < clean_ends.end_hour
          and (:'channel' = '' or h.channel = :'channel')
          and (:'device' = '' or h.device = :'device')
          and (:'country' = '' or h.country = :'country')
          and (:'region' = '' or h.region = :'region')
          and (:'customer' = '' or h.customer = :'customer')
          and (:'coupon' = '' or h.coupon = :'coupon')
    ) as hours
),

end_hour_events as (
    select clean_ends.ends_at, sum(e.orders) as orders, sum(e.gross_sales) as gross_sales,
           sum(e.discounts) as discounts, sum(e.shipping) as shipping, sum(e.taxes) as taxes,
           sum(e.returns) as returns, sum(e.returned_shipping) as returned_shipping,
           sum(e.returned_taxes) as returned_taxes
    from clean_ends
    cross join lateral (
        select *
        from order_facet_events e
        where e.at >= clean_ends.end_hour and e.at <= clean_ends.ends_at
          and (:'channel' = '' or e.channel = :'channel')
          and (:'device' = '' or e.device = :'device')
          and (:'country' = '' or e.country = :'country')
          and (:'region' = '' or e.region = :'region')
          and (:'customer' = '' or e.customer = :'customer')
          and (:'coupon' = '' or e.coupon = :'coupon')
        offset 0
    ) as e
    group by clean_ends.ends_at
),

-- the other days from the rollup, summed per day over the filtered combinations (once: every
-- window sums its days)
rollup_days as materialized (
    select f.day, sum(f.orders) as orders, sum(f.gross_sales) as gross_sales, sum(f.discounts) as discounts,
           sum(f.shipping) as shipping, sum(f.taxes) as taxes, sum(f.returns) as returns,
           sum(f.returned_shipping) as returned_shipping, sum(f.returned_taxes) as returned_taxes
    from rollups.order_facet_days f, choice, span
    where f.cut = choice.cut
      and f.day between span.first_day and span.last_day
      and f.day not in (select day from raw_days)
      and (:'channel' = '' or f.channel = :'channel')
      and (:'device' = '' or f.device = :'device')
      and (:'country' = '' or f.country = :'country')
      and (:'region' = '' or f.region = :'region')
      and (:'customer' = '' or f.customer = :'customer')
      and (:'coupon' = '' or f.coupon = :'coupon')
    group by f.day
),

-- the raw days' events up to as_of, each with its moment (once: every window sums its part)
raw_events as materialized (
    select e.*
    from raw_days
    -- one day at a time, through the indexes on the orders' and returns' moments (joined by the
    -- moment alone, the planner valued every order of the shop first)
    cross join lateral (
        select *
        from order_facet_events e
        where e.at >= raw_days.day::timestamptz and e.at < (raw_days.day + 1)::timestamptz
          and e.at <= :as_of::timestamptz
          and (:'channel' = '' or e.channel = :'channel')
          and (:'device' = '' or e.device = :'device')
          and (:'country' = '' or e.country = :'country')
          and (:'region' = '' or e.region = :'region')
          and (:'customer' = '' or e.customer = :'customer')
          and (:'coupon' = '' or e.coupon = :'coupon')
        offset 0
    ) as e
),

measures as (
    select
        windows.period,
        windows.side,
        windows.starts_at,
        windows.ends_at,
        parts.orders,
        parts.gross_sales,
        parts.discounts,
        parts.returns,
        parts.shipping - parts.returned_shipping                                            as shipping,
        parts.taxes - parts.returned_taxes                                                  as taxes
    from windows
    left join end_hours using (ends_at)
    left join end_hour_events using (ends_at)
    cross join lateral (
        select sum(orders) as orders, sum(gross_sales) as gross_sales, sum(discounts) as discounts,
               sum(shipping) as shipping, sum(taxes) as taxes, sum(returns) as returns,
               sum(returned_shipping) as returned_shipping, sum(returned_taxes) as returned_taxes
        from rollup_days
        where rollup_days.day >= shop_day(windows.starts_at) and rollup_days.day < shop_day(windows.ends_at)
    ) as whole_days
    cross join lateral (
        select sum(orders) as orders, sum(gross_sales) as gross_sales, sum(discounts) as discounts,
               sum(shipping) as shipping, sum(taxes) as taxes, sum(returns) as returns,
               sum(returned_shipping) as returned_shipping, sum(returned_taxes) as returned_taxes
        from raw_events
        where raw_events.at between windows.starts_at and windows.ends_at
    ) as raw
    -- whole days, raw days, and the whole hours and last hour of a last day read from the rollup
    cross join lateral (
        select
            coalesce(whole_days.orders, 0) + coalesce(raw.orders, 0) + coalesce(end_hours.orders, 0)
                + coalesce(end_hour_events.orders, 0) as orders,
            coalesce(whole_days.gross_sales, 0) + coalesce(raw.gross_sales, 0) + coalesce(end_hours.gross_sales, 0)
                + coalesce(end_hour_events.gross_sales, 0) as gross_sales,
            coalesce(whole_days.discounts, 0) + coalesce(raw.discounts, 0) + coalesce(end_hours.discounts, 0)
                + coalesce(end_hour_events.discounts, 0) as discounts,
            coalesce(whole_days.returns, 0) + coalesce(raw.returns, 0) + coalesce(end_hours.returns, 0)
                + coalesce(end_hour_events.returns, 0) as returns,
            coalesce(whole_days.shipping, 0) + coalesce(raw.shipping, 0) + coalesce(end_hours.shipping, 0)
                + coalesce(end_hour_events.shipping, 0) as shipping,
            coalesce(whole_days.returned_shipping, 0) + coalesce(raw.returned_shipping, 0)
                + coalesce(end_hours.returned_shipping, 0) + coalesce(end_hour_events.returned_shipping, 0)
                as returned_shipping,
            coalesce(whole_days.taxes, 0) + coalesce(raw.taxes, 0) + coalesce(end_hours.taxes, 0)
                + coalesce(end_hour_events.taxes, 0) as taxes,
            coalesce(whole_days.returned_taxes, 0) + coalesce(raw.returned_taxes, 0)
                + coalesce(end_hours.returned_taxes, 0) + coalesce(end_hour_events.returned_taxes, 0)
                as returned_taxes
    ) as parts
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
        (this.gross_sales - this.discounts - this.returns)::numeric(16, 2)      as net_sales,
        this.shipping::numeric(16, 2)                                            as shipping,
        this.taxes::numeric(16, 2)                                               as taxes,
        (this.gross_sales - this.discounts - this.returns + this.shipping + this.taxes)::numeric(16, 2)
                                                                                 as total_sales,
        round((this.gross_sales - this.discounts - this.returns) / nullif(this.orders, 0), 2)
                                                                                 as average_order_value,
        earlier.starts_at                                                        as compare_starts_at,
        earlier.ends_at                                                          as compare_ends_at,
        earlier.orders                                                           as compare_orders,
        (earlier.gross_sales - earlier.discounts - earlier.returns)::numeric(16, 2) as compare_net_sales,
        round(100.0 * ((this.gross_sales - this.discounts - this.returns)
                       - (earlier.gross_sales - earlier.discounts - earlier.returns))
              / nullif(abs(earlier.gross_sales - earlier.discounts - earlier.returns), 0), 1)
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
