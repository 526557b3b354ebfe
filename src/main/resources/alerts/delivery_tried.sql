-- One try of a delivery, recorded: delivered (error null), or failed with its error and the next
-- try a backoff later.
-- params: 1 error (null: delivered), 2 same, 3 same, 4 backoff (milliseconds), 5 delivery_id
update alerts.deliveries
set attempts = attempts + 1,
    last_attempt_at = now(),
    last_error = ?::text,
    delivered_at = case when ?::text is null then now() end,
    next_attempt_at = case when ?::text is null then next_attempt_at else now() + ? * interval '1 millisecond' end
where delivery_id = ?
