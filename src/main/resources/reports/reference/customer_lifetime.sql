-- Customer lifetime: what each customer has been worth to us.
--
-- question: For each customer, how many orders, how much spent in all, when first and last, and the average order value?
-- grain:    one row per customer signed up by as_of, highest lifetime net sales first, the top N
-- audience: customer
-- param:    limit | integer | 1000 | 1..10000000 | number of customers to show
-- column:   customer_id        | id     | the customer
-- column:   email              | text   | their email address | personal
-- column:   tier               | text   | free, pro or enterprise
-- column:   signup_date        | time   | when they signed up
-- column:   total_orders       | orders | counted orders: placed up to as_of, not cancelled or refunded at as_of
-- column:   lifetime_net_sales | GBP    | their net sales: lines after discounts and coupons, no VAT, no shipping (0 with none)
-- column:   first_order_at     | time   | the first of them (null with none)
-- column:   last_order_at      | time   | the last of them (null with none)
-- column:   avg_order_value    | GBP    | lifetime_net_sales / total_orders, to the penny (null with none)
--
-- The brief's mv_customer_lifetime (kept in the schema for psql users) as of any moment and
-- always fresh (the materialized view is only as current as its last refresh), in the sales
-- model's measure: net sales (R__22_sales_model.sql), where the view adds up total_amount (VAT
-- and shipping included). An order counts with its status at as_of: one refunded after as_of
-- still counts as of as_of.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v limit=1000 -f customer_lifetime.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?limit} \else \set limit 1000 \endif

with

params as (
    select :as_of::timestamptz as as_of
),

-- every order's status at as_of: the status it left at its first change after as_of, or its status
-- now (orders_as_of()'s rule, written out: a SQL function over distributed tables cannot take
-- parameters on a Citus cluster)
status_then as (
    select distinct on (changes.order_id) changes.order_id, changes.from_status
    from order_status_changes as changes, params
    where changes.changed_at > params.as_of
    order by changes.order_id, changes.changed_at, changes.change_id
),

-- every order placed up to as_of and counted at as_of, with its net sales
counted_orders as (
    select orders.customer_id, orders.order_id, order_sales.net_sales, orders.created_at
    from params
    cross join orders
    left join status_then using (order_id)
    join order_sales using (order_id)
    where orders.created_at <= params.as_of
      and coalesce(status_then.from_status, orders.status) not in ('cancelled', 'refunded')
),

customer_orders as (
    select
        customer_id,
        count(*)           as total_orders,
        sum(net_sales)     as lifetime_net_sales,
        min(created_at)    as first_order_at,
        max(created_at)    as last_order_at
    from counted_orders
    group by customer_id
),

final as (
    select
        customers.customer_id,
        customers.email,
        customers.tier,
        customers.signup_date,
        coalesce(customer_orders.total_orders, 0)                               as total_orders,
        coalesce(customer_orders.lifetime_net_sales, 0)                         as lifetime_net_sales,
        customer_orders.first_order_at,
        customer_orders.last_order_at,
        round(customer_orders.lifetime_net_sales / customer_orders.total_orders, 2) as avg_order_value
    from customers
    cross join params
    left join customer_orders using (customer_id)
    where customers.signup_date <= params.as_of
)

select * from final
order by lifetime_net_sales desc, customer_id
limit :limit;
