-- The customers among the ids a batch of events names that exist, each locked in key share mode
-- until the batch commits: none can be deleted before the events' insert checks its foreign key
-- (POST /api/events; the others are refused by their event's index and field).
-- grain: one row per existing customer
-- psql:  replace the ? with '{1, 2, 999999}'
select customer_id
from customers
where customer_id = any (?::int[])
for key share
