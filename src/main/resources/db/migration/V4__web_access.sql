-- Web access: API tokens, a read-only role for reports, and change notifications for the live dashboard.

-- ============================================================
-- API TOKENS
-- ============================================================
-- A token is shown once when created; only its SHA-256 hash is kept, so a copy of this table
-- signs nobody in. Revoking keeps the row (who had access, and until when).
create table api_tokens (
    token_id     bigserial primary key,
    token_hash   bytea not null unique check (length(token_hash) = 32),  -- sha256 of the whole token text
    role         varchar(20) not null check (role in ('viewer', 'analyst', 'admin')),
    label        varchar(200),
    created_at   timestamptz not null default now(),
    expires_at   timestamptz,                                             -- null: never expires
    revoked_at   timestamptz,
    check (expires_at is null or expires_at > created_at)
);

-- ============================================================
-- READ-ONLY ROLE FOR REPORTS
-- ============================================================
-- The HTTP server runs each report transaction as shopflow_reader ("set local role"), so even a
-- report with a bug cannot write. Roles belong to the whole server, not to one database: another
-- database on the same server may have created it already.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'shopflow_reader') then
        create role shopflow_reader nologin;
    end if;
end
$$;

grant shopflow_reader to current_user;
grant usage on schema public to shopflow_reader;
grant select on all tables in schema public to shopflow_reader;
-- Tables, views and materialized views added by later migrations are readable too.
alter default privileges in schema public grant select on tables to shopflow_reader;
-- ... except the token hashes: reports never need them.
revoke all on api_tokens from shopflow_reader;

-- ============================================================
-- CHANGE NOTIFICATIONS
-- ============================================================
-- One notification per statement (not per row): a COPY of 500,000 orders sends one, and
-- PostgreSQL delivers it at commit. The server coalesces bursts before telling browsers.
create function notify_shopflow_changes() returns trigger
language plpgsql as $$
begin
    perform pg_notify('shopflow_changes', tg_table_name || ':' || lower(tg_op));
    return null;
end
$$;

create trigger orders_notify_changes
    after insert or update on orders
    for each statement execute function notify_shopflow_changes();
