-- Period customer orders: the orders behind a new-customer or repeat-customer tile (kpi_tiles), a page at a time.
--
-- question: Which orders placed in this period up to as_of were their customer's first order, or came from a customer who had ordered before?
-- grain:    one row per order, newest first (created_at, then order_id); at most limit + 1 rows from the cursor on
-- audience: aggregate
-- param:    period           | text    |    | today, last_7_days, month_to_date, year_to_date | the period (a row of revenue_summary); required
-- param:    customer_type    | text    |    | first_time, returning | first_time: the customer's first order ever; returning: the customer had ordered before; required
-- param:    limit            | integer | 50 | 1..1000       | rows per page (one more is read, to tell whether another page follows)
-- param:    after_created_at | text    |    | any           | keyset: start after (before, in time) the order placed at this moment (the API's cursor sets it; empty: the first page)
-- param:    after_order_id   | integer | 0  | 0..2147483647 | keyset: ... and with this order_id (ties of created_at)
-- column:   order_id         | id      | the order
-- column:   order_number     | text    | its number, as the shop shows it
-- column:   created_at       | timestamp | when it was placed
-- column:   status           | text    | its status at as_of
-- column:   customer_id      | id      | who placed it
-- column:   customer_order   | orders  | which of the customer's orders it is: 1 for a first order, 2 or more for a returning customer's
-- column:   net_sales        | GBP     | gross sales - discounts, as placed (a later return counts on its own day)
--
-- A customer's orders are ordered by when they were placed, then by order_id; the first is the
-- first-time order, whatever its status (docs/reports.md#the-tiles). The list's length is kpi_tiles'
-- numerator of new_customer_share (first_time) or of repeat_customer_share (returning) for the
-- period (period_customer_orders_total.sql counts it). Keyset paging: each page reads the index on
-- orders.created_at backwards from where the last one ended, and each order's place among its
-- customer's from the index on (customer_id, created_at).
-- psql: psql -v as_of="'2026-06-30 12:00'" -v period=month_to_date -v customer_type=first_time -f period_customer_orders.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?period} \else \set period '' \endif
\if :{?customer_type} \else \set customer_type '' \endif
\if :{?limit} \else \set limit 50 \endif
\if :{?after_created_at} \else \set after_created_at '' \endif
\if :{?after_order_id} \else \set after_order_id 0 \endif

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
        :'customer_type' = 'first_time'                                        as first_time,
        coalesce(nullif(:'after_created_at', '')::timestamptz, 'infinity')     as after_created_at,
        :after_order_id::bigint                                                as after_order_id
),

-- The page's orders and their place among their customer's orders, counted a batch of orders at
-- a time (R__59_period_orders_by_customer_type.sql: a Citus cluster refuses a count for each order).
-- Materialized, then joined with orders: joined in one query, a Citus cluster ran the function in
-- each shard's task, and each task hashed its shard's every order (0.3 to 0.5 s a page at scale 1).
typed as materialized (
    select typed.order_id, typed.customer_order
    from params
    cross join period_orders_by_customer_type(params.starts_at, params.as_of, params.first_time,
                                              params.after_created_at, params.after_order_id,
                                              :limit::int + 1) as typed
),

page as (
    select o.order_id, o.order_number, o.created_at, o.status, o.customer_id, typed.customer_order
    from typed
    join orders o on o.order_id = typed.order_id
),

-- The page's orders' status at as_of (orders_as_of()), computed once: joined in the query below,
-- which reads the shards, a Citus cluster ran the function in every shard's task (0.1 s each).
changed as materialized (
    select * from orders_changed_since(array(select order_id from page), :as_of::timestamptz)
),

final as (
    select
        page.order_id,
        page.order_number,
        page.created_at,
        coalesce(changed.status_then, page.status)                            as status,
        page.customer_id,
        page.customer_order,
        sales.net_sales::numeric(16, 2)                                       as net_sales
    from page
    cross join params
    join order_sales sales on sales.order_id = page.order_id
    left join changed on changed.order_id = page.order_id
)

select * from final
order by created_at desc, order_id desc;
