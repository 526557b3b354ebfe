-- Day orders, in total: what the list of day_orders.sql adds up to, for the drill's first page.
--
-- question: How many orders were placed on this shop day up to as_of, and what did they sell?
-- grain:    one row
-- audience: aggregate
-- param:    day          | date    |    | any | the shop day; required
-- param:    channel      | text    |    | direct, search, social, email, referral, unknown | filter: orders whose session came from this channel, as daily_revenue's
-- param:    device       | text    |    | desktop, mobile, tablet, unknown | filter: orders whose session's first page view was on this device
-- param:    country      | text    |    | any | filter: orders shipped to this country (ISO code; unknown: no shipping address)
-- param:    region       | text    |    | any | filter: orders shipped to this region
-- param:    customer     | text    |    | new, returning | filter: new (the customer's first order) or returning customers' orders
-- param:    coupon       | text    |    | yes, no | filter: orders with or without a coupon (an order discount)
-- column:   orders       | orders  | orders placed that day up to as_of (daily_revenue's orders of that day)
-- column:   gross_sales  | GBP     | their gross sales (daily_revenue's gross_sales of that day)
-- column:   discounts    | GBP     | their discounts (daily_revenue's discounts of that day)
-- column:   net_sales    | GBP     | gross_sales - discounts: the day's net sales before its returns
--
-- Without a filter, the day's orders from the raw rows (order_sales, by the index on their
-- moment); with one, as daily_revenue reads that day with the same filters (order_facet_day_sums(),
-- R__48_order_facet_sums.sql: the order_facets rollup's day when it is clean and before as_of's,
-- else its raw rows). The guards are constants when it runs: the planner keeps one path.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v day="'2026-06-29'" -f day_orders_total.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?day} \else \set day '' \endif
\if :{?channel} \else \set channel '' \endif
\if :{?device} \else \set device '' \endif
\if :{?country} \else \set country '' \endif
\if :{?region} \else \set region '' \endif
\if :{?customer} \else \set customer '' \endif
\if :{?coupon} \else \set coupon '' \endif

with

params as (
    select :as_of::timestamptz as as_of
),

-- without a filter: every order of the day (the bounds written out, not params': joined with params,
-- each shard of a Citus cluster valued every one of its orders before filtering them)
all_orders as (
    select count(*) as orders, sum(sales.gross_sales) as gross_sales, sum(sales.discounts) as discounts
    from order_sales sales
    where sales.created_at >= (:'day'::date)::timestamptz
      and sales.created_at < (:'day'::date + 1)::timestamptz
      and sales.created_at <= :as_of::timestamptz
),

-- with a filter: the orders it names
filtered as (
    select sum(sums.orders) as orders, sum(sums.gross_sales) as gross_sales, sum(sums.discounts) as discounts
    from params,
         order_facet_day_sums(:'day'::date, :'day'::date, params.as_of,
                              :'channel', :'device', :'country', :'region', :'customer', :'coupon') as sums
),

day_sums as (
    select paths.*
    from (
        -- (each path fenced, offset 0, so that the path not taken is dropped whole)
        select 'all_orders' as path, * from (select * from all_orders offset 0) as all_orders
        union all
        select 'filtered', * from (select * from filtered offset 0) as filtered
    ) as paths
    -- a constant when it runs: the planner drops the path not taken before planning it
    where paths.path = case when :'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
                            then 'all_orders' else 'filtered' end
),

final as (
    select
        coalesce(orders, 0)::bigint                                   as orders,
        coalesce(gross_sales, 0)::numeric(16, 2)                      as gross_sales,
        coalesce(discounts, 0)::numeric(16, 2)                        as discounts,
        (coalesce(gross_sales, 0) - coalesce(discounts, 0))::numeric(16, 2) as net_sales
    from day_sums
)

select * from final;
