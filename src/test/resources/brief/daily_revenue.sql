WITH date_spine AS (
SELECT generate_series(
(:as_of)::date - 29,
(:as_of)::date,
'1 day'::INTERVAL
)::DATE AS d
),
daily_orders AS (
SELECT
created_at::DATE AS order_date,
COUNT(*) AS order_count,
SUM(total_amount) AS revenue
FROM orders
WHERE status NOT IN ('cancelled', 'refunded')
AND created_at >= (:as_of)::date - 29
GROUP BY 1
)
SELECT
ds.d AS date,
COALESCE(do.order_count, 0) AS orders,
COALESCE(do.revenue, 0) AS revenue
FROM date_spine ds
LEFT JOIN daily_orders do ON ds.d = do.order_date
ORDER BY ds.d
