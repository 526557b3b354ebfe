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
-- customer's counted orders as of as_of: R__70_customer_value.sql has the formulas. Read from the
-- customer rollups through customer_orders_changed(as_of) (R__35_rollup_customer_orders.sql).
-- psql: psql -v as_of="'2026-06-30 12:00'" -v limit=1000 -f customer_lifetime.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?limit} \else \set limit 1000 \endif

with

params as (
    select :as_of::timestamptz as as_of
),

-- customers whose folded rollup row is not their answer as of as_of (a handful for "now")
changed as (
    select * from customer_orders_changed(:as_of::timestamptz)
),

-- The top N is among: the N best customers whose folded row holds (read best first through
-- idx_rollup_customer_orders_folded_spend, each with its customer row), the changed ones, and,
-- only when those leave room, the first customers (by customer_id) without a counted order, who
-- all have a lifetime value of 0.
best_unchanged as (
    select
        customers.customer_id, customers.email, customers.tier, customers.signup_date,
        folded.orders, folded.spend, folded.first_order_at, folded.last_order_at
    from rollups.customer_orders_folded as folded
    join customers using (customer_id)
    cross join params
    where folded.orders > 0
      and folded.customer_id not in (select customer_id from changed)
      and customers.signup_date <= params.as_of
    order by folded.spend desc, folded.customer_id
    limit :limit
),

changed_with_orders as (
    select
        customers.customer_id, customers.email, customers.tier, customers.signup_date,
        changed.orders, changed.spend, changed.first_order_at, changed.last_order_at
    from changed
    join customers using (customer_id)
    cross join params
    where changed.orders > 0
      and customers.signup_date <= params.as_of
),

-- walks customers in customer_id order and stops at the room left (per-row subplans, not a join
-- over all): none when N customers with a lifetime value above 0 are already in
without_orders as (
    select
        customers.customer_id, customers.email, customers.tier, customers.signup_date,
        null::bigint as orders, null::numeric as spend, null::timestamptz as first_order_at,
        null::timestamptz as last_order_at
    from customers
    cross join params
    where customers.signup_date <= params.as_of
      and customers.customer_id not in (select customer_id from changed where orders > 0)
      and (customers.customer_id in (select customer_id from changed)
           or coalesce((select folded.orders from rollups.customer_orders_folded as folded
                        where folded.customer_id = customers.customer_id), 0) = 0)
    order by customers.customer_id
    limit greatest(0, :limit - (select count(*) from best_unchanged where spend > 0))
),

candidates as (
    select * from best_unchanged
    union all
    select * from changed_with_orders
    union all
    select * from without_orders
),

lifetimes as (
    select
        customer_id,
        email,
        tier,
        signup_date,
        coalesce(orders, 0)                         as total_orders,
        coalesce(spend, 0)                          as lifetime_net_sales,
        first_order_at,
        last_order_at,
        round(spend / orders, 2)                    as avg_order_value
    from candidates
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
-- the last and to as_of (shop days). Materialized, with the weeks as the functions' float8: the
-- planner inlines the model's SQL functions by writing each argument's expression in at every
-- use of the parameter, so each row converted its dates to shop days and divided them in numeric
-- 12 times; from a materialized row each argument is a column read (34 -> 29 ms of CPU per run at
-- scale 1, the same answer).
histories as materialized (
    select
        listed.*,
        (listed.total_orders - 1)::int                                             as repeats,
        ((listed.last_order_at::date - listed.first_order_at::date) / 7.0)::float8 as last_week,
        ((params.as_of::date - listed.first_order_at::date) / 7.0)::float8         as age_weeks
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
