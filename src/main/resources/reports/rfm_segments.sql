-- RFM segments: who are our best customers, and who is slipping away?
--
-- question: How many customers are in each RFM segment, and how much do they spend, how often, and how long ago?
-- grain:    one row per segment of the scheme (all of them, empty ones with 0 customers), highest average net sales first
-- audience: aggregate
-- param:    scheme | text | standard | standard, brief | the segments: standard (the R x F map, ten segments) or brief (the brief's seven)
-- column:   segment               | text      | the segment: Champions, Loyal Customers, Potential Loyalists, New Customers, Promising, Need Attention, About to Sleep, At Risk, Can't Lose Them or Hibernating (scheme brief: Champions, Loyal Customers, Recent Customers, Potential Loyalists, At Risk, Hibernating or Needs Attention)
-- column:   customers             | customers | customers in the segment
-- column:   avg_net_sales         | GBP       | their average net sales (monetary), to the penny
-- column:   avg_orders            | orders    | their average number of counted orders, one decimal
-- column:   avg_days_since_order  | days      | their average days from the last counted order to as_of's day, whole days
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
-- Read from the RFM rollups: the sums per score cell of the last scoring of every buyer, less
-- the scored rows of the customers whose score has moved since (changed customers and those near
-- a quintile boundary, rfm_rescored(as_of)), plus their rows as of as_of, grouped by segment.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v scheme=standard -f rfm_segments.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?scheme} \else \set scheme standard \endif

with

params as (
    select (:as_of::timestamptz)::date - date '2000-01-01' as as_of_day
),

rescored as (
    select * from rfm_rescored(:as_of::timestamptz)
),

-- per score cell: customers, net sales, orders and days since the last order, as sums
cell_sums as (
    select r_score, f_score, m_score, customers, spend, orders, customers * params.as_of_day - last_days as days_since_order
    from rollups.rfm_cells, params
    union all
    select r_score, f_score, m_score, change, change * monetary, change * frequency, change * recency_days
    from rescored
),

segment_sums as (
    select rfm_segment(:'scheme', r_score, f_score, m_score) as segment, customers, spend, orders, days_since_order
    from cell_sums
),

segment_names as (
    select unnest(rfm_segment_names(:'scheme')) as segment
),

final as (
    select
        segment_names.segment,
        coalesce(sum(segment_sums.customers), 0)::bigint                                            as customers,
        round(sum(segment_sums.spend) / nullif(sum(segment_sums.customers), 0), 2)                  as avg_net_sales,
        round(sum(segment_sums.orders) / nullif(sum(segment_sums.customers), 0), 1)                 as avg_orders,
        round(sum(segment_sums.days_since_order) / nullif(sum(segment_sums.customers), 0))          as avg_days_since_order
    from segment_names
    left join segment_sums using (segment)
    group by segment_names.segment
)

select * from final
order by avg_net_sales desc nulls last, segment;
