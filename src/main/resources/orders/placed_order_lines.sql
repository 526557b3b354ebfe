-- An order's lines as place_order() answers them, in the order they were placed.
-- grain: one row per order line
-- psql:  replace the ? with an order id
select item_id, product_id, quantity, unit_price, line_total
from order_items
where order_id = ?
order by item_id
