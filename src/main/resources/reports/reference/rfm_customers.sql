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
-- Scores and segments exactly as in rfm_segments.sql (same rules, same deterministic tie order;
-- RfmReportsTest checks the two agree). The segment is a bound value from the allowed list.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v segment='Loyal Customers' -v limit=1000 -f rfm_customers.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?segment} \else \set segment Champions \endif
\if :{?limit} \else \set limit 1000 \endif

with

params as (
    select :as_of::timestamptz as as_of
),

rfm_base as (
    select
        orders.customer_id,
        (params.as_of::date - max(orders.created_at)::date) as recency_days,
        count(distinct orders.order_id)                     as frequency,
        sum(orders.total_amount)                            as monetary
    from orders, params
    where orders.status not in ('cancelled', 'refunded')
      and orders.created_at <= params.as_of
    group by orders.customer_id, params.as_of
),

rfm_scores as (
    select
        *,
        ntile(5) over (order by recency_days desc, customer_id) as r_score,
        ntile(5) over (order by frequency, customer_id)         as f_score,
        ntile(5) over (order by monetary, customer_id)          as m_score
    from rfm_base
),

rfm_segments as (
    select
        *,
        case
            when r_score >= 4 and f_score >= 4 and m_score >= 4 then 'Champions'
            when r_score >= 4 and f_score >= 2                  then 'Loyal Customers'
            when r_score >= 4 and f_score = 1                   then 'Recent Customers'
            when r_score = 3 and f_score >= 3                   then 'Potential Loyalists'
            when r_score = 2 and f_score >= 4                   then 'At Risk'
            when r_score <= 2 and f_score <= 2                  then 'Hibernating'
            else 'Needs Attention'
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
        rfm_segments.segment
    from rfm_segments
    join customers using (customer_id)
    where rfm_segments.segment = :'segment'
)

select * from final
order by monetary desc, customer_id
limit :limit;
