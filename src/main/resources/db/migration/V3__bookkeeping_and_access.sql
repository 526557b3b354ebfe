-- Bookkeeping and access: the data generator's runs and ground truth (schema generator), the API
-- tokens (schema api), and the read-only role reports run as.

-- ============================================================
-- THE DATA GENERATOR (shopflow generate)
-- ============================================================
create schema generator;

-- Which generated orders are fraud, and by which pattern, so the fraud report can be scored
-- (precision and recall) against known answers. One order may show more than one pattern.
-- Patterns: burst (a 4th or later order within one hour), high_multiple (many times the
-- customer's earlier average), new_account (a large order minutes after signup), card_testing
-- (a 4th or later tiny order within one hour from a fresh account).
create table generator.fraud_ground_truth (
    order_id  int not null references orders (order_id),
    pattern   varchar(20) not null
              check (pattern in ('burst', 'high_multiple', 'new_account', 'card_testing')),
    primary key (order_id, pattern)
);

-- One row per generate run. A run is 'running' until everything (rows, indexes, constraints,
-- statistics) is in place, so an interrupted run (Ctrl-C, kill, crash) is visible to the next
-- one and to anyone looking at the database: its data must not be taken as complete. The next
-- run marks such a run 'replaced' when it takes over.
create table generator.runs (
    run_id       serial primary key,
    started_at   timestamptz not null default now(),
    finished_at  timestamptz,
    status       varchar(20) not null default 'running' check (status in ('running', 'complete', 'replaced')),
    scale        numeric(10, 4) not null,
    seed         bigint not null,
    as_of        timestamptz not null,
    threads      int not null,
    row_counts   text                     -- "table=rows, ..." of a complete run
);

-- Indexes and constraints the generator dropped to bulk-load fast, with their definitions read
-- from the catalog (pg_get_indexdef, pg_get_constraintdef), so the schema stays defined in the
-- migrations alone. Rows live here only while the objects are dropped: an interrupted run leaves
-- them behind and the next run restores them.
create table generator.saved_ddl (
    table_name   text not null,
    object_name  text not null,
    kind         varchar(20) not null check (kind in ('index', 'key', 'foreign_key')),
    definition   text not null,               -- a complete statement that recreates the object
    primary key (object_name)
);

-- ============================================================
-- API TOKENS
-- ============================================================
create schema api;

-- A token is shown once when created; only its SHA-256 hash is kept, so a copy of this table
-- signs nobody in. Revoking keeps the row (who had access, and until when).
create table api.tokens (
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
-- The shop, the rollups and the generator's bookkeeping, including the tables, views and
-- materialized views created later; not the API tokens' hashes (schema api): reports never need
-- them.
grant usage on schema public, rollups, generator to shopflow_reader;
grant select on all tables in schema public, rollups, generator to shopflow_reader;
alter default privileges in schema public, rollups, generator grant select on tables to shopflow_reader;
