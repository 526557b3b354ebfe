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
-- column:   lifetime_net_sales | GBP    | their net sales: lines after discounts and coupons, less partial refunds up to as_of, no VAT, no shipping (0 with none)
-- column:   first_order_at     | time   | the first of them (null with none)
-- column:   last_order_at      | time   | the last of them (null with none)
-- column:   avg_order_value    | GBP    | lifetime_net_sales / total_orders, to the penny (null with none)
-- column:   p_active           | 0-1    | predicted probability they are still a customer, to 3 places (null with no orders or no model)
-- column:   expected_orders_12m | orders | predicted orders in the 365 days after as_of, to 2 places (null likewise)
-- column:   expected_net_sales_12m | GBP | predicted net sales of those orders, to the penny (null likewise)
--
-- The brief's mv_customer_lifetime (kept in the schema for psql users) as of any moment and
-- always fresh (the materialized view is only as current as its last refresh), in the sales
-- model's measure: net sales (R__22_sales_model.sql), where the view adds up total_amount (VAT
-- and shipping included), less the partial refunds made up to as_of (order_refunds: the sales
-- model's returns). An order counts with its status at as_of: one refunded after as_of still
-- counts as of as_of, and a partial refund after as_of is not taken from it yet.
-- The predictions (docs/customer-value.md) come from the last fit of the MBG/NBD and Gamma-Gamma
-- models as of as_of (clv_fits; none, or one that found too little history: null) and the
-- customer's counted orders as of as_of: R__70_customer_value.sql has the formulas.
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

-- every order's partial refunds made up to as_of (order_refunds, R__23_order_refunds.sql): taken
-- from its net sales while it counts (a refund after as_of is not made yet)
refunds_then as (
    select order_refunds.order_id, sum(order_refunds.net_sales) as refunded
    from order_refunds, params
    where order_refunds.refunded_at <= params.as_of
    group by order_refunds.order_id
),

-- every order placed up to as_of and counted at as_of, with its net sales less its refunds then
counted_orders as (
    select orders.customer_id, orders.order_id,
           order_sales.net_sales - coalesce(refunds_then.refunded, 0) as net_sales, orders.created_at
    from params
    cross join orders
    left join status_then using (order_id)
    join order_sales using (order_id)
    left join refunds_then using (order_id)
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

lifetimes as (
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
),

listed as (
    select * from lifetimes
    order by lifetime_net_sales desc, customer_id
    limit :limit
),

-- the last fit of the customer-value models as of as_of
fit as (
    select clv_fits.*
    from clv_fits, params
    where clv_fits.as_of <= params.as_of
    order by clv_fits.as_of desc, clv_fits.fit_id desc
    limit 1
),

-- each listed buyer's history in the models' terms: repeat orders, weeks from the first order to
-- the last and to as_of (shop days)
histories as (
    select
        listed.*,
        (listed.total_orders - 1)::int                                     as repeats,
        (listed.last_order_at::date - listed.first_order_at::date) / 7.0      as last_week,
        (params.as_of::date - listed.first_order_at::date) / 7.0           as age_weeks
    from listed
    cross join params
),

final as (
    select
        histories.customer_id,
        histories.email,
        histories.tier,
        histories.signup_date,
        histories.total_orders,
        histories.lifetime_net_sales,
        histories.first_order_at,
        histories.last_order_at,
        histories.avg_order_value,
        round(clv_probability_active(fit.r, fit.alpha, fit.a, fit.b, histories.repeats,
                                     histories.last_week, histories.age_weeks)::numeric, 3)   as p_active,
        round(predicted.orders::numeric, 2)                                                    as expected_orders_12m,
        round((predicted.orders
               * clv_expected_order_value(fit.p, fit.q, fit.gamma, histories.total_orders::int,
                                          (histories.lifetime_net_sales / nullif(histories.total_orders, 0))::float8)
              )::numeric, 2)                                                                   as expected_net_sales_12m
    from histories
    left join fit on fit.reason is null and histories.total_orders > 0
    -- 365 days ahead, in weeks
    left join lateral (
        select clv_expected_orders(fit.r, fit.alpha, fit.a, fit.b, histories.repeats, histories.last_week,
                                   histories.age_weeks, 365 / 7.0) as orders
    ) as predicted on true
)

select * from final
order by lifetime_net_sales desc, customer_id;
