-- A new webhook for the alerts, with the secret its deliveries are signed with.
-- params: 1 url, 2 secret
insert into alerts.webhooks (url, secret)
values (?, ?)
returning webhook_id
