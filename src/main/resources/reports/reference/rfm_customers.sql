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
-- The full-scan version, scored as reference/rfm_segments.sql scores (RfmReportsTest checks the
-- two agree).
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

rfm_base as (
    select
        orders.customer_id,
        (params.as_of::date - max(orders.created_at)::date) as recency_days,
        max(orders.created_at)::date                        as last_order_day,
        min(orders.created_at)::date                        as first_order_day,
        count(*)                                            as frequency,
        sum(order_sales.net_sales - coalesce(refunds_then.refunded, 0)) as monetary
    from params
    cross join orders
    left join status_then using (order_id)
    join order_sales using (order_id)
    left join refunds_then using (order_id)
    where orders.created_at <= params.as_of
      and coalesce(status_then.from_status, orders.status) not in ('cancelled', 'refunded')
    group by orders.customer_id, params.as_of
),

-- the 20/40/60/80th percentiles of each value (worst to best: the last order's day ascending)
boundaries as (
    select
        percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by last_order_day) as r_bounds,
        percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by frequency)      as f_bounds,
        percentile_disc(array[0.2, 0.4, 0.6, 0.8]) within group (order by monetary)       as m_bounds
    from rfm_base
),

rfm_scores as (
    select
        rfm_base.*,
        1 + (select count(*) from unnest(boundaries.r_bounds) as b where rfm_base.last_order_day > b)::int as r_score,
        1 + (select count(*) from unnest(boundaries.f_bounds) as b where rfm_base.frequency > b)::int      as f_score,
        1 + (select count(*) from unnest(boundaries.m_bounds) as b where rfm_base.monetary > b)::int       as m_score
    from rfm_base, boundaries
),

rfm_segments as (
    select
        *,
        case :'scheme'
            when 'brief' then
                case
                    when r_score >= 4 and f_score >= 4 and m_score >= 4 then 'Champions'
                    when r_score >= 4 and f_score >= 2                  then 'Loyal Customers'
                    when r_score >= 4 and f_score = 1                   then 'Recent Customers'
                    when r_score = 3 and f_score >= 3                   then 'Potential Loyalists'
                    when r_score = 2 and f_score >= 4                   then 'At Risk'
                    when r_score <= 2 and f_score <= 2                  then 'Hibernating'
                    else 'Needs Attention'
                end
            else
                case
                    when r_score = 5 and f_score >= 4                   then 'Champions'
                    when r_score >= 3 and f_score >= 4                  then 'Loyal Customers'
                    when r_score >= 4 and f_score >= 2                  then 'Potential Loyalists'
                    when r_score = 5                                    then 'New Customers'
                    when r_score = 4                                    then 'Promising'
                    when r_score = 3 and f_score = 3                    then 'Need Attention'
                    when r_score = 3                                    then 'About to Sleep'
                    when f_score = 5                                    then 'Can''t Lose Them'
                    when f_score >= 3                                   then 'At Risk'
                    else 'Hibernating'
                end
        end as segment
    from rfm_scores
),

final as (
    select
        customers.customer_id,
        customers.email,
        customers.first_name,
        customers.last_name,
        rfm_segments.recency_days,
        rfm_segments.frequency,
        rfm_segments.monetary,
        rfm_segments.r_score,
        rfm_segments.f_score,
        rfm_segments.m_score,
        rfm_segments.segment,
        rfm_segments.first_order_day
    from rfm_segments
    join customers using (customer_id)
    where rfm_segments.segment = :'segment'
),

listed as (
    select * from final
    order by monetary desc, customer_id
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

-- each listed customer's history in the models' terms: repeat orders, weeks from the first order
-- to the last and to as_of (shop days)
histories as (
    select
        listed.*,
        (listed.frequency - 1)::int                                                  as repeats,
        (params.as_of::date - listed.recency_days - listed.first_order_day) / 7.0          as last_week,
        (params.as_of::date - listed.first_order_day) / 7.0                               as age_weeks
    from listed
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

select customer_id, email, first_name, last_name, recency_days, frequency, monetary, r_score, f_score, m_score, segment,
    p_active,
    round(orders_ahead::numeric, 2)                                                     as expected_orders_12m,
    round((orders_ahead * clv_expected_order_value(p, q, gamma, frequency::int, (monetary / frequency)::float8)
          )::numeric, 2)                                                                as expected_net_sales_12m
from predicted
order by monetary desc, customer_id;
