-- Daily revenue, filtered: the sales chart for the orders of a channel, device, region, kind of customer or coupon use.
--
-- question: What did each of the last N days sell, in the measures of the sales model?
-- grain:    one row per shop day, oldest first; days without sales show zero
-- audience: aggregate
-- param:    days | integer | 30 | 1..3660 | number of days, ending with as_of's day
-- param:    channel  | text    |       | direct, search, social, email, referral, unknown | filter: orders whose session came from this channel (the referrer of its first page view; unknown: no session or no page views)
-- param:    device   | text    |       | desktop, mobile, tablet, unknown | filter: orders whose session's first page view was on this device
-- param:    country  | text    |       | any     | filter: orders shipped to this country (ISO code, e.g. GB; unknown: no shipping address)
-- param:    region   | text    |       | any     | filter: orders shipped to this region (the address's state or county, e.g. Greater London)
-- param:    customer | text    |       | new, returning | filter: new (the customer's first order) or returning customers' orders
-- param:    coupon   | text    |       | yes, no | filter: orders with or without a coupon (an order discount)
-- column:   day                  | date    | the shop day (Europe/London)
-- column:   orders               | orders  | orders placed that day up to as_of, whatever their status now
-- column:   gross_sales          | GBP     | unit price x quantity of their lines (no VAT)
-- column:   discounts            | GBP     | their line discounts and coupon discounts
-- column:   returns              | GBP     | net sales of the orders cancelled or refunded that day up to as_of, whenever placed
-- column:   net_sales            | GBP     | gross_sales - discounts - returns
-- column:   shipping             | GBP     | shipping charged on the orders placed, less that of the orders returned
-- column:   taxes                | GBP     | VAT charged on the orders placed, less that of the orders returned
-- column:   total_sales          | GBP     | net_sales + shipping + taxes
-- column:   average_order_value  | GBP     | net_sales / orders, 2 decimals; null without orders
-- column:   complete             | boolean | false for as_of's own day, not over yet at as_of
--
-- The measures are the sales model's (docs/reports.md#the-sales-model); the filters are
-- docs/filters.md's (the view order_facets, R__44_order_facets.sql), all of them applying together.
-- This is the path a call with a filter takes; without one the report runs ../daily_revenue.sql.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -v channel=search -f daily_revenue.sql
--
-- Reads rollups.order_facet_days (the order_facets family) for the whole days no write has touched
-- since they were computed, in the cut that keeps the filters' dimensions together, and the raw rows
-- (order_facet_events) of the other days: as_of's day up to as_of and the days written since the
-- last fold. A combination no cut keeps reads every day raw. The full-scan version is
-- reference/daily_revenue.sql, with the same filters.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
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
        shop_day(:as_of::timestamptz) - (:days::int - 1)      as first_day,
        shop_day(:as_of::timestamptz)                         as last_day
),

day_spine as (
    select generate_series(params.first_day, params.last_day, interval '1 day')::date as day
    from params
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

-- the days read from the raw rows: written since they were computed (marked, or dirty), as_of's
-- day (up to as_of), and every day when no cut answers
raw_days as (
    select day from rollups.order_facet_marks, params where day between params.first_day and params.last_day
    union
    select day from rollups.order_facet_dirty_days, params where day between params.first_day and params.last_day
    union
    select last_day from params
    union
    select day_spine.day from day_spine, choice where choice.cut = 0
),

rollup_days as (
    select f.day, sum(f.orders) as orders, sum(f.gross_sales) as gross_sales, sum(f.discounts) as discounts,
           sum(f.shipping) as shipping, sum(f.taxes) as taxes, sum(f.returns) as returns,
           sum(f.returned_shipping) as returned_shipping, sum(f.returned_taxes) as returned_taxes
    from rollups.order_facet_days f, choice, params
    where f.cut = choice.cut
      and f.day between params.first_day and params.last_day
      and f.day not in (select day from raw_days)
      and (:'channel' = '' or f.channel = :'channel')
      and (:'device' = '' or f.device = :'device')
      and (:'country' = '' or f.country = :'country')
      and (:'region' = '' or f.region = :'region')
      and (:'customer' = '' or f.customer = :'customer')
      and (:'coupon' = '' or f.coupon = :'coupon')
    group by f.day
),

raw_rows as (
    select raw_days.day, sum(e.orders) as orders, sum(e.gross_sales) as gross_sales, sum(e.discounts) as discounts,
           sum(e.shipping) as shipping, sum(e.taxes) as taxes, sum(e.returns) as returns,
           sum(e.returned_shipping) as returned_shipping, sum(e.returned_taxes) as returned_taxes
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
    group by raw_days.day
),

days as (
    select * from rollup_days
    union all
    select * from raw_rows
),

final as (
    select
        day_spine.day,
        coalesce(days.orders, 0)                                                    as orders,
        coalesce(days.gross_sales, 0)::numeric(16, 2)                               as gross_sales,
        coalesce(days.discounts, 0)::numeric(16, 2)                                 as discounts,
        coalesce(days.returns, 0)::numeric(16, 2)                                   as returns,
        (coalesce(days.gross_sales, 0) - coalesce(days.discounts, 0)
            - coalesce(days.returns, 0))::numeric(16, 2)                            as net_sales,
        (coalesce(days.shipping, 0) - coalesce(days.returned_shipping, 0))::numeric(16, 2) as shipping,
        (coalesce(days.taxes, 0) - coalesce(days.returned_taxes, 0))::numeric(16, 2) as taxes,
        (coalesce(days.gross_sales, 0) - coalesce(days.discounts, 0) - coalesce(days.returns, 0)
            + coalesce(days.shipping, 0) - coalesce(days.returned_shipping, 0)
            + coalesce(days.taxes, 0) - coalesce(days.returned_taxes, 0))::numeric(16, 2) as total_sales,
        round((coalesce(days.gross_sales, 0) - coalesce(days.discounts, 0) - coalesce(days.returns, 0))
              / nullif(days.orders, 0), 2)                                          as average_order_value,
        day_spine.day < params.last_day                                             as complete
    from day_spine
    cross join params
    left join days using (day)
)

select * from final
order by day;
