-- Period orders, in total: what the list of period_orders.sql adds up to, for the drill's first page.
--
-- question: How many orders were placed in this period up to as_of, and what are its gross sales, discounts, returns and net sales?
-- grain:    one row
-- audience: aggregate
-- param:    period       | text   |    | today, last_7_days, month_to_date, year_to_date | the period (a row of revenue_summary); required
-- param:    channel      | text    |    | direct, search, social, email, referral, unknown | filter: orders whose session came from this channel, as revenue_summary's
-- param:    device       | text    |    | desktop, mobile, tablet, unknown | filter: orders whose session's first page view was on this device
-- param:    country      | text    |    | any | filter: orders shipped to this country (ISO code; unknown: no shipping address)
-- param:    region       | text    |    | any | filter: orders shipped to this region
-- param:    customer     | text    |    | new, returning | filter: new (the customer's first order) or returning customers' orders
-- param:    coupon       | text    |    | yes, no | filter: orders with or without a coupon (an order discount)
-- column:   orders       | orders | orders placed in the window (revenue_summary's orders)
-- column:   returns_made | orders | cancellations and refunds made in it: the list's return rows, one per cancellation or refund of a whole order and one per partial refund line
-- column:   gross_sales  | GBP    | revenue_summary's gross_sales
-- column:   discounts    | GBP    | revenue_summary's discounts
-- column:   returns      | GBP    | revenue_summary's returns
-- column:   net_sales    | GBP    | revenue_summary's net_sales: gross_sales - discounts - returns
--
-- As revenue_summary.sql reads them: whole days from the day rollups, the whole hours of as_of's
-- day from the hour rollups, and the raw rows (through order_sales and order_returns) of as_of's
-- hour, so the total costs the same for a year as for a day; returns_made adds the period's partial
-- refund lines before that hour, counted in the index on their moment (the return rollups count
-- whole returns: a line is a row of the list, not a return of an order). With a filter, the
-- window's days as daily_revenue reads them with the same filters (order_facet_day_sums(),
-- R__48_order_facet_sums.sql: the order_facets rollup's clean days, and as_of's day and the days
-- written since the last fold from the raw rows up to as_of), whose returns_made counts the returns
-- of the orders named, one per order_returns row, as the filtered list has one return row each.
-- The guards are constants when it runs: the planner keeps one path.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v period=month_to_date -f period_orders_total.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?period} \else \set period '' \endif
\if :{?channel} \else \set channel '' \endif
\if :{?device} \else \set device '' \endif
\if :{?country} \else \set country '' \endif
\if :{?region} \else \set region '' \endif
\if :{?customer} \else \set customer '' \endif
\if :{?coupon} \else \set coupon '' \endif

with

params as (
    select
        :as_of::timestamptz                                                    as as_of,
        case :'period'
            when 'today'         then date_trunc('day', :as_of::timestamptz)
            when 'last_7_days'   then date_trunc('day', :as_of::timestamptz) - interval '6 days'
            when 'month_to_date' then date_trunc('month', :as_of::timestamptz)
            when 'year_to_date'  then date_trunc('year', :as_of::timestamptz)
        end                                                                    as starts_at,
        date_trunc('day', :as_of::timestamptz)                                 as end_day_start,
        date_trunc('hour', :as_of::timestamptz)                                as end_hour
),

-- The rollups' whole days and hours of the window, summed apart from the raw rows: on a Citus cluster
-- these are the coordinator's own tables, and a query joining them with the shards' rows sent every
-- hour row on as an intermediate result (17,000 at scale 1) where this sends one row.
-- The bounds as scalar subqueries, not a join with params: on a Citus cluster params is an
-- intermediate result, and joined it bounded nothing (every hour row read, by two parallel workers:
-- 12-13 ms a sum at scale 1); a subquery's value is a bound of the index read.
placed_kept as materialized (
    select sum(orders) as orders, sum(gross_sales) as gross_sales, sum(discounts) as discounts
    from (
        select d.orders, d.gross_sales, d.discounts
        from rollups.sales_days d
        where d.day >= (select params.starts_at::date from params)
          and d.day < (select params.end_day_start::date from params)
        union all
        select h.orders, h.gross_sales, h.discounts
        from rollups.sales_hours h
        where h.hour >= (select greatest(params.starts_at, params.end_day_start) from params)
          and h.hour < (select params.end_hour from params)
    ) as parts
),

returned_kept as materialized (
    select sum(orders) as orders, sum(returns) as returns
    from (
        select d.orders, d.returns
        from rollups.return_days d
        where d.day >= (select params.starts_at::date from params)
          and d.day < (select params.end_day_start::date from params)
        union all
        select h.orders, h.returns
        from rollups.return_hours h
        where h.hour >= (select greatest(params.starts_at, params.end_day_start) from params)
          and h.hour < (select params.end_hour from params)
    ) as parts
),

-- The raw rows of as_of's hour, summed where they are: each in a query of its own, which a Citus
-- cluster sums on every shard (in a union with the kept sums it sent every row of the hour to the
-- coordinator first: 22,000 on an hour of 22,000 orders, 95 ms).
placed_now as (
    -- the bounds written out, not params', as for the returns below: joined with params, each
    -- shard of a Citus cluster valued every one of its orders before filtering them (0.8 s at scale 1)
    select count(*) as orders, sum(s.gross_sales) as gross_sales, sum(s.discounts) as discounts
    from order_sales s
    where s.created_at between date_trunc('hour', :as_of::timestamptz) and :as_of::timestamptz
),

returned_now as (
    -- the bounds written out, not params': the view is a union whose branches take a bound
    -- value into their index reads, but not a column of another relation (then it reads every
    -- return of the shop: 1.6 s at scale 1)
    select count(*) as orders, sum(r.net_sales) as returns
    from order_returns r
    where r.returned_at between date_trunc('hour', :as_of::timestamptz) and :as_of::timestamptz
),

-- the lines of partial refunds before as_of's hour: the list has a return row for each, the return
-- rollups count whole returns only (their money is in them); through the index on refunded_at, as
-- many entries as the period has lines
refund_lines as (
    select count(*) as lines
    from order_refunds r, params
    where r.refunded_at >= params.starts_at and r.refunded_at < params.end_hour
),

placed as (
    select sum(orders) as orders, sum(gross_sales) as gross_sales, sum(discounts) as discounts
    from (select * from placed_kept union all select * from placed_now) as parts
),

returned as (
    select sum(orders) as orders, sum(returns) as returns
    from (select * from returned_kept
          union all
          select * from returned_now
          union all
          select lines, 0 from refund_lines) as parts
),

-- without a filter: every order
all_orders as (
    select placed.orders, coalesce(returned.orders, 0) as returns_made, placed.gross_sales, placed.discounts,
           returned.returns
    from placed, returned
),

-- with a filter: the orders it names, and the returns of those orders
filtered as (
    select sum(sums.orders) as orders, coalesce(sum(sums.returns_made), 0) as returns_made,
           sum(sums.gross_sales) as gross_sales,
           sum(sums.discounts) as discounts, sum(sums.returns) as returns
    from params,
         order_facet_day_sums(params.starts_at::date, params.as_of::date, params.as_of,
                              :'channel', :'device', :'country', :'region', :'customer', :'coupon') as sums
),

sums as (
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
        coalesce(sums.orders, 0)::bigint                                                         as orders,
        sums.returns_made::bigint                                                                as returns_made,
        coalesce(sums.gross_sales, 0)::numeric(16, 2)                                            as gross_sales,
        coalesce(sums.discounts, 0)::numeric(16, 2)                                              as discounts,
        coalesce(sums.returns, 0)::numeric(16, 2)                                                as returns,
        (coalesce(sums.gross_sales, 0) - coalesce(sums.discounts, 0)
            - coalesce(sums.returns, 0))::numeric(16, 2)                                         as net_sales
    from sums
)

select * from final;
