-- Fraud review: the orders a risk analyst should look at, each flag explained.
--
-- question: Which recent orders look fraudulent, why, and how risky is each?
-- grain:    one row per flagged order placed in the last N shop days up to as_of, riskiest first, the first `limit` of them
-- audience: customer
-- param:    days        | integer | 30 | 1..3660  | review orders placed in the last N shop days, ending with as_of
-- param:    small_order | numeric | 15 | 0..1000  | an order whose total_sales is at most this (GBP) counts as small, for card testing
-- param:    limit       | integer | 100 | 1..10000000 | the number of flagged orders to show, riskiest first (a reviewer's queue: raise it for the whole list)
-- column:   order_id                | id      | the order
-- column:   order_number            | text    | its human-readable number
-- column:   customer_id             | id      | who placed it
-- column:   created_at              | time    | when
-- column:   status                  | text    | its status at as_of (never cancelled or refunded: those are not reviewed)
-- column:   total_sales             | GBP     | its total_sales: what the customer was charged, after discounts, with shipping and VAT
-- column:   payment_method          | text    | how it was paid
-- column:   orders_in_prior_hour    | orders  | the customer's orders in the hour before this one (not counting it)
-- column:   multiple_of_avg         | ratio   | its total_sales against the average total_sales of the customer's earlier orders, one decimal; null for a first order
-- column:   account_age_minutes     | minutes | minutes from the customer's signup to this order
-- column:   small_orders_prior_hour | orders  | the customer's small orders in the hour before this one
-- column:   risk_score              | 0-100   | the sum of the flags' weights, at most 100
-- column:   reasons                 | text    | each flag raised, in words
--
-- Flags (each counts only orders placed before the one being scored, never itself or later ones,
-- except in_burst, which looks ahead to as_of):
--   burst          30  at least 3 earlier orders within the hour before: the 4th order in an hour
--   in_burst       30  one of those 3 or more earlier orders: placed within the hour before a burst
--                      order of its customer (by as_of), so a reviewer sees the whole burst, its
--                      first orders too, and not only its 4th and later ones
--   high_multiple  30  more than 5 times the average total_sales of the customer's earlier orders
--   new_account    40  placed less than an hour after the customer signed up
--   card_testing   40  a small order after at least 3 earlier small orders within the hour
--                      before: someone trying a card with cheap orders
-- Judged with what was known at as_of: each order with its status then (orders_as_of(),
-- R__22_sales_model.sql). An order cancelled or refunded by as_of is neither reviewed nor
-- history (no money was taken); one cancelled or refunded later was live then, so it is
-- reviewed, and counts in its customer's history, as it did then.
-- An order's value is the sales model's total_sales of the order as placed: orders.total_amount
-- (line totals less its coupon, plus shipping and VAT, as place_order prices it; order_sales in
-- R__22_sales_model.sql derives the same from the lines). Charged money is what fraud risks.
-- The brief counted the order itself in its "orders in the last hour" and averaged over all the
-- customer's orders, later ones included, and gave a bare score.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -v small_order=15 -v limit=100 -f fraud_review.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
\if :{?small_order} \else \set small_order 15 \endif
\if :{?limit} \else \set limit 100 \endif

with

params as (
    select
        :as_of::timestamptz                                                            as as_of,
        date_trunc('day', :as_of::timestamptz) - make_interval(days => :days::int - 1) as window_start,
        :small_order::numeric                                                          as small_order
),

-- every order placed by as_of with its status then: the status it left at its first change after
-- as_of, or its status now if none came since. This is orders_as_of() (R__22_sales_model.sql)
-- written out: Citus cannot plan a SQL function over distributed tables called with a parameter.
orders_then as (
    select orders.order_id, orders.order_number, orders.customer_id, orders.created_at,
           orders.total_amount, orders.payment_method,
           coalesce(later.from_status, orders.status) as status
    from orders
    cross join params
    left join (
        select distinct on (changes.order_id) changes.order_id, changes.from_status
        from order_status_changes as changes, params
        where changes.changed_at > params.as_of
        order by changes.order_id, changes.changed_at, changes.change_id
    ) as later on later.order_id = orders.order_id
    where orders.created_at <= params.as_of
),

-- those not cancelled or refunded by then
counted_orders as (
    select orders_then.*
    from orders_then
    where orders_then.status not in ('cancelled', 'refunded')
),

-- the history of every customer with an order to review
customer_history as (
    select counted_orders.*
    from counted_orders
    where counted_orders.customer_id in (
        select customer_id from counted_orders, params where counted_orders.created_at >= params.window_start
    )
),

-- "exclude group": the frame stops before this order (and any placed at the same instant)
order_signals as (
    select
        customer_history.order_id,
        customer_history.order_number,
        customer_history.customer_id,
        customer_history.created_at,
        customer_history.status,
        customer_history.total_amount                                                    as total_sales,
        customer_history.payment_method,
        customer_history.total_amount <= params.small_order as is_small,
        count(*) over prior_hour                                                         as orders_in_prior_hour,
        count(*) filter (where customer_history.total_amount <= params.small_order) over prior_hour
                                                                                         as small_orders_prior_hour,
        avg(customer_history.total_amount) over all_before                               as earlier_avg
    from customer_history, params
    window
        prior_hour as (partition by customer_history.customer_id order by customer_history.created_at
                       range between interval '1 hour' preceding and current row exclude group),
        all_before as (partition by customer_history.customer_id order by customer_history.created_at
                       range between unbounded preceding and current row exclude group)
),

flags as (
    select
        order_signals.*,
        order_signals.total_sales / nullif(order_signals.earlier_avg, 0)        as multiple,
        extract(epoch from order_signals.created_at - customers.signup_date) / 60 as age_minutes,
        order_signals.orders_in_prior_hour >= 3                                  as burst,
        order_signals.total_sales > 5 * order_signals.earlier_avg                as high_multiple,
        order_signals.created_at - customers.signup_date < interval '1 hour'     as new_account,
        order_signals.is_small and order_signals.small_orders_prior_hour >= 3    as card_testing
    from order_signals
    join customers using (customer_id)
    cross join params
    where order_signals.created_at >= params.window_start
),

-- the orders placed within the hour before a burst order of their customer: the burst's earlier
-- orders (each named with the first burst order after it)
burst_members as (
    select distinct on (member.order_id) member.order_id, burst.order_number as burst_order_number
    from flags as member
    join flags as burst
      on burst.customer_id = member.customer_id
     and burst.burst
     and burst.created_at > member.created_at
     and burst.created_at <= member.created_at + interval '1 hour'
    order by member.order_id, burst.created_at, burst.order_id
),

final as (
    select
        order_id,
        order_number,
        customer_id,
        created_at,
        status,
        total_sales,
        payment_method,
        orders_in_prior_hour,
        round(multiple, 1)                                          as multiple_of_avg,
        floor(age_minutes)::bigint                                  as account_age_minutes,
        small_orders_prior_hour,
        least(100, case when burst or burst_order_number is not null then 30 else 0 end
                 + case when high_multiple then 30 else 0 end
                 + case when new_account then 40 else 0 end
                 + case when card_testing then 40 else 0 end)       as risk_score,
        concat_ws('; ',
            case when burst then 'burst: ' || orders_in_prior_hour || ' orders in the hour before' end,
            case when burst_order_number is not null and not burst
                 then 'in_burst: placed in the hour before burst order ' || burst_order_number end,
            case when high_multiple then 'high_multiple: ' || round(multiple, 1) || ' times the earlier average' end,
            case when new_account then 'new_account: placed ' || floor(age_minutes) || ' minutes after signup' end,
            case when card_testing then 'card_testing: ' || small_orders_prior_hour || ' small orders in the hour before' end
        )                                                           as reasons
    from flags
    left join burst_members using (order_id)
    where burst or burst_order_number is not null or high_multiple or new_account or card_testing
)

select * from final
order by risk_score desc, created_at desc, order_id
limit :limit::int;
