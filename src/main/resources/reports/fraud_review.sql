-- Fraud review: the orders a risk analyst should look at, each flag explained.
--
-- question: Which recent orders look fraudulent, why, and how risky is each?
-- grain:    one row per flagged order placed in the last N shop days up to as_of, riskiest first
-- audience: customer
-- param:    days        | integer | 30 | 1..3660  | review orders placed in the last N shop days, ending with as_of
-- param:    small_order | numeric | 15 | 0..1000  | an order totalling at most this (GBP) counts as small, for card testing
-- column:   order_id                | id      | the order
-- column:   order_number            | text    | its human-readable number
-- column:   customer_id             | id      | who placed it
-- column:   created_at              | time    | when
-- column:   total_amount            | GBP     | its total
-- column:   payment_method          | text    | how it was paid
-- column:   orders_in_prior_hour    | orders  | the customer's orders in the hour before this one (not counting it)
-- column:   multiple_of_avg         | ratio   | its total against the average of the customer's earlier orders, one decimal; null for a first order
-- column:   account_age_minutes     | minutes | minutes from the customer's signup to this order
-- column:   small_orders_prior_hour | orders  | the customer's small orders in the hour before this one
-- column:   risk_score              | 0-100   | the sum of the flags' weights, at most 100
-- column:   reasons                 | text    | each flag raised, in words
--
-- Flags (each counts only orders placed before the one being scored, never itself or later ones):
--   burst          30  at least 3 earlier orders within the hour before: the 4th order in an hour
--   high_multiple  30  more than 5 times the average of the customer's earlier orders
--   new_account    40  placed less than an hour after the customer signed up
--   card_testing   40  a small order after at least 3 earlier small orders within the hour
--                      before: someone trying a card with cheap orders
-- Orders cancelled or refunded are neither reviewed nor history (no money was taken).
-- The brief counted the order itself in its "orders in the last hour" and averaged over all the
-- customer's orders, later ones included, and gave a bare score.
-- From the rollups (rollups.order_risk): the orders that may be a burst, a high multiple or
-- a new account's are the candidates; each candidate's figures are then computed from the raw
-- orders, as the reference computes them.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -v small_order=15 -f fraud_review.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
\if :{?small_order} \else \set small_order 15 \endif

with

params as (
    select
        :as_of::timestamptz                                                            as as_of,
        date_trunc('day', :as_of::timestamptz) - make_interval(days => :days::int - 1) as window_start,
        :small_order::numeric                                                          as small_order
),

-- possible bursts, high multiples and new accounts: folded rows through their partial index, and
-- every order with changes not folded in yet (card testing is a burst of small orders). The
-- window is written out rather than read from params, so the planner sees it.
candidate_ids as (
    select rollups.order_risk_folded.order_id
    from rollups.order_risk_folded
    where rollups.order_risk_folded.created_at
              >= date_trunc('day', :as_of::timestamptz) - make_interval(days => :days::int - 1)
      and rollups.order_risk_folded.created_at <= :as_of::timestamptz
      and (rollups.order_risk_folded.prior_hour_orders >= 3
           or (rollups.order_risk_folded.earlier_orders > 0
               and rollups.order_risk_folded.total_amount * rollups.order_risk_folded.earlier_orders
                   >= 5 * rollups.order_risk_folded.earlier_revenue)
           or rollups.order_risk_folded.new_account > 0)
    union
    select rollups.order_risk_pending.order_id
    from rollups.order_risk_pending
    where rollups.order_risk_pending.created_at
              >= date_trunc('day', :as_of::timestamptz) - make_interval(days => :days::int - 1)
      and rollups.order_risk_pending.created_at <= :as_of::timestamptz
),

-- the candidates' orders, each looked up by its key (= any of the ids: a probe per candidate, where
-- the planner would otherwise join the whole window; a lookup correlated with another relation,
-- as in a lateral join, is a subquery Citus cannot plan over orders distributed by order_id)
candidates as (
    select orders.*
    from orders
    cross join params
    where orders.order_id = any (array(select order_id from candidate_ids))
      and orders.status not in ('cancelled', 'refunded')
      and orders.created_at >= params.window_start
      and orders.created_at <= params.as_of
),

-- each candidate against its customer's earlier counted orders (strictly earlier, as the
-- reference's frames exclude the order and any placed at the same instant). The candidates are
-- gathered into arrays and joined with orders as a set (not a lateral subquery per candidate):
-- on one node a probe of idx_orders_customer_created per candidate, as a lateral join would do;
-- on a cluster every shard joins the same few candidates with its orders and sends its partial
-- counts. Candidates without an earlier order have no row here.
earlier as (
    select
        candidate.order_id,
        count(*) filter (where history.created_at >= candidate.created_at - interval '1 hour')  as orders_in_prior_hour,
        count(*) filter (where history.created_at >= candidate.created_at - interval '1 hour'
                           and history.total_amount <= params.small_order)                   as small_orders_prior_hour,
        avg(history.total_amount)                                                           as earlier_avg
    from (select array_agg(order_id) as order_ids, array_agg(customer_id) as customer_ids,
                 array_agg(created_at) as placed
          from candidates) as gathered
    cross join unnest(gathered.order_ids, gathered.customer_ids, gathered.placed)
               as candidate (order_id, customer_id, created_at)
    join orders as history
      on history.customer_id = candidate.customer_id
     and history.created_at < candidate.created_at
    cross join params
    where history.status not in ('cancelled', 'refunded')
    group by candidate.order_id
),

order_signals as (
    select
        candidates.order_id,
        candidates.order_number,
        candidates.customer_id,
        candidates.created_at,
        candidates.total_amount,
        candidates.payment_method,
        candidates.total_amount <= params.small_order          as is_small,
        coalesce(earlier.orders_in_prior_hour, 0)               as orders_in_prior_hour,
        coalesce(earlier.small_orders_prior_hour, 0)            as small_orders_prior_hour,
        earlier.earlier_avg
    from candidates
    cross join params
    left join earlier using (order_id)
),

flags as (
    select
        order_signals.*,
        order_signals.total_amount / nullif(order_signals.earlier_avg, 0)       as multiple,
        extract(epoch from order_signals.created_at - customers.signup_date) / 60 as age_minutes,
        order_signals.orders_in_prior_hour >= 3                                  as burst,
        order_signals.total_amount > 5 * order_signals.earlier_avg               as high_multiple,
        order_signals.created_at - customers.signup_date < interval '1 hour'     as new_account,
        order_signals.is_small and order_signals.small_orders_prior_hour >= 3    as card_testing
    from order_signals
    join customers using (customer_id)
),

final as (
    select
        order_id,
        order_number,
        customer_id,
        created_at,
        total_amount,
        payment_method,
        orders_in_prior_hour,
        round(multiple, 1)                                          as multiple_of_avg,
        floor(age_minutes)::bigint                                  as account_age_minutes,
        small_orders_prior_hour,
        least(100, case when burst then 30 else 0 end
                 + case when high_multiple then 30 else 0 end
                 + case when new_account then 40 else 0 end
                 + case when card_testing then 40 else 0 end)       as risk_score,
        concat_ws('; ',
            case when burst then 'burst: ' || orders_in_prior_hour || ' orders in the hour before' end,
            case when high_multiple then 'high_multiple: ' || round(multiple, 1) || ' times the earlier average' end,
            case when new_account then 'new_account: placed ' || floor(age_minutes) || ' minutes after signup' end,
            case when card_testing then 'card_testing: ' || small_orders_prior_hour || ' small orders in the hour before' end
        )                                                           as reasons
    from flags
    where burst or high_multiple or new_account or card_testing
)

select * from final
order by risk_score desc, created_at desc, order_id;
