-- The span of a shop's orders: the first and the last placed (null, null without orders).
select min(created_at) as first_order_at, max(created_at) as last_order_at from orders
