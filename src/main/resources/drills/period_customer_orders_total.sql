-- Period customer orders, in total: how many orders period_customer_orders.sql lists, for the drill's first page.
--
-- question: How many orders placed in this period up to as_of were their customer's first order, or came from a returning customer?
-- grain:    one row
-- audience: aggregate
-- param:    period        | text   |    | today, last_7_days, month_to_date, year_to_date | the period (a row of revenue_summary); required
-- param:    customer_type | text   |    | first_time, returning | first_time or returning, as the list; required
-- column:   orders        | orders | the orders of that type: kpi_tiles' numerator of new_customer_share or repeat_customer_share
-- column:   of_orders     | orders | every order placed in the period: the tiles' denominator
--
-- As kpi_tiles reads them (kpi_window(), R__28_kpi_windows.sql): first-time orders from the
-- customers' first orders (rollups.customer_first_orders), every order from the day and hour
-- rollups and the raw rows of as_of's hour; returning orders are the rest.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v period=month_to_date -v customer_type=first_time -f period_customer_orders_total.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?period} \else \set period '' \endif
\if :{?customer_type} \else \set customer_type '' \endif

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
        :'customer_type' = 'first_time'                                        as first_time
),

measured as (
    select k.orders, k.first_time_orders
    from params, kpi_window(params.starts_at, params.as_of) as k
),

final as (
    select
        case when params.first_time then measured.first_time_orders
             else measured.orders - measured.first_time_orders end            as orders,
        measured.orders                                                       as of_orders
    from params, measured
)

select * from final;
