-- Places an order through place_order() (db/migration/R__20_order_placement.sql), as the API and
-- `shopflow order` do: customer, items (JSON), coupon code, session, payment method, idempotency
-- key and the request's fingerprint.
-- grain: one row: the order's id, and whether it was an earlier request's order replayed
-- psql:  replace the ? with 7, '[{"product_id": 3, "quantity": 2}]', null, null, 'card', null, null
select * from place_order(?, ?::jsonb, ?, ?, ?, ?, ?)
