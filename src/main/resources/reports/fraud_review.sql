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
-- A queue, not the whole list: the first `limit` rows, riskiest first. The list grows with the
-- shop (2,716 orders over 30 days at scale 10, two in three an honest customer's unusually large
-- order): every row is still scored, but only a page is sent; `bench fraud` asks for all of it.
-- From the rollups (rollups.order_risk): the orders that may be a burst, a high multiple or
-- a new account's are the candidates, with the orders in the hour before each possible burst (its
-- earlier orders, for in_burst). Each one's figures are its rollup row's (folded and pending rows
-- of its key summed: its own total, whether it counts now, its customer's earlier orders, their
-- total and those in the hour before, counted by their status now), not recounted from its
-- customer's raw orders. The status of an order at as_of differs from its status now only for
-- orders cancelled or refunded since (a cancellation or refund is final): those are live then, and
-- what they give their customers' later orders is added to the rollup's figures (none for "now").
-- The small orders in the hour before, whose threshold is a parameter, are the rollup's rows of
-- the customer in that hour, each with its total and whether it counted then. Only the page shown
-- is looked up in orders: its order numbers, payment methods and statuses at as_of (on a Citus
-- cluster the one round to the shards but for the returns since as_of; everything before it reads
-- the coordinator's rollup). Exact as long as the rollup is (RollupExactnessTest compares it with
-- its rebuild).
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -v small_order=15 -v limit=100 -f fraud_review.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
\if :{?small_order} \else \set small_order 15 \endif
\if :{?limit} \else \set limit 100 \endif

with

params as (
    select :small_order::numeric as small_order
),

-- the orders live at as_of (placed by then, not cancelled or refunded then) and cancelled or
-- refunded since: none for "now" (orders_returned_since(), R__22_sales_model.sql)
live_then as (
    select * from orders_returned_since(:as_of::timestamptz)
),

-- the window's orders of their customers placed after one of them (their keys in the rollup, by
-- customer), with what those give them: the rollup's figures leave them out (returned now), the
-- order's history at as_of has them
live_then_gives as (
    select later.order_id, later.customer_id, later.created_at,
           count(*)                                                                   as orders,
           sum(live_then.total_amount)                                                as revenue,
           count(*) filter (where live_then.created_at >= later.created_at - interval '1 hour') as prior_hour
    from (
        select folded.order_id, folded.customer_id, folded.created_at
        from rollups.order_risk_folded as folded
        where folded.customer_id = any (array(select customer_id from live_then))
          and folded.created_at >= date_trunc('day', :as_of::timestamptz) - make_interval(days => :days::int - 1)
          and folded.created_at <= :as_of::timestamptz
        union
        select pending.order_id, pending.customer_id, pending.created_at
        from rollups.order_risk_pending as pending
        where pending.customer_id = any (array(select customer_id from live_then))
          and pending.created_at >= date_trunc('day', :as_of::timestamptz) - make_interval(days => :days::int - 1)
          and pending.created_at <= :as_of::timestamptz
    ) as later
    join live_then
      on live_then.customer_id = later.customer_id
     and live_then.created_at < later.created_at
    group by later.order_id, later.customer_id, later.created_at
),

-- the window's rows of the order-risk rollup that may be a candidate's: every pending row (changes
-- not folded in yet), the folded rows that may be a burst, a high multiple or a new account's
-- (their partial index), and the folded rows of the keys with pending rows or an as-of correction,
-- whose figures are the sum. The window (the last `days` shop days up to as_of) is written out
-- in each read, so the planner sees it.
pending_rows as (
    select pending.order_id, pending.customer_id, pending.created_at, pending.total_amount, pending.counted,
           pending.earlier_orders, pending.earlier_revenue, pending.prior_hour_orders, pending.new_account
    from rollups.order_risk_pending as pending
    where pending.created_at >= date_trunc('day', :as_of::timestamptz) - make_interval(days => :days::int - 1)
      and pending.created_at <= :as_of::timestamptz
),

risk_rows as (
    select folded.order_id, folded.customer_id, folded.created_at, folded.total_amount, folded.counted,
           folded.earlier_orders, folded.earlier_revenue, folded.prior_hour_orders, folded.new_account
    from rollups.order_risk_folded as folded
    where folded.created_at >= date_trunc('day', :as_of::timestamptz) - make_interval(days => :days::int - 1)
      and folded.created_at <= :as_of::timestamptz
      and (folded.prior_hour_orders >= 3
           or (folded.earlier_orders > 0 and folded.total_amount * folded.earlier_orders >= 5 * folded.earlier_revenue)
           or folded.new_account > 0)
    union all
    select * from pending_rows
    union all
    select folded.order_id, folded.customer_id, folded.created_at, folded.total_amount, folded.counted,
           folded.earlier_orders, folded.earlier_revenue, folded.prior_hour_orders, folded.new_account
    from rollups.order_risk_folded as folded
    where folded.order_id = any (array(select order_id from pending_rows
                                       union
                                       select order_id from live_then_gives))
      and folded.created_at >= date_trunc('day', :as_of::timestamptz) - make_interval(days => :days::int - 1)
      and folded.created_at <= :as_of::timestamptz
      and not (folded.prior_hour_orders >= 3
               or (folded.earlier_orders > 0 and folded.total_amount * folded.earlier_orders >= 5 * folded.earlier_revenue)
               or folded.new_account > 0)
),

-- each key's figures at as_of: the rollup's (its customer's earlier orders counted by their status
-- now) plus what the orders live then and returned since give it. Those are the reference's
-- figures but for the small orders: the rollup is exact (RollupExactnessTest), and an order's
-- status then differs from its status now only for those orders. A key is live at as_of when its
-- order counts now (a key an order has left counts 0) or is one of those.
risk_then as (
    select risk.order_id, risk.customer_id, risk.created_at, risk.total_amount, risk.new_account,
           (risk.earlier_orders + coalesce(gives.orders, 0))::bigint        as earlier_orders,
           risk.earlier_revenue + coalesce(gives.revenue, 0)                as earlier_revenue,
           (risk.prior_hour_orders + coalesce(gives.prior_hour, 0))::bigint as prior_hour_orders
    from (
        select order_id, customer_id, created_at, sum(total_amount) as total_amount, sum(counted) as counted,
               sum(earlier_orders) as earlier_orders, sum(earlier_revenue) as earlier_revenue,
               sum(prior_hour_orders) as prior_hour_orders, sum(new_account) as new_account
        from risk_rows
        group by order_id, customer_id, created_at
    ) as risk
    left join live_then_gives as gives
      on gives.order_id = risk.order_id
     and gives.customer_id = risk.customer_id
     and gives.created_at = risk.created_at
    left join live_then
      on live_then.order_id = risk.order_id
     and live_then.customer_id = risk.customer_id
     and live_then.created_at = risk.created_at
    where risk.counted > 0 or live_then.order_id is not null
),

-- possible bursts (and so card testing), high multiples (>= rather than >: the flag compares with
-- a rounded average) and new accounts, live at as_of
candidates as (
    select *
    from risk_then
    where risk_then.prior_hour_orders >= 3
       or (risk_then.earlier_orders > 0
           and risk_then.total_amount * risk_then.earlier_orders >= 5 * risk_then.earlier_revenue)
       or risk_then.new_account > 0
),

-- the window's orders placed within the hour before a possible burst of their customer, live at
-- as_of: its earlier orders (in_burst), whatever their own figures, with their figures at as_of as
-- the candidates'. The bursts are gathered into arrays and joined with the rollup's rows as a set
-- (a probe of the rows' customer index per burst; two bursts of a customer at one moment, once).
neighbour_rows as (
    select rows.order_id, rows.customer_id, rows.created_at, sum(rows.total_amount) as total_amount,
           sum(rows.counted) as counted, sum(rows.earlier_orders) as earlier_orders,
           sum(rows.earlier_revenue) as earlier_revenue, sum(rows.prior_hour_orders) as prior_hour_orders,
           sum(rows.new_account) as new_account
    from (select array_agg(customer_id) as customer_ids, array_agg(created_at) as placed
          from (select distinct customer_id, created_at
                from candidates
                where candidates.prior_hour_orders >= 3) as bursts) as gathered
    cross join unnest(gathered.customer_ids, gathered.placed) as burst (customer_id, created_at)
    cross join lateral (
        select folded.order_id, folded.customer_id, folded.created_at, folded.total_amount, folded.counted,
               folded.earlier_orders, folded.earlier_revenue, folded.prior_hour_orders, folded.new_account
        from rollups.order_risk_folded as folded
        where folded.customer_id = burst.customer_id
          and folded.created_at >= burst.created_at - interval '1 hour'
          and folded.created_at < burst.created_at
        union all
        select pending.order_id, pending.customer_id, pending.created_at, pending.total_amount, pending.counted,
               pending.earlier_orders, pending.earlier_revenue, pending.prior_hour_orders, pending.new_account
        from rollups.order_risk_pending as pending
        where pending.customer_id = burst.customer_id
          and pending.created_at >= burst.created_at - interval '1 hour'
          and pending.created_at < burst.created_at
    ) as rows
    where rows.created_at >= date_trunc('day', :as_of::timestamptz) - make_interval(days => :days::int - 1)
    group by rows.order_id, rows.customer_id, rows.created_at, burst.customer_id, burst.created_at
),

neighbours as (
    select distinct on (rows.order_id) rows.order_id, rows.customer_id, rows.created_at, rows.total_amount,
           rows.new_account,
           (rows.earlier_orders + coalesce(gives.orders, 0))::bigint        as earlier_orders,
           rows.earlier_revenue + coalesce(gives.revenue, 0)                as earlier_revenue,
           (rows.prior_hour_orders + coalesce(gives.prior_hour, 0))::bigint as prior_hour_orders
    from neighbour_rows as rows
    left join live_then_gives as gives
      on gives.order_id = rows.order_id
     and gives.customer_id = rows.customer_id
     and gives.created_at = rows.created_at
    left join live_then
      on live_then.order_id = rows.order_id
     and live_then.customer_id = rows.customer_id
     and live_then.created_at = rows.created_at
    where (rows.counted > 0 or live_then.order_id is not null)
      and not exists (select 1 from candidates where candidates.order_id = rows.order_id)
    order by rows.order_id
),

reviewed as (
    select order_id, customer_id, created_at, total_amount, new_account, earlier_orders, earlier_revenue,
           prior_hour_orders
    from candidates
    union all
    select order_id, customer_id, created_at, total_amount, new_account, earlier_orders, earlier_revenue,
           prior_hour_orders
    from neighbours
),

-- the small orders in the hour before each reviewed order with any order in that hour, counted at
-- as_of (counted now, or live then and returned since), the one figure the rollup does not keep
-- (the threshold is a parameter): the rollup's rows of its customer in that hour, gathered as the
-- bursts are
small_prior_hour as (
    select earlier.reviewed_id as order_id, count(*) as small_orders
    from (
        select reviewed.order_id as reviewed_id, rows.order_id, rows.customer_id, rows.created_at,
               sum(rows.total_amount) as total_amount, sum(rows.counted) as counted
        from (select array_agg(order_id) as order_ids, array_agg(customer_id) as customer_ids,
                     array_agg(created_at) as placed
              from reviewed
              where reviewed.prior_hour_orders > 0) as gathered
        cross join unnest(gathered.order_ids, gathered.customer_ids, gathered.placed)
                   as reviewed (order_id, customer_id, created_at)
        cross join lateral (
            select folded.order_id, folded.customer_id, folded.created_at, folded.total_amount, folded.counted
            from rollups.order_risk_folded as folded
            where folded.customer_id = reviewed.customer_id
              and folded.created_at >= reviewed.created_at - interval '1 hour'
              and folded.created_at < reviewed.created_at
            union all
            select pending.order_id, pending.customer_id, pending.created_at, pending.total_amount, pending.counted
            from rollups.order_risk_pending as pending
            where pending.customer_id = reviewed.customer_id
              and pending.created_at >= reviewed.created_at - interval '1 hour'
              and pending.created_at < reviewed.created_at
        ) as rows
        group by reviewed.order_id, rows.order_id, rows.customer_id, rows.created_at
    ) as earlier
    cross join params
    left join live_then
      on live_then.order_id = earlier.order_id
     and live_then.customer_id = earlier.customer_id
     and live_then.created_at = earlier.created_at
    where earlier.total_amount <= params.small_order
      and (earlier.counted > 0 or live_then.order_id is not null)
    group by earlier.reviewed_id
),

-- the average total_sales of the earlier orders is their sum over their count, as avg() divides
order_signals as (
    select
        reviewed.order_id,
        reviewed.customer_id,
        reviewed.created_at,
        reviewed.total_amount                                                as total_sales,
        reviewed.total_amount <= params.small_order                         as is_small,
        reviewed.prior_hour_orders                                           as orders_in_prior_hour,
        reviewed.new_account > 0                                             as new_account,
        coalesce(small_prior_hour.small_orders, 0)                           as small_orders_prior_hour,
        reviewed.earlier_revenue / nullif(reviewed.earlier_orders, 0)        as earlier_avg
    from reviewed
    cross join params
    left join small_prior_hour using (order_id)
),

-- new_account is the rollup's (placed less than an hour after the customer's signup)
flags as (
    select
        order_signals.*,
        order_signals.total_sales / nullif(order_signals.earlier_avg, 0)        as multiple,
        order_signals.orders_in_prior_hour >= 3                                  as burst,
        order_signals.total_sales > 5 * order_signals.earlier_avg                as high_multiple,
        order_signals.is_small and order_signals.small_orders_prior_hour >= 3    as card_testing
    from order_signals
),

-- the orders placed within the hour before a burst order of their customer: the burst's earlier
-- orders (each named with the first burst order after it)
burst_members as (
    select distinct on (member.order_id) member.order_id, burst.order_id as burst_order_id
    from flags as member
    join flags as burst
      on burst.customer_id = member.customer_id
     and burst.burst
     and burst.created_at > member.created_at
     and burst.created_at <= member.created_at + interval '1 hour'
    order by member.order_id, burst.created_at, burst.order_id
),

-- the page: the flagged orders, riskiest first, the first `limit` of them
flagged as (
    select
        flags.*,
        burst_members.burst_order_id,
        least(100, case when burst or burst_order_id is not null then 30 else 0 end
                 + case when high_multiple then 30 else 0 end
                 + case when new_account then 40 else 0 end
                 + case when card_testing then 40 else 0 end) as risk_score
    from flags
    left join burst_members using (order_id)
    where burst or burst_order_id is not null or high_multiple or new_account or card_testing
    order by risk_score desc, created_at desc, order_id
    limit :limit::int
),

-- the page's orders and the bursts they name, as the page shows them: their numbers, payment
-- methods, statuses at as_of and customers' signups (orders_shown_as_of(), R__22_sales_model.sql:
-- the one read of the orders, so on a Citus cluster this query reads only the coordinator's rollups)
shown as (
    select *
    from orders_shown_as_of(array(select order_id from flagged union select burst_order_id from flagged),
                            :as_of::timestamptz)
),

final as (
    select
        flagged.order_id,
        shown.order_number,
        flagged.customer_id,
        flagged.created_at,
        shown.status,
        flagged.total_sales,
        shown.payment_method,
        flagged.orders_in_prior_hour,
        round(flagged.multiple, 1)                                  as multiple_of_avg,
        floor(extract(epoch from flagged.created_at - shown.signup_date) / 60)::bigint as account_age_minutes,
        flagged.small_orders_prior_hour,
        flagged.risk_score,
        concat_ws('; ',
            case when flagged.burst then 'burst: ' || flagged.orders_in_prior_hour || ' orders in the hour before' end,
            case when flagged.burst_order_id is not null and not flagged.burst
                 then 'in_burst: placed in the hour before burst order ' || burst_shown.order_number end,
            case when flagged.high_multiple then 'high_multiple: ' || round(flagged.multiple, 1) || ' times the earlier average' end,
            case when flagged.new_account
                 then 'new_account: placed ' || floor(extract(epoch from flagged.created_at - shown.signup_date) / 60)
                      || ' minutes after signup' end,
            case when flagged.card_testing then 'card_testing: ' || flagged.small_orders_prior_hour || ' small orders in the hour before' end
        )                                                           as reasons
    from flagged
    join shown on shown.order_id = flagged.order_id
    left join shown as burst_shown on burst_shown.order_id = flagged.burst_order_id
)

select * from final
order by risk_score desc, created_at desc, order_id;
