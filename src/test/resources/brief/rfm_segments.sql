WITH rfm_base AS (
SELECT
customer_id,
(:as_of)::date - MAX(created_at)::DATE AS recency_days,
COUNT(DISTINCT order_id) AS frequency,
SUM(total_amount) AS monetary
FROM orders
WHERE status NOT IN ('cancelled', 'refunded')
GROUP BY customer_id
),
rfm_scores AS (
SELECT
customer_id,
recency_days,
frequency,
monetary,
NTILE(5) OVER (ORDER BY recency_days ASC) AS r_score, -- lower days = higher score
NTILE(5) OVER (ORDER BY frequency ASC) AS f_score,
NTILE(5) OVER (ORDER BY monetary ASC) AS m_score
FROM rfm_base
),
rfm_segments AS (
SELECT *,
CASE
WHEN r_score >= 4 AND f_score >= 4 AND m_score >= 4 THEN 'Champions'
WHEN r_score >= 4 AND f_score >= 2 THEN 'Loyal Customers'
WHEN r_score >= 4 AND f_score = 1 THEN 'Recent Customers'
WHEN r_score = 3 AND f_score >= 3 THEN 'Potential Loyalists'
WHEN r_score = 2 AND f_score >= 4 THEN 'At Risk'
WHEN r_score <= 2 AND f_score <= 2 THEN 'Hibernating'
ELSE 'Needs Attention'
END AS segment
FROM rfm_scores
)
SELECT
segment,
COUNT(*) AS customers,
ROUND(AVG(monetary)) AS avg_spend,
ROUND(AVG(frequency), 1) AS avg_orders,
ROUND(AVG(recency_days)) AS avg_days_since_order
FROM rfm_segments
GROUP BY segment
ORDER BY avg_spend DESC
