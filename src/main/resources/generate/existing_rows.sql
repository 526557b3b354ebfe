-- Whether the shop holds data a generate would replace: its customers and products, and whether it
-- has an order (not counted: a large shop's orders would take seconds).
select (select count(*) from customers)
     + (select count(*) from products)
     + (select count(*) from (select 1 from orders limit 1) as one_order)
