-- Day orders, in total: what the list of day_orders.sql adds up to, for the drill's first page.
--
-- question: How many orders were placed on this shop day up to as_of, and what did they sell?
-- grain:    one row
-- audience: aggregate
-- param:    day          | date    |    | any | the shop day; required
-- column:   orders       | orders  | orders placed that day up to as_of (daily_revenue's orders of that day)
-- column:   gross_sales  | GBP     | their gross sales (daily_revenue's gross_sales of that day)
-- column:   discounts    | GBP     | their discounts (daily_revenue's discounts of that day)
-- column:   net_sales    | GBP     | gross_sales - discounts: the day's net sales before its returns
--
-- psql: psql -v as_of="'2026-06-30 12:00'" -v day="'2026-06-29'" -f day_orders_total.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?day} \else \set day '' \endif

with

params as (
    select
        :as_of::timestamptz                 as as_of,
        (:'day'::date)::timestamptz         as day_start,
        (:'day'::date + 1)::timestamptz     as day_end
),

final as (
    select
        count(*)                                                      as orders,
        coalesce(sum(sales.gross_sales), 0)::numeric(16, 2)           as gross_sales,
        coalesce(sum(sales.discounts), 0)::numeric(16, 2)             as discounts,
        coalesce(sum(sales.net_sales), 0)::numeric(16, 2)             as net_sales
    from order_sales sales, params
    where sales.created_at >= params.day_start
      and sales.created_at < params.day_end
      and sales.created_at <= params.as_of
)

select * from final;
