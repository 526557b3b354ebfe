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
-- the brief's, unchanged (rfm_segment()).
-- Read from the RFM rollups: the sums per segment of the last scoring of every buyer, less
-- the scored rows of the customers whose score has moved since (changed customers and those near
-- a quintile end, rfm_rescored(as_of)), plus their rows as of as_of.
-- psql: psql -v as_of="'2026-06-30 12:00'" -f rfm_segments.sql

\if :{?as_of} \else \set as_of 'now()' \endif

with

params as (
    select (:as_of::timestamptz)::date - date '2000-01-01' as as_of_day
),

rescored as (
    select * from rfm_rescored(:as_of::timestamptz)
),

-- per segment: customers, spend, orders and days since the last order, as sums
segment_sums as (
    select segment, customers, spend, orders, customers * params.as_of_day - last_days as days_since_order
    from rollups.rfm_segments, params
    union all
    select segment, change, change * monetary, change * frequency, change * recency_days
    from rescored
),

segment_names (segment) as (
    values ('Champions'), ('Loyal Customers'), ('Recent Customers'), ('Potential Loyalists'),
           ('At Risk'), ('Hibernating'), ('Needs Attention')
),

final as (
    select
        segment_names.segment,
        coalesce(sum(segment_sums.customers), 0)::bigint                                            as customers,
        round(sum(segment_sums.spend) / nullif(sum(segment_sums.customers), 0), 2)                  as avg_spend,
        round(sum(segment_sums.orders) / nullif(sum(segment_sums.customers), 0), 1)                 as avg_orders,
        round(sum(segment_sums.days_since_order) / nullif(sum(segment_sums.customers), 0))          as avg_days_since_order
    from segment_names
    left join segment_sums using (segment)
    group by segment_names.segment
)

select * from final
order by avg_spend desc nulls last, segment;
