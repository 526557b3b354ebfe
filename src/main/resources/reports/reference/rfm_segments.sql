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
-- The full-scan version: every order's status at as_of (orders_as_of()'s rule), net sales from
-- order_sales, the boundaries by percentile_disc. RfmReportsTest and the rollup tests check the
-- rollup version against it.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v scheme=standard -f rfm_segments.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?scheme} \else \set scheme standard \endif

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

segment_names (scheme, segment) as (
    values ('standard', 'Champions'), ('standard', 'Loyal Customers'), ('standard', 'Potential Loyalists'),
           ('standard', 'New Customers'), ('standard', 'Promising'), ('standard', 'Need Attention'),
           ('standard', 'About to Sleep'), ('standard', 'At Risk'), ('standard', 'Can''t Lose Them'),
           ('standard', 'Hibernating'),
           ('brief', 'Champions'), ('brief', 'Loyal Customers'), ('brief', 'Recent Customers'),
           ('brief', 'Potential Loyalists'), ('brief', 'At Risk'), ('brief', 'Hibernating'), ('brief', 'Needs Attention')
),

final as (
    select
        segment_names.segment,
        count(rfm_segments.customer_id)               as customers,
        round(avg(rfm_segments.monetary), 2)          as avg_net_sales,
        round(avg(rfm_segments.frequency), 1)         as avg_orders,
        round(avg(rfm_segments.recency_days))         as avg_days_since_order
    from segment_names
    left join rfm_segments using (segment)
    where segment_names.scheme = :'scheme'
    group by segment_names.segment
)

select * from final
order by avg_net_sales desc nulls last, segment;
