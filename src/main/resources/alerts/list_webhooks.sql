-- Every webhook with its deliveries: delivered, waiting for a try, given up (out of attempts),
-- and the last try's time and error.
-- params: 1 most attempts
select w.webhook_id, w.url, w.created_at, w.removed_at,
       count(d.*) filter (where d.delivered_at is not null)                       as delivered,
       count(d.*) filter (where d.delivered_at is null and d.attempts < ?)        as pending,
       count(d.*) filter (where d.delivered_at is null and d.attempts >= ?)       as failed,
       max(d.last_attempt_at)                                                      as last_attempt_at,
       (select d2.last_error from alerts.deliveries d2
        where d2.webhook_id = w.webhook_id and d2.last_attempt_at is not null
        order by d2.last_attempt_at desc, d2.delivery_id desc limit 1)             as last_error,
       (select max(d3.attempts) from alerts.deliveries d3
        where d3.webhook_id = w.webhook_id and d3.delivered_at is null)            as attempts_waiting
from alerts.webhooks w
left join alerts.deliveries d on d.webhook_id = w.webhook_id
group by w.webhook_id
order by w.webhook_id
