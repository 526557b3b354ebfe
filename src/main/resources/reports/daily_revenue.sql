-- Daily revenue: the dashboard's sales chart, one shop day at a time.
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
-- The measures are the sales model's (docs/reports.md#the-sales-model; R__22_sales_model.sql).
-- The brief's version aliased daily_orders as "do", a reserved word: it does not run.
--
-- Filters (docs/filters.md): the orders of a channel, device, country or region, of new or
-- returning customers, with or without a coupon, all of them applying together ('' or left out:
-- no filter). Their values are the view order_facets' (R__44_order_facets.sql).
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -v channel=search -f daily_revenue.sql
--
-- Without a filter it reads the rollups of the order_days family (rollups.sales_days, sales_hours,
-- return_days, return_hours; see R__31_rollup_order_days.sql) for the whole days and hours, and
-- as_of's hour up to as_of from its hour rollup less the raw rows after as_of (hour_sales_to(),
-- hour_returns_to(): none for "now"; for a moment in the past, the fewer of the hour's raw rows
-- before and after it). With a filter it reads, through order_facet_day_sums()
-- (R__48_order_facet_sums.sql), rollups.order_facet_days (the order_facets family) for the
-- whole days no write has touched since they were computed, in the cut that keeps the filters'
-- dimensions together; as_of's day and the days written since the last fold by the hour
-- (rollups.order_facet_hours for the hours folded and untouched since), and the raw rows
-- (order_facet_events) of the hours written since and of as_of's hour up to as_of. A combination
-- no cut keeps reads every day raw.
-- The two paths meet in `days`, guarded by whether a filter is given. The full-scan version is
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
        (:as_of::timestamptz)::date - (:days::int - 1)        as first_day,
        (:as_of::timestamptz)::date                           as last_day
),

day_spine as (
    select generate_series(params.first_day, params.last_day, interval '1 day')::date as day
    from params
),


-- the days before as_of's from the day rollups; as_of's own day from its whole hours before as_of's
-- hour (hour rollups) and that hour up to as_of (hour_sales_to(), hour_returns_to(): the hour's
-- rollup less the raw rows after as_of, none for "now", or the raw rows up to it: half an hour at most)
placed as (
    select day, sum(orders) as orders, sum(gross_sales) as gross_sales, sum(discounts) as discounts,
           sum(shipping) as shipping, sum(taxes) as taxes
    from (
        select sales_days.day, sales_days.orders, sales_days.gross_sales, sales_days.discounts,
               sales_days.shipping, sales_days.taxes
        from rollups.sales_days, params
        where sales_days.day >= params.first_day
          and sales_days.day < params.as_of::date
        union all
        select params.as_of::date, sales_hours.orders, sales_hours.gross_sales, sales_hours.discounts,
               sales_hours.shipping, sales_hours.taxes
        from rollups.sales_hours, params
        where sales_hours.hour >= date_trunc('day', params.as_of)
          and sales_hours.hour < date_trunc('hour', params.as_of)
        union all
        select params.as_of::date, hour.orders, hour.gross_sales, hour.discounts, hour.shipping, hour.taxes
        from params, hour_sales_to(date_trunc('hour', params.as_of), params.as_of) as hour
    ) as parts
    group by day
),

returned as (
    select day, sum(returns) as returns, sum(shipping) as shipping, sum(taxes) as taxes
    from (
        select return_days.day, return_days.returns, return_days.shipping, return_days.taxes
        from rollups.return_days, params
        where return_days.day >= params.first_day
          and return_days.day < params.as_of::date
        union all
        select params.as_of::date, return_hours.returns, return_hours.shipping, return_hours.taxes
        from rollups.return_hours, params
        where return_hours.hour >= date_trunc('day', params.as_of)
          and return_hours.hour < date_trunc('hour', params.as_of)
        union all
        select params.as_of::date, hour.returns, hour.shipping, hour.taxes
        from params, hour_returns_to(date_trunc('hour', params.as_of), params.as_of) as hour
    ) as parts
    group by day
),

-- without a filter: every order's days
all_orders_days as (
    select
        day_spine.day, placed.orders, placed.gross_sales, placed.discounts, placed.shipping, placed.taxes,
        returned.returns, returned.shipping as returned_shipping, returned.taxes as returned_taxes
    from day_spine
    left join placed using (day)
    left join returned using (day)
),


-- with a filter: the days of the orders it names, from the order_facets rollup's clean days and
-- its hours and the raw rows of the others (order_facet_day_sums(), R__48_order_facet_sums.sql)
filtered_days as (
    select sums.day, sums.orders, sums.gross_sales, sums.discounts, sums.shipping, sums.taxes, sums.returns,
           sums.returned_shipping, sums.returned_taxes
    from params,
         order_facet_day_sums(params.first_day, params.last_day, params.as_of,
                              :'channel', :'device', :'country', :'region', :'customer', :'coupon') as sums
),

-- One path or the other: the guard is a constant when the report runs (psql's variables, or the
-- runner's bound values with custom plans), so the planner drops the path not taken before
-- planning it, and the path without filters costs what it cost alone.
days as (
    select day, orders, gross_sales, discounts, shipping, taxes, returns, returned_shipping, returned_taxes
    from (
        -- (each path fenced, offset 0, so that the path not taken is dropped whole: unfenced, the
        -- planner would pull its joins up into this query and plan them)
        select 'all_orders' as path, * from (select * from all_orders_days offset 0) as all_orders
        union all
        select 'filtered', * from (select * from filtered_days offset 0) as filtered
    ) as paths
    where paths.path = case when :'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
                            then 'all_orders' else 'filtered' end
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