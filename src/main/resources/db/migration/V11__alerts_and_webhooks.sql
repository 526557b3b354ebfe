-- Anomaly alerts (docs/alerts.md): the alerts raised, one per KPI, grain and window, kept so that
-- the dashboard, the API, the CLI and the webhooks read the same list. The evaluation itself is
-- SQL in R__60_alerts.sql.
create schema alerts;

-- Grain: one row per (KPI, grain, window) that was found anomalous. Raised once: the evaluator
-- runs every minute over the last windows and the unique key drops what it raised before.
create table alerts.alerts (
    alert_id      bigserial primary key,
    kpi           varchar(40) not null,              -- one of alerts.kpis (R__60_alerts.sql)
    grain         varchar(10) not null check (grain in ('hour', 'day')),
    window_start  timestamptz not null,              -- a shop hour or a shop day's midnight
    window_end    timestamptz not null check (window_end > window_start),
    observed      numeric not null,                  -- the KPI in the window (GBP, a count or a ratio 0-1)
    expected      numeric not null,                  -- the median of the same window over recent weeks
    spread        numeric not null check (spread > 0),  -- the robust spread the score divides by
    score         numeric(10, 2) not null,           -- (observed - expected) / spread
    volume        numeric not null,                  -- the window's volume (orders, sessions, ...)
    severity      varchar(10) not null check (severity in ('warning', 'critical')),
    direction     varchar(10) not null check (direction in ('up', 'down')),
    message       text not null,                     -- the alert in plain words
    raised_at     timestamptz not null default now(),
    unique (kpi, grain, window_start)
);
create index idx_alerts_raised on alerts.alerts (raised_at);
create index idx_alerts_window on alerts.alerts (window_start);

-- How far each grain's windows have been evaluated: evaluate_alerts() judges each window once,
-- a minute after it ends (data a minute late still counts), and after a pause the windows missed
-- (up to a few back) at its next run.
create table alerts.evaluated (
    grain            varchar(10) primary key check (grain in ('hour', 'day')),
    evaluated_until  timestamptz not null   -- every window ending at or before it has been judged
);

-- The shop's time zone, as shop_day() and shop_hour() cut days and hours (fixed when the schema
-- is migrated, as they are): alerts compare a window with the same local hour of earlier weeks,
-- across a change of clocks.
create function shop_time_zone() returns text
language sql immutable parallel safe
return '${shop_time_zone}';

-- ============================================================
-- WEBHOOKS
-- ============================================================
-- Where alerts are sent: a JSON POST signed with HMAC-SHA256 over the body with the webhook's
-- secret (shown once when added, kept here to sign with). A removed webhook keeps its row (what
-- was sent where) and gets nothing more.
create table alerts.webhooks (
    webhook_id   bigserial primary key,
    url          text not null check (url ~ '^https?://'),
    secret       text not null,
    created_at   timestamptz not null default now(),
    removed_at   timestamptz
);

-- The outbox: one delivery per (webhook, alert), written in the transaction that raises the
-- alert, so an alert is never lost between the database and the sender; a restart picks up
-- what was not delivered. body is the exact text signed and sent on every try.
create table alerts.deliveries (
    delivery_id      bigserial primary key,
    webhook_id       bigint not null references alerts.webhooks (webhook_id),
    alert_id         bigint not null references alerts.alerts (alert_id),
    body             text not null,
    attempts         int not null default 0,
    next_attempt_at  timestamptz not null default now(),   -- also a lease while a try is under way
    delivered_at     timestamptz,
    last_error       text,
    last_attempt_at  timestamptz,
    created_at       timestamptz not null default now(),
    unique (webhook_id, alert_id)
);
create index idx_deliveries_due on alerts.deliveries (next_attempt_at) where delivered_at is null;

-- ============================================================
-- INCIDENTS TO FIND (bench alerts)
-- ============================================================
-- What inject_alert_incidents() did to a copy of a shop, kept apart from the data like the fraud
-- ground truth, so the alerts can be scored: which incident, its window, and the KPIs it moves.
create table generator.incident_ground_truth (
    incident_id  serial primary key,
    kind         varchar(30) not null
                 check (kind in ('checkout_outage', 'pricing_error', 'bot_wave', 'fraud_wave')),
    starts_at    timestamptz not null,
    ends_at      timestamptz not null check (ends_at > starts_at),
    kpis         text[] not null      -- the alerts that find it (alerts.kpis)
);
