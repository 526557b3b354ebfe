-- What bench fraud scores fraud_review against: the fraudulent orders the generator injected
-- (generator.fraud_ground_truth), with their pattern and customer, placed in the report's window:
-- from the start of the shop day days-1 before as_of, up to as_of.
-- grain:  one row per injected fraudulent order in the window
-- psql:   replace the ? with as_of and days ('2026-06-30 12:00', 30)
with

params as (
    select ?::timestamptz as as_of, ?::int as days
)

select truth.order_id, truth.pattern, orders.customer_id
from generator.fraud_ground_truth as truth
join orders using (order_id)
cross join params
where orders.created_at >= date_trunc('day', params.as_of) - make_interval(days => params.days - 1)
  and orders.created_at <= params.as_of
