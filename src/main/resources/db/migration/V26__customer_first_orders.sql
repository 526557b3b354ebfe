-- The dashboard's new-customer and repeat-customer shares (kpi_tiles, kpi_days): each customer's
-- first order placed, whatever its status, so that the orders of first-time customers in any
-- window are an index range count instead of a look at every buyer's history. A first order is
-- history: a later cancellation does not make the customer's next order the first, so the row
-- only moves when orders are inserted back-dated, deleted or moved to another customer
-- (R__27_rollup_first_orders.sql keeps it).
create table rollups.customer_first_orders (
    customer_id     int primary key,
    first_order_at  timestamptz not null   -- min(orders.created_at) of the customer's orders
);
create index idx_rollup_customer_first_orders_at on rollups.customer_first_orders (first_order_at);

insert into rollups.customer_first_orders (customer_id, first_order_at)
select customer_id, min(created_at)
from orders
group by customer_id;
