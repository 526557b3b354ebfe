-- RFM customers: the customer list behind a segment, for a campaign export.
--
-- question: Which customers are in a given RFM segment, with their scores and contact details?
-- grain:    one row per customer in the segment, highest spend first, the top N
-- audience: customer
-- param:    segment | text | Champions | Champions, Loyal Customers, Recent Customers, Potential Loyalists, At Risk, Hibernating, Needs Attention | the segment to list
-- param:    limit   | integer | 1000 | 1..10000000 | number of customers to list, highest spend first (a campaign export: raise it to list the whole segment)
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
-- Scores and segments exactly as in rfm_segments.sql, from the same RFM rollups: the
-- segment's customers at the last scoring of every buyer, less the customers whose score has
-- moved since (rfm_rescored(as_of)), plus those of them in the segment as of as_of. The kept rows
-- carry the customer's email and name (kept current by a trigger on customers) and lie in the
-- report's order: export_key, one bigint, sorts as "monetary desc, customer_id" does, so the
-- final sort finds the kept rows already in order; only the moved customers are looked up in
-- customers. The segment is a bound value from the allowed list.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v segment='Loyal Customers' -v limit=1000 -f rfm_customers.sql

\if :{?as_of} \else \set as_of 'now()' \endif
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
-- idx_rollup_rfm_scored_export that stops after N rows (no moved customer ranks among the
-- final N unless it ranks among these N with them)
kept as (
    select
        scored.customer_id,
        scored.email,
        scored.first_name,
        scored.last_name,
        -- rfm_recency_days(), as_of's day worked out once
        (select as_of_day from params) - (scored.recency_key >> 32)::int  as recency_days,
        scored.orders                                        as frequency,
        scored.spend                                         as monetary,
        scored.r_score,
        scored.f_score,
        scored.m_score,
        scored.segment,
        scored.export_key
    from rollups.rfm_scored as scored
    where scored.segment = :'segment'
      and scored.customer_id not in (select customer_id from rescored)
    order by scored.export_key
    limit :limit
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
        rescored.segment,
        2 * rescored.customer_id - rfm_key((rescored.monetary * 100)::bigint, rescored.customer_id) as export_key
    from rescored
    join customers using (customer_id)
    where rescored.change = 1
      and rescored.segment = :'segment'
),

final as (
    select * from kept
    union all
    select * from moved
)

select
    customer_id, email, first_name, last_name, recency_days, frequency, monetary, r_score, f_score, m_score, segment
from final
-- monetary desc, customer_id
order by export_key
limit :limit;
