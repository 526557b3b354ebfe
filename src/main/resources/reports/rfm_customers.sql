-- RFM customers: the customer list behind a segment, for a campaign export.
--
-- question: Which customers are in a given RFM segment, with their scores and contact details?
-- grain:    one row per customer in the segment, highest spend first
-- audience: customer
-- param:    segment | text | Champions | Champions, Loyal Customers, Recent Customers, Potential Loyalists, At Risk, Hibernating, Needs Attention | the segment to list
-- column:   customer_id   | id     | the customer
-- column:   email         | text   | the customer's email address | personal
-- column:   first_name    | text   | the customer's first name | personal
-- column:   last_name     | text   | the customer's last name | personal
-- column:   recency_days  | days   | days from the last order to as_of's day
-- column:   frequency     | orders | orders placed
-- column:   monetary      | GBP    | total spend
-- column:   r_score       | 1-5    | recency quintile, 5 = most recent
-- column:   f_score       | 1-5    | frequency quintile, 5 = most orders
-- column:   m_score       | 1-5    | monetary quintile, 5 = highest spend
-- column:   segment       | text   | the segment
--
-- Scores and segments exactly as in rfm_segments.sql, from the same RFM rollups (V8_1): the
-- segment's customers at the last scoring of every buyer, less the customers whose score has
-- moved since (rfm_rescored(as_of)), plus those of them in the segment as of as_of. The segment is
-- a bound value from the allowed list.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v segment='Loyal Customers' -f rfm_customers.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?segment} \else \set segment Champions \endif

with

params as (
    select :as_of::timestamptz as as_of
),

rescored as (
    select rescored.* from params, rfm_rescored(params.as_of) as rescored
),

rfm_segments as (
    select
        scored.customer_id,
        rfm_recency_days(params.as_of, scored.recency_key)  as recency_days,
        scored.orders                                        as frequency,
        scored.spend                                         as monetary,
        scored.r_score,
        scored.f_score,
        scored.m_score,
        scored.segment
    from rollup_rfm_scored as scored, params
    where scored.customer_id not in (select customer_id from rescored)
    union all
    select rescored.customer_id, rescored.recency_days, rescored.frequency, rescored.monetary,
           rescored.r_score, rescored.f_score, rescored.m_score, rescored.segment
    from rescored
    where rescored.change = 1
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
        rfm_segments.segment
    from rfm_segments
    -- each customer by its key: cheaper than hashing every customer for a segment's few thousand
    -- ("offset 0" keeps it so)
    cross join lateral (
        select * from customers where customers.customer_id = rfm_segments.customer_id offset 0
    ) as customers
    where rfm_segments.segment = :'segment'  -- read through idx_rollup_rfm_scored_segment
)

select * from final
order by monetary desc, customer_id;
