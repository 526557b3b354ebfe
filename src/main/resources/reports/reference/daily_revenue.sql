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
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -f daily_revenue.sql
--
-- Reference version: reads the raw tables in full, through the sales model's views. The report
-- proper (../daily_revenue.sql) reads the rollups; `shopflow verify` and the tests check that both
-- answer the same, row for row.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?channel} \else \set channel '' \endif
\if :{?device} \else \set device '' \endif
\if :{?country} \else \set country '' \endif
\if :{?region} \else \set region '' \endif
\if :{?customer} \else \set customer '' \endif
\if :{?coupon} \else \set coupon '' \endif
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

-- orders placed and returns made each day, as the sales model values them (R__22_sales_model.sql)
placed as (
    select
        order_sales.created_at::date       as day,
        count(*)                           as orders,
        sum(order_sales.gross_sales)       as gross_sales,
        sum(order_sales.discounts)         as discounts,
        sum(order_sales.shipping)          as shipping,
        sum(order_sales.taxes)             as taxes
    from order_sales, params
    where order_sales.created_at >= params.first_day::timestamptz
      and order_sales.created_at <= params.as_of
      -- the filters (docs/filters.md): the order's dimensions (the view order_facets)
      and ((:'channel' = '' and :'device' = '' and :'country' = '' and :'region' = '' and :'customer' = '' and :'coupon' = '')
           or order_in_filters(order_sales.order_id, :'channel', :'device', :'country', :'region', :'customer', :'coupon'))
    group by 1
),

returned as (
    select
        order_returns.returned_at::date    as day,
        sum(order_returns.net_sales)       as returns,
        sum(order_returns.shipping)        as shipping,
        sum(order_returns.taxes)           as taxes
    -- (the moments as subqueries, not a join with params: a Citus coordinator cannot join the
    -- union order_returns is with a CTE)
    from order_returns
    where order_returns.returned_at >= (select first_day::timestamptz from params)
      and order_returns.returned_at <= (select as_of from params)
      -- the filters (docs/filters.md): the order's dimensions (the view order_facets)
      and ((:'channel' = '' and :'device' = '' and :'country' = '' and :'region' = '' and :'customer' = '' and :'coupon' = '')
           or order_in_filters(order_returns.order_id, :'channel', :'device', :'country', :'region', :'customer', :'coupon'))
    group by 1
),

final as (
    select
        day_spine.day,
        coalesce(placed.orders, 0)                                                  as orders,
        coalesce(placed.gross_sales, 0)::numeric(16, 2)                             as gross_sales,
        coalesce(placed.discounts, 0)::numeric(16, 2)                               as discounts,
        coalesce(returned.returns, 0)::numeric(16, 2)                               as returns,
        (coalesce(placed.gross_sales, 0) - coalesce(placed.discounts, 0)
            - coalesce(returned.returns, 0))::numeric(16, 2)                        as net_sales,
        (coalesce(placed.shipping, 0) - coalesce(returned.shipping, 0))::numeric(16, 2)  as shipping,
        (coalesce(placed.taxes, 0) - coalesce(returned.taxes, 0))::numeric(16, 2)   as taxes,
        (coalesce(placed.gross_sales, 0) - coalesce(placed.discounts, 0) - coalesce(returned.returns, 0)
            + coalesce(placed.shipping, 0) - coalesce(returned.shipping, 0)
            + coalesce(placed.taxes, 0) - coalesce(returned.taxes, 0))::numeric(16, 2)  as total_sales,
        round((coalesce(placed.gross_sales, 0) - coalesce(placed.discounts, 0) - coalesce(returned.returns, 0))
              / nullif(placed.orders, 0), 2)                                        as average_order_value,
        day_spine.day < params.as_of::date                                          as complete
    from day_spine
    cross join params
    left join placed using (day)
    left join returned using (day)
)

select * from final
order by day;
