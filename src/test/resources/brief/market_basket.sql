SELECT
p1.product_id AS product_1_id,
p2.product_id AS product_2_id,
p1.name AS product_1,
p2.name AS product_2,
COUNT(*) AS times_bought_together,
ROUND(100.0 * COUNT(*) / (
SELECT COUNT(DISTINCT order_id) FROM orders
WHERE status NOT IN ('cancelled', 'refunded')
), 2) AS support_pct
FROM order_items oi1
JOIN order_items oi2
ON oi1.order_id = oi2.order_id
AND oi1.product_id < oi2.product_id -- avoid duplicates
JOIN products p1 ON oi1.product_id = p1.product_id
JOIN products p2 ON oi2.product_id = p2.product_id
GROUP BY p1.product_id, p1.name, p2.product_id, p2.name
HAVING COUNT(*) >= 10
ORDER BY times_bought_together DESC
LIMIT 20
