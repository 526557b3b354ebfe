-- Customer lifetime: what each customer has been worth to us.
--
-- question: For each customer, how many orders, how much spent in all, when first and last, and the average order value?
-- grain:    one row per customer signed up by as_of, highest lifetime value first, the top N
-- audience: customer
-- param:    limit | integer | 1000 | 1..10000000 | number of customers to show
-- column:   customer_id      | id     | the customer
-- column:   email            | text   | their email address | personal
-- column:   tier             | text   | free, pro or enterprise
-- column:   signup_date      | time   | when they signed up
-- column:   total_orders     | orders | orders placed up to as_of, not cancelled or refunded
-- column:   lifetime_value   | GBP    | the total of those orders (0 with none)
-- column:   first_order_at   | time   | the first of them (null with none)
-- column:   last_order_at    | time   | the last of them (null with none)
-- column:   avg_order_value  | GBP    | lifetime_value / total_orders, to the penny (null with none)
--
-- The brief's mv_customer_lifetime (kept in the schema for psql users) as of any moment and
-- always fresh: the materialized view is only as current as its last refresh. Read from the
-- customer rollups through customer_orders_as_of(as_of) (migration V6_3).
-- psql: psql -v as_of="'2026-06-30 12:00'" -v limit=1000 -f customer_lifetime.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?limit} \else \set limit 1000 \endif

with

params as (
    select :as_of::timestamptz as as_of
),

customer_orders as (
    select
        customer_id,
        orders          as total_orders,
        spend           as lifetime_value,
        first_order_at,
        last_order_at
    from params, customer_orders_as_of(params.as_of)
),

final as (
    select
        customers.customer_id,
        customers.email,
        customers.tier,
        customers.signup_date,
        coalesce(customer_orders.total_orders, 0)                               as total_orders,
        coalesce(customer_orders.lifetime_value, 0)                             as lifetime_value,
        customer_orders.first_order_at,
        customer_orders.last_order_at,
        round(customer_orders.lifetime_value / customer_orders.total_orders, 2) as avg_order_value
    from customers
    cross join params
    left join customer_orders using (customer_id)
    where customers.signup_date <= params.as_of
)

select * from final
order by lifetime_value desc, customer_id
limit :limit;
