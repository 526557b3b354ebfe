WITH periods AS (
SELECT
SUM(CASE WHEN created_at >= (:as_of)::date THEN total_amount END) AS today,
SUM(CASE WHEN created_at >= (:as_of)::date - 7 THEN total_amount END) AS last_7_days,
SUM(CASE WHEN created_at >= DATE_TRUNC('month', (:as_of)::date) THEN total_amount END) AS mtd,
SUM(CASE WHEN created_at >= DATE_TRUNC('year', (:as_of)::date) THEN total_amount END) AS ytd,
SUM(CASE WHEN created_at >= DATE_TRUNC('month', (:as_of)::date)
AND created_at < DATE_TRUNC('month', (:as_of)::date) + INTERVAL '1 month'
THEN total_amount END) AS this_month,
SUM(CASE WHEN created_at >= DATE_TRUNC('month', (:as_of)::date) - INTERVAL '1 month'
AND created_at < DATE_TRUNC('month', (:as_of)::date) THEN total_amount END) AS last_month
FROM orders
WHERE status NOT IN ('cancelled', 'refunded')
)
SELECT
today,
last_7_days,
mtd,
ytd,
this_month,
last_month,
ROUND(100.0 * (this_month - last_month) / NULLIF(last_month, 0), 1) AS mom_growth_pct
FROM periods
