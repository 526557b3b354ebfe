-- Customer orders, in total: what the list of customer_orders.sql adds up to, for the drill's first page.
--
-- question: How many orders has this customer placed up to as_of, how many count, and what were they charged?
-- grain:    one row
-- audience: customer
-- param:    customer_id     | integer |    | 1..2147483647 | the customer; required
-- column:   orders          | orders  | orders placed up to as_of, whatever their status
-- column:   counted_orders  | orders  | those not cancelled or refunded at as_of
-- column:   total_sales     | GBP     | the total_sales of the counted orders
--
-- psql: psql -v as_of="'2026-06-30 12:00'" -v customer_id=42 -f customer_orders_total.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?customer_id} \else \set customer_id 0 \endif

with

params as (
    select :as_of::timestamptz as as_of, :customer_id::bigint as customer_id
),

placed as (
    select o.order_id, o.total_amount, o.status
    from orders o
    cross join params
    where o.customer_id = params.customer_id
      and o.created_at <= params.as_of
),

history as (
    select
        placed.total_amount,
        coalesce(changed.status_then, placed.status)                                      as status_at
    from placed
    -- its status at as_of (orders_as_of(), for the customer's orders; their ids from the CTE, not
    -- from a subquery over orders: Citus cannot plan that as a function's argument)
    left join orders_changed_since(array(select order_id from placed), :as_of::timestamptz) as changed
           on changed.order_id = placed.order_id
),

final as (
    select
        count(*)                                                                          as orders,
        count(*) filter (where status_at not in ('cancelled', 'refunded'))                as counted_orders,
        coalesce(sum(total_amount) filter (where status_at not in ('cancelled', 'refunded')), 0)::numeric(16, 2)
                                                                                          as total_sales
    from history
)

select * from final;
