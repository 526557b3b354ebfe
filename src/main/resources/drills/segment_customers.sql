-- Segment customers: the customers behind one segment of rfm_segments, a page at a time.
--
-- question: Which customers are in this RFM segment as of as_of, highest net sales first?
-- grain:    one row per customer in the segment, highest net sales first (then customer_id); at most limit + 1 rows from the cursor on
-- audience: customer
-- param:    scheme  | text | standard | standard, brief | the segments: standard (the R x F map, ten segments) or brief (the brief's seven)
-- param:    segment | text | Champions | Champions, Loyal Customers, Potential Loyalists, New Customers, Promising, Need Attention, About to Sleep, At Risk, Can't Lose Them, Hibernating, Recent Customers, Needs Attention | the segment to list, one of the scheme's (standard: the first ten; brief: Champions, Loyal Customers, Recent Customers, Potential Loyalists, At Risk, Hibernating, Needs Attention); a segment of the other scheme lists nobody; required
-- param:    limit   | integer | 50 | 1..1000 | rows per page (one more is read, to tell whether another page follows)
-- param:    after_export_key | text |  | any | keyset: start after the customer with this export_key (the API's cursor sets it; empty: the first page)
-- column:   customer_id   | id     | the customer
-- column:   email         | text   | the customer's email address | personal
-- column:   first_name    | text   | the customer's first name | personal
-- column:   last_name     | text   | the customer's last name | personal
-- column:   recency_days  | days   | days from the last counted order to as_of's day
-- column:   frequency     | orders | counted orders
-- column:   monetary      | GBP    | net sales of those orders
-- column:   r_score       | 1-5    | recency score, 5 = most recent
-- column:   f_score       | 1-5    | frequency score, 5 = most orders
-- column:   m_score       | 1-5    | monetary score, 5 = highest net sales
-- column:   segment       | text   | the segment
-- column:   export_key    | key    | the list's order as one number (monetary desc, customer_id), where the next page starts
--
-- rfm_customers.sql paged by its own order key (export_key): the same rows, in the same order,
-- from the same rollups; each page an ordered scan of the scheme's export index from where the
-- last one ended. Its customers are rfm_segments' customers of that segment
-- (segment_customers_total.sql counts them). Analysts only: the rows name people.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v segment='At Risk' -v limit=50 -f segment_customers.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?scheme} \else \set scheme standard \endif
\if :{?segment} \else \set segment Champions \endif
\if :{?limit} \else \set limit 50 \endif
\if :{?after_export_key} \else \set after_export_key '' \endif

with

params as (
    select
        given.as_of,
        given.as_of::date - date '2000-01-01'                as as_of_day,  -- shop days after 2000-01-01
        coalesce(nullif(:'after_export_key', '')::bigint, -9223372036854775808) as after_export_key
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
          and scored.export_key > (select after_export_key from params)
        order by scored.export_key
        limit :limit + 1
    )
    union all
    (
        select scored.*
        from rollups.rfm_scored as scored
        where :'scheme' = 'brief'
          and scored.brief_segment = :'segment'
          and scored.customer_id not in (select customer_id from rescored)
          and scored.export_key > (select after_export_key from params)
        order by scored.export_key
        limit :limit + 1
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
)

select
    customer_id, email, first_name, last_name, recency_days, frequency, monetary, r_score, f_score, m_score, segment,
    export_key
from final
where export_key > (select after_export_key from params)
-- monetary desc, customer_id
order by export_key
limit :limit + 1;
