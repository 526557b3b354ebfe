-- The purchase history the customer-value models are fitted on: each buyer's counted orders as of
-- a moment, in the report's measure (customer_lifetime.sql): orders placed up to as_of and not
-- cancelled or refunded at as_of (each order's status then), net sales of the sales model less
-- the partial refunds made up to as_of.
-- grain:  one row per customer with at least one counted order by as_of
-- columns: customer_id; orders (counted orders); first_day, last_day and as_of_day as shop days
--          after 2000-01-01 (the session's time zone is the shop's); avg_order_value (GBP, net
--          sales / orders)
-- psql:   replace each ? with '2026-06-30 12:00'
with

params as (
    select ?::timestamptz as as_of
),

-- every order's status at as_of: the status it left at its first change after as_of, or its status now
status_then as (
    select distinct on (changes.order_id) changes.order_id, changes.from_status
    from order_status_changes as changes, params
    where changes.changed_at > params.as_of
    order by changes.order_id, changes.changed_at, changes.change_id
),

-- every order's partial refunds made up to as_of, taken from its net sales (as customer_lifetime)
refunds_then as (
    select order_refunds.order_id, sum(order_refunds.net_sales) as refunded
    from order_refunds, params
    where order_refunds.refunded_at <= params.as_of
    group by order_refunds.order_id
),

counted_orders as (
    select orders.customer_id, order_sales.net_sales - coalesce(refunds_then.refunded, 0) as net_sales,
           orders.created_at
    from params
    cross join orders
    left join status_then using (order_id)
    join order_sales using (order_id)
    left join refunds_then using (order_id)
    where orders.created_at <= params.as_of
      and orders.customer_id is not null
      and coalesce(status_then.from_status, orders.status) not in ('cancelled', 'refunded')
),

final as (
    select
        customer_id,
        count(*)                                               as orders,
        min(created_at)::date - date '2000-01-01'              as first_day,
        max(created_at)::date - date '2000-01-01'              as last_day,
        (select as_of::date from params) - date '2000-01-01'   as as_of_day,
        sum(net_sales) / count(*)                              as avg_order_value
    from counted_orders
    group by customer_id
)

select * from final order by customer_id
