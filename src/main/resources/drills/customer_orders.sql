-- Customer orders: one customer's order history (a fraud_review row -> its customer), a page at a time.
--
-- question: Which orders has this customer placed up to as_of, and what was each one's status then?
-- grain:    one row per order of the customer, oldest first (created_at, then order_id); at most limit + 1 rows from the cursor on
-- audience: customer
-- param:    customer_id      | integer |    | 1..2147483647 | the customer (a customer_id of fraud_review); required
-- param:    limit            | integer | 50 | 1..1000       | rows per page (one more is read, to tell whether another page follows)
-- param:    after_created_at | text    |    | any           | keyset: start after the order placed at this moment (the API's cursor sets it; empty: the first page)
-- param:    after_order_id   | integer | 0  | 0..2147483647 | keyset: ... and with this order_id (ties of created_at)
-- column:   order_id         | id      | the order
-- column:   order_number     | text    | its number, as the shop shows it
-- column:   created_at       | timestamp | when it was placed
-- column:   status           | text    | its status at as_of
-- column:   counted          | boolean | not cancelled or refunded at as_of: the orders fraud_review's signals count
-- column:   payment_method   | text    | how it was paid
-- column:   total_sales      | GBP     | what the customer was charged (orders.total_amount), as fraud_review's total_sales
-- column:   net_sales        | GBP     | its net sales as placed (the sales model)
--
-- fraud_review's signals read this history: orders_in_prior_hour counts the counted orders in the
-- hour before a flagged one, multiple_of_avg divides its total_sales by the average of the counted
-- orders before it. Keyset paging through idx_orders_customer_created (customer_id, created_at).
-- psql: psql -v as_of="'2026-06-30 12:00'" -v customer_id=42 -f customer_orders.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?customer_id} \else \set customer_id 0 \endif
\if :{?limit} \else \set limit 50 \endif
\if :{?after_created_at} \else \set after_created_at '' \endif
\if :{?after_order_id} \else \set after_order_id 0 \endif

with

params as (
    select
        :as_of::timestamptz                                                    as as_of,
        :customer_id::bigint                                                   as customer_id,
        coalesce(nullif(:'after_created_at', '')::timestamptz, '-infinity')    as after_created_at,
        :after_order_id::bigint                                                as after_order_id
),

page as (
    select o.*
    from orders o, params
    where o.customer_id = params.customer_id
      and o.created_at <= params.as_of
      and o.created_at >= params.after_created_at
      and (o.created_at, o.order_id) > (params.after_created_at, params.after_order_id)
    order by o.created_at, o.order_id
    limit :limit::int + 1
),

status_then as (
    select
        page.*,
        coalesce(changed.status_then, page.status)                            as status_at
    from page
    -- its status at as_of (orders_as_of(), for the page's orders)
    left join orders_changed_since(array(select order_id from page), :as_of::timestamptz) as changed
           on changed.order_id = page.order_id
),

final as (
    select
        status_then.order_id,
        status_then.order_number,
        status_then.created_at,
        status_then.status_at                                                 as status,
        status_then.status_at not in ('cancelled', 'refunded')                as counted,
        status_then.payment_method,
        status_then.total_amount                                              as total_sales,
        sales.net_sales::numeric(16, 2)                                       as net_sales
    from status_then
    join order_sales sales on sales.order_id = status_then.order_id
)

select * from final
order by created_at, order_id;
