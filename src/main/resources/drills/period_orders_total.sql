-- Period orders, in total: what the list of period_orders.sql adds up to, for the drill's first page.
--
-- question: How many orders were placed in this period up to as_of, and what are its gross sales, discounts, returns and net sales?
-- grain:    one row
-- audience: aggregate
-- param:    period       | text   |    | today, last_7_days, month_to_date, year_to_date | the period (a row of revenue_summary); required
-- column:   orders       | orders | orders placed in the window (revenue_summary's orders)
-- column:   returns_made | orders | cancellations and refunds made in it (the list's return rows)
-- column:   gross_sales  | GBP    | revenue_summary's gross_sales
-- column:   discounts    | GBP    | revenue_summary's discounts
-- column:   returns      | GBP    | revenue_summary's returns
-- column:   net_sales    | GBP    | revenue_summary's net_sales: gross_sales - discounts - returns
--
-- As revenue_summary.sql reads them: whole days from the day rollups, the whole hours of as_of's
-- day from the hour rollups, and the raw rows (through order_sales and order_returns) of as_of's
-- hour, so the total costs the same for a year as for a day.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v period=month_to_date -f period_orders_total.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?period} \else \set period '' \endif

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

placed as (
    select sum(orders) as orders, sum(gross_sales) as gross_sales, sum(discounts) as discounts
    from (
        select d.orders, d.gross_sales, d.discounts
        from rollups.sales_days d, params
        where d.day >= params.starts_at::date and d.day < params.end_day_start::date
        union all
        select h.orders, h.gross_sales, h.discounts
        from rollups.sales_hours h, params
        where h.hour >= greatest(params.starts_at, params.end_day_start) and h.hour < params.end_hour
        union all
        select 1, s.gross_sales, s.discounts
        from order_sales s, params
        where s.created_at between params.end_hour and params.as_of
    ) as parts
),

returned as (
    select sum(orders) as orders, sum(returns) as returns
    from (
        select d.orders, d.returns
        from rollups.return_days d, params
        where d.day >= params.starts_at::date and d.day < params.end_day_start::date
        union all
        select h.orders, h.returns
        from rollups.return_hours h, params
        where h.hour >= greatest(params.starts_at, params.end_day_start) and h.hour < params.end_hour
        union all
        select 1, r.net_sales
        from order_returns r, params
        where r.returned_at between params.end_hour and params.as_of
    ) as parts
),

final as (
    select
        coalesce(placed.orders, 0)                                                               as orders,
        coalesce(returned.orders, 0)                                                             as returns_made,
        coalesce(placed.gross_sales, 0)::numeric(16, 2)                                          as gross_sales,
        coalesce(placed.discounts, 0)::numeric(16, 2)                                            as discounts,
        coalesce(returned.returns, 0)::numeric(16, 2)                                            as returns,
        (coalesce(placed.gross_sales, 0) - coalesce(placed.discounts, 0)
            - coalesce(returned.returns, 0))::numeric(16, 2)                                     as net_sales
    from placed, returned
)

select * from final;
