WITH product_revenue AS (
SELECT
p.product_id,
p.name AS product_name,
c.name AS category,
p.list_price,
SUM(oi.quantity) AS units_sold,
SUM(oi.line_total) AS total_revenue,
COUNT(DISTINCT oi.order_id) AS orders_containing,
-- Gross margin
ROUND(100.0 * (p.list_price - COALESCE(p.cost_price, 0)) / p.list_price, 1) AS margin_pct
FROM products p
JOIN categories c ON p.category_id = c.category_id
JOIN order_items oi ON p.product_id = oi.product_id
JOIN orders o ON oi.order_id = o.order_id
WHERE o.status NOT IN ('cancelled', 'refunded')
GROUP BY p.product_id, p.name, c.name, p.list_price, p.cost_price
)
SELECT
product_id,
product_name,
category,
list_price,
units_sold,
total_revenue,
orders_containing,
margin_pct,
RANK() OVER (ORDER BY total_revenue DESC) AS revenue_rank,
RANK() OVER (PARTITION BY category ORDER BY total_revenue DESC) AS rank_in_category
FROM product_revenue
ORDER BY total_revenue DESC
LIMIT 50
