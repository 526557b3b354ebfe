-- Synthetic data generator (shopflow generate): its bookkeeping and the fraud ground truth.

-- Which generated orders are fraud, and by which pattern, so the fraud report can be scored
-- (precision and recall) against known answers. One order may show more than one pattern.
-- Patterns: burst (a 4th or later order within one hour), high_multiple (many times the
-- customer's earlier average), new_account (a large order minutes after signup), card_testing
-- (a 4th or later tiny order within one hour from a fresh account).
create table fraud_ground_truth (
    order_id  int not null references orders (order_id),
    pattern   varchar(20) not null
              check (pattern in ('burst', 'high_multiple', 'new_account', 'card_testing')),
    primary key (order_id, pattern)
);

-- One row per generate run. A run is 'running' until everything (rows, indexes, constraints,
-- statistics) is in place, so an interrupted run (Ctrl-C, kill, crash) is visible to the next
-- one and to anyone looking at the database: its data must not be taken as complete. The next
-- run marks such a run 'replaced' when it takes over.
create table generator_runs (
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
create table generator_saved_ddl (
    table_name   text not null,
    object_name  text not null,
    kind         varchar(20) not null check (kind in ('index', 'key', 'foreign_key')),
    definition   text not null,               -- a complete statement that recreates the object
    primary key (object_name)
);
