-- RFM segments: who are our best customers, and who is slipping away?
--
-- question: How many customers are in each RFM segment, and how much do they spend, how often, and how long ago?
-- grain:    one row per segment (all seven, empty ones with 0 customers), highest average spend first
-- audience: aggregate
-- column:   segment               | text      | Champions, Loyal Customers, Recent Customers, Potential Loyalists, At Risk, Hibernating or Needs Attention
-- column:   customers             | customers | customers in the segment
-- column:   avg_spend             | GBP       | their average spend (monetary), to the penny
-- column:   avg_orders            | orders    | their average number of orders, one decimal
-- column:   avg_days_since_order  | days      | their average days from the last order to as_of's day, whole days
--
-- Customers with at least one order placed up to as_of and not cancelled or refunded (their
-- current status). Each score is the customer's quintile (NTILE(5)) among those customers:
--   r_score  5 = most recent buyers (fewest days since the last order), 1 = longest ago
--   f_score  5 = most orders;  m_score  5 = highest spend
-- Ties go in a fixed order (by the value, then customer_id), so a rerun scores everyone alike.
-- The brief ordered recency ascending, which gave the most recent buyers r_score 1, the
-- opposite of its own comment: its Champions were its lapsed customers. The segment rules are
-- the brief's, unchanged. Scores and segments come from rfm_scores(as_of) (migration V6_3), which
-- rfm_customers.sql reads too: one definition of the scoring, over the customer rollups.
-- psql: psql -v as_of="'2026-06-30 12:00'" -f rfm_segments.sql

\if :{?as_of} \else \set as_of 'now()' \endif

with

rfm_segments as (
    select * from rfm_scores(:as_of::timestamptz)
),

segment_names (segment) as (
    values ('Champions'), ('Loyal Customers'), ('Recent Customers'), ('Potential Loyalists'),
           ('At Risk'), ('Hibernating'), ('Needs Attention')
),

final as (
    select
        segment_names.segment,
        count(rfm_segments.customer_id)               as customers,
        round(avg(rfm_segments.monetary), 2)          as avg_spend,
        round(avg(rfm_segments.frequency), 1)         as avg_orders,
        round(avg(rfm_segments.recency_days))         as avg_days_since_order
    from segment_names
    left join rfm_segments using (segment)
    group by segment_names.segment
)

select * from final
order by avg_spend desc nulls last, segment;
