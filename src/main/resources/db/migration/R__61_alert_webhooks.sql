-- Webhooks (docs/alerts.md#webhooks): every alert raised is queued for every webhook not removed,
-- in the same statement's transaction (alerts.deliveries, the outbox); WebhookSender posts it.
-- The body is built here, once: the text signed and sent on every try.
create or replace function alert_webhooks_enqueue() returns trigger
language plpgsql as $$
begin
    insert into alerts.deliveries (webhook_id, alert_id, body)
    select w.webhook_id, a.alert_id,
           jsonb_build_object(
               'alert_id', a.alert_id, 'kpi', a.kpi, 'grain', a.grain,
               'window_start', a.window_start, 'window_end', a.window_end,
               'observed', a.observed, 'expected', a.expected, 'score', a.score, 'volume', a.volume,
               'severity', a.severity, 'direction', a.direction, 'message', a.message,
               'raised_at', a.raised_at)::text
    from raised a
    cross join alerts.webhooks w
    where w.removed_at is null
    on conflict (webhook_id, alert_id) do nothing;
    return null;
end
$$;

create or replace trigger alerts_webhooks_enqueue
    after insert on alerts.alerts
    referencing new table as raised
    for each statement execute function alert_webhooks_enqueue();
