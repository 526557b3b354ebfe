-- Segment customers, in total: what the list of segment_customers.sql adds up to, for the drill's first page.
--
-- question: How many customers are in this RFM segment as of as_of, and what have they spent?
-- grain:    one row
-- audience: customer
-- param:    scheme  | text | standard | standard, brief | the segments: standard (the R x F map, ten segments) or brief (the brief's seven)
-- param:    segment | text | Champions | Champions, Loyal Customers, Potential Loyalists, New Customers, Promising, Need Attention, About to Sleep, At Risk, Can't Lose Them, Hibernating, Recent Customers, Needs Attention | the segment to list, one of the scheme's (standard: the first ten; brief: Champions, Loyal Customers, Recent Customers, Potential Loyalists, At Risk, Hibernating, Needs Attention); a segment of the other scheme lists nobody; required
-- column:   customers  | customers | customers in the segment (rfm_segments' customers of that segment)
-- column:   net_sales  | GBP       | their net sales (the sum of their monetary)
--
-- rfm_customers.sql without its limit, counted.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v segment='At Risk' -f segment_customers_total.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?scheme} \else \set scheme standard \endif
\if :{?segment} \else \set segment Champions \endif

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
    )
    union all
    (
        select scored.*
        from rollups.rfm_scored as scored
        where :'scheme' = 'brief'
          and scored.brief_segment = :'segment'
          and scored.customer_id not in (select customer_id from rescored)
        order by scored.export_key
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
    count(*)                                    as customers,
    coalesce(sum(monetary), 0)::numeric(16, 2)  as net_sales
from final;
