-- The products among the ids a batch of events names that exist, each locked in key share mode
-- until the batch commits: none can be deleted before the events' insert checks its foreign key
-- (POST /api/events; the others are refused by their event's index and field).
-- grain: one row per existing product
-- psql:  replace the ? with '{1, 2, 999999}'
select product_id
from products
where product_id = any (?::int[])
for key share
