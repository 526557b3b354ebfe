WITH order_flags AS (
SELECT
o.order_id,
o.customer_id,
o.total_amount,
o.created_at,
o.payment_method,
-- Flag: multiple orders from same customer in 1 hour
COUNT(*) OVER (
PARTITION BY o.customer_id
ORDER BY o.created_at
RANGE BETWEEN INTERVAL '1 hour' PRECEDING AND CURRENT ROW
) AS orders_last_hour,
-- Flag: order significantly above customer average
o.total_amount / NULLIF(AVG(o.total_amount) OVER (PARTITION BY o.customer_id), 0) AS multiple_of_avg,
-- Flag: first order from new account
o.created_at - c.signup_date AS account_age_at_order
FROM orders o
JOIN customers c ON o.customer_id = c.customer_id
WHERE o.status NOT IN ('cancelled', 'refunded')
)
SELECT
order_id,
customer_id,
total_amount,
payment_method,
orders_last_hour,
ROUND(multiple_of_avg, 1) AS multiple_of_avg,
EXTRACT(EPOCH FROM account_age_at_order) / 3600 AS account_age_hours,
-- Aggregate risk score
(
CASE WHEN orders_last_hour > 3 THEN 30 ELSE 0 END +
CASE WHEN multiple_of_avg > 5 THEN 30 ELSE 0 END +
CASE WHEN account_age_at_order < INTERVAL '1 hour' THEN 40 ELSE 0 END
) AS risk_score
FROM order_flags
WHERE (
orders_last_hour > 3 OR
multiple_of_avg > 5 OR
account_age_at_order < INTERVAL '1 hour'
)
ORDER BY risk_score DESC
