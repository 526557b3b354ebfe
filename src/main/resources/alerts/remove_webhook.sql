-- Removes a webhook still in use: it gets no more deliveries (those it had stay, as a record). No row
-- changed: no such webhook, or removed already.
-- params: 1 webhook_id
update alerts.webhooks
set removed_at = now()
where webhook_id = ? and removed_at is null
