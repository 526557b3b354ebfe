-- An order as place_order() answers it: its totals and the code of its coupon, if any.
-- grain: one row
-- psql:  replace the ? with an order id
--
-- A join, not a subquery per order for the coupon: every table here is colocated by order_id or a
-- reference table, so on a Citus cluster the whole query goes to the order's shard (a correlated
-- subquery was planned apart and took twice as long as placing the order).
select o.order_id, o.order_number, o.customer_id, o.status, o.subtotal, o.discount_amount,
       o.shipping_cost, o.tax_amount, o.total_amount, o.currency, c.code as coupon_code
from orders o
left join order_coupons oc on oc.order_id = o.order_id
left join coupons c on c.coupon_id = oc.coupon_id
where o.order_id = ?
order by oc.coupon_id
limit 1
