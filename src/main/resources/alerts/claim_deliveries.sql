-- The deliveries due now, claimed for one try: their next attempt is pushed a lease ahead, so
-- another sender (or this one's next tick) leaves them alone while the POST is under way, and a
-- sender that dies mid-try has them tried again when the lease runs out. Webhooks removed get
-- nothing more; deliveries out of attempts stay, undelivered, with their last error.
-- params: 1 most attempts, 2 most deliveries claimed, 3 lease (milliseconds)
with due as (
    select d.delivery_id
    from alerts.deliveries d
    join alerts.webhooks w on w.webhook_id = d.webhook_id and w.removed_at is null
    where d.delivered_at is null and d.next_attempt_at <= now() and d.attempts < ?
    order by d.next_attempt_at
    limit ?
    for update of d skip locked
)
update alerts.deliveries d
set next_attempt_at = now() + ? * interval '1 millisecond'
from due, alerts.webhooks w
where d.delivery_id = due.delivery_id and w.webhook_id = d.webhook_id
returning d.delivery_id, d.webhook_id, d.body, d.attempts, w.url, w.secret
