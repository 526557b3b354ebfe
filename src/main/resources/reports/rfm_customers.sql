-- RFM customers: the customer list behind a segment, for a campaign export.
--
-- question: Which customers are in a given RFM segment, with their scores and contact details?
-- grain:    one row per customer in the segment, highest net sales first, the top N
-- audience: customer
-- param:    scheme  | text | standard | standard, brief | the segments: standard (the R x F map, ten segments) or brief (the brief's seven)
-- param:    segment | text | Champions | Champions, Loyal Customers, Potential Loyalists, New Customers, Promising, Need Attention, About to Sleep, At Risk, Can't Lose Them, Hibernating, Recent Customers, Needs Attention | the segment to list, one of the scheme's (standard: the first ten; brief: Champions, Loyal Customers, Recent Customers, Potential Loyalists, At Risk, Hibernating, Needs Attention); a segment of the other scheme lists nobody
-- param:    limit   | integer | 1000 | 1..10000000 | number of customers to list, highest net sales first (a campaign export: raise it to list the whole segment)
-- column:   customer_id   | id     | the customer
-- column:   email         | text   | the customer's email address | personal
-- column:   first_name    | text   | the customer's first name | personal
-- column:   last_name     | text   | the customer's last name | personal
-- column:   recency_days  | days   | days from the last counted order to as_of's day
-- column:   frequency     | orders | counted orders
-- column:   monetary      | GBP    | net sales of those orders, less their partial refunds up to as_of
-- column:   r_score       | 1-5    | recency score, 5 = most recent
-- column:   f_score       | 1-5    | frequency score, 5 = most orders
-- column:   m_score       | 1-5    | monetary score, 5 = highest net sales
-- column:   segment       | text   | the segment
-- column:   p_active      | 0-1    | predicted probability they are still a customer, to 3 places (null without a model)
-- column:   expected_orders_12m | orders | predicted orders in the 365 days after as_of, to 2 places (null likewise)
-- column:   expected_net_sales_12m | GBP | predicted net sales of those orders, to the penny (null likewise)
--
-- Customers with at least one counted order as of as_of: placed up to as_of and not cancelled or
-- refunded at as_of (each order's status then: a refund after as_of still counts). Their values:
--   recency    days from the last counted order's day to as_of's day (shop days)
--   frequency  counted orders
--   monetary   their net sales (R__22_sales_model.sql: lines after line discounts and the order's
--              coupon discount; no VAT, no shipping) less the partial refunds made on those orders
--              up to as_of (order_refunds: one made after as_of is not taken yet)
-- Each score comes from the value, never from a row number: the four quintile boundaries of a
-- value are the values at positions ceil(k * n / 5), k = 1..4, of the n buyers' values sorted
-- from worst to best (the 20/40/60/80th percentiles, percentile_disc: the first value with at
-- least k/5 of the buyers at or below it), and the score is 1 + the number of boundaries the
-- value is better than. Equal values get equal scores (every one-order buyer the same F), a
-- tie at a boundary takes the lower score, and a score can be empty when a tie spans two
-- boundaries.
--   r_score  5 = most recent (the latest last orders), 1 = longest ago
--   f_score  5 = most counted orders;  m_score  5 = highest net sales
-- Segments (scheme):
--   standard  the R x F map (m_score not used; all 25 cells covered): R 5 & F 4-5 Champions;
--             R 3-4 & F 4-5 Loyal Customers; R 4-5 & F 2-3 Potential Loyalists; R 5 & F 1 New
--             Customers; R 4 & F 1 Promising; R 3 & F 3 Need Attention; R 3 & F 1-2 About to
--             Sleep; R 1-2 & F 3-4 At Risk; R 1-2 & F 5 Can't Lose Them; R 1-2 & F 1-2 Hibernating
--   brief     the brief's seven, first match wins: R 4-5 & F 4-5 & M 4-5 Champions; R 4-5 & F 2-5
--             Loyal Customers; R 4-5 & F 1 Recent Customers; R 3 & F 3-5 Potential Loyalists;
--             R 2 & F 4-5 At Risk; R 1-2 & F 1-2 Hibernating; the rest Needs Attention
--             (rfm_segment() and rfm_brief_segment() in R__36_rollup_rfm.sql).
-- Scores and segments exactly as in rfm_segments.sql, from the same RFM rollups: the
-- segment's customers at the last scoring of every buyer, less the customers whose score has
-- moved since (rfm_rescored(as_of)), plus those of them in the segment as of as_of. The kept rows
-- carry both schemes' segments and the customer's email and name (kept current by a trigger on
-- customers) and lie in the report's order: export_key, one bigint, sorts as "monetary desc,
-- customer_id" does, so an ordered scan of the scheme's index finds the kept rows already in
-- order; only the moved customers are looked up in customers. Scheme and segment are bound
-- values from the allowed lists.
-- The predictions (docs/customer-value.md) come from the last fit of the MBG/NBD and Gamma-Gamma
-- models as of as_of (clv_fits; none, or one that found too little history: null) and the
-- customer's counted orders as of as_of, as in customer_lifetime.sql (R__70_customer_value.sql).
-- psql: psql -v as_of="'2026-06-30 12:00'" -v scheme=standard -v segment='Loyal Customers' -v limit=1000 -f rfm_customers.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?scheme} \else \set scheme standard \endif
\if :{?segment} \else \set segment Champions \endif
\if :{?limit} \else \set limit 1000 \endif

with

params as (
    select
        given.as_of,
        given.as_of::date - date '2000-01-01'                as as_of_day  -- shop days after 2000-01-01
    from (select :as_of::timestamptz as as_of) as given
),

rescored as (
    select rescored.* from params, rfm_rescored(params.as_of) as rescored
),

-- the segment's customers whose scored row holds, the first N in export order: an ordered scan of
-- idx_rollup_rfm_scored_export (standard) or idx_rollup_rfm_scored_brief_export (brief) that stops
-- after N rows (no moved customer ranks among the final N unless it ranks among these N with
-- them); the scheme not asked for is a branch that runs nothing
kept_rows as (
    (
        select scored.*
        from rollups.rfm_scored as scored
        where :'scheme' = 'standard'
          and scored.segment = :'segment'
          and scored.customer_id not in (select customer_id from rescored)
        order by scored.export_key
        limit :limit
    )
    union all
    (
        select scored.*
        from rollups.rfm_scored as scored
        where :'scheme' = 'brief'
          and scored.brief_segment = :'segment'
          and scored.customer_id not in (select customer_id from rescored)
        order by scored.export_key
        limit :limit
    )
),

kept as (
    select
        kept_rows.customer_id,
        kept_rows.email,
        kept_rows.first_name,
        kept_rows.last_name,
        -- rfm_recency_days(), as_of's day worked out once
        (select as_of_day from params) - (kept_rows.recency_key >> 32)::int  as recency_days,
        kept_rows.orders                                     as frequency,
        kept_rows.spend                                      as monetary,
        kept_rows.r_score,
        kept_rows.f_score,
        kept_rows.m_score,
        :'segment'::text                                     as segment,
        kept_rows.export_key
    from kept_rows
),

-- the segment's customers whose row has moved since the scoring, with their customer rows
moved as (
    select
        customers.customer_id,
        customers.email,
        customers.first_name,
        customers.last_name,
        rescored.recency_days,
        rescored.frequency,
        rescored.monetary,
        rescored.r_score,
        rescored.f_score,
        rescored.m_score,
        :'segment'::text                                     as segment,
        2 * rescored.customer_id - rfm_key((rescored.monetary * 100)::bigint, rescored.customer_id) as export_key
    from rescored
    join customers using (customer_id)
    where rescored.change = 1
      and rfm_segment(:'scheme', rescored.r_score, rescored.f_score, rescored.m_score) = :'segment'
),

final as (
    select * from kept
    union all
    select * from moved
),

listed as (
    select * from final
    -- monetary desc, customer_id
    order by export_key
    limit :limit
),

-- the listed customers' first counted orders: from their folded customer rollup row, or for those
-- whose row is not their answer as of as_of, from customer_orders_changed(as_of)
-- (R__35_rollup_customer_orders.sql)
changed_orders as (
    select changed.customer_id, changed.first_order_at
    from customer_orders_changed(:as_of::timestamptz) as changed
    where changed.customer_id in (select customer_id from listed)
),

listed_firsts as (
    select
        listed.*,
        coalesce(changed_orders.first_order_at, folded.first_order_at)::date as first_order_day
    from listed
    left join changed_orders using (customer_id)
    left join rollups.customer_orders_folded as folded using (customer_id)
),

-- the last fit of the customer-value models as of as_of
fit as (
    select clv_fits.*
    from clv_fits, params
    where clv_fits.as_of <= params.as_of
    order by clv_fits.as_of desc, clv_fits.fit_id desc
    limit 1
),

-- each listed customer's history in the models' terms: repeat orders, weeks from the first order
-- to the last and to as_of (shop days)
histories as (
    select
        listed_firsts.*,
        (listed_firsts.frequency - 1)::int                                                  as repeats,
        (params.as_of::date - listed_firsts.recency_days - listed_firsts.first_order_day) / 7.0          as last_week,
        (params.as_of::date - listed_firsts.first_order_day) / 7.0                               as age_weeks
    from listed_firsts
    cross join params
),

predicted as (
    select
        histories.*,
        round(clv_probability_active(fit.r, fit.alpha, fit.a, fit.b, histories.repeats,
                                     histories.last_week, histories.age_weeks)::numeric, 3)   as p_active,
        expected.orders                                                                        as orders_ahead,
        fit.p, fit.q, fit.gamma
    from histories
    left join fit on fit.reason is null
    -- 365 days ahead, in weeks
    left join lateral (
        select clv_expected_orders(fit.r, fit.alpha, fit.a, fit.b, histories.repeats, histories.last_week,
                                   histories.age_weeks, 365 / 7.0) as orders
    ) as expected on true
)

select
    customer_id, email, first_name, last_name, recency_days, frequency, monetary, r_score, f_score, m_score, segment,
    p_active,
    round(orders_ahead::numeric, 2)                                                     as expected_orders_12m,
    round((orders_ahead * clv_expected_order_value(p, q, gamma, frequency::int, (monetary / frequency)::float8)
          )::numeric, 2)                                                                as expected_net_sales_12m
from predicted
order by export_key;
