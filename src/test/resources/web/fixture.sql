-- A small shop for the web tests; the expected numbers are worked out by hand in WebApiTest.
-- as_of used by the tests: 2026-06-30T12:00 Europe/London (11:00 UTC).
insert into customers (customer_id, email, first_name, last_name, signup_date) values
    (1, 'alice@example.com', 'Alice', 'Archer', '2025-01-05 10:00+00'),
    (2, 'bob@example.org',   'Bob',   'Baker',  '2025-03-01 10:00+00'),
    (3, 'carol@example.net', 'Carol', 'Cooper', '2026-02-14 10:00+00');
select setval('customers_customer_id_seq', 3);

insert into orders (order_id, customer_id, order_number, status, subtotal, total_amount, created_at) values
    (1, 1, 'ORD-2026-000001', 'delivered', 100.00, 100.00, '2026-06-30 09:00 Europe/London'),  -- today
    (2, 2, 'ORD-2026-000002', 'shipped',    50.50,  50.50, '2026-06-25 10:00 Europe/London'),  -- last 7 days
    (3, 3, 'ORD-2026-000003', 'cancelled',  20.00,  20.00, '2026-06-02 10:00 Europe/London'),  -- never counts
    (4, 1, 'ORD-2026-000004', 'delivered', 200.00, 200.00, '2026-05-15 10:00 Europe/London'),  -- last month
    (5, 2, 'ORD-2026-000005', 'delivered',  30.00,  30.00, '2026-01-10 10:00 Europe/London'),  -- this year
    (6, 3, 'ORD-2026-000006', 'pending',   999.00, 999.00, '2026-06-30 13:00 Europe/London');  -- after as_of
select setval('orders_order_id_seq', 6);

-- Each order's line (one product at its subtotal) and status history, for the sales model
-- (revenue_summary, daily_revenue): order 3 was placed pending and cancelled an hour later.
insert into products (product_id, sku, name, list_price) values (201, 'MUG', 'Mug', 10.00);
insert into order_items (order_id, product_id, quantity, unit_price, line_total)
select order_id, 201, 1, subtotal, subtotal from orders where order_id between 1 and 6;
select setval('order_items_item_id_seq', (select max(item_id) from order_items));
insert into order_status_changes (order_id, from_status, to_status, changed_at)
select order_id, null, case when order_id = 3 then 'pending' else status end, created_at
from orders where order_id between 1 and 6
union all
select 3, 'pending', 'cancelled', '2026-06-02 11:00 Europe/London';
