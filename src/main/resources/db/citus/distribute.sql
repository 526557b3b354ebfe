-- ShopFlow on Citus: turns the migrated schema on a Citus coordinator into a distributed one.
-- Run by `shopflow distribute --jdbc-url <coordinator>` (statement by statement, each in its own
-- transaction) after `shopflow migrate` on the same coordinator: before data is loaded, or on a
-- shop already there (imported or generated on the coordinator alone), whose rows are moved into
-- their shards. docs/scale-out.md explains every choice.
-- Every step can run again, also after one that failed: a table already distributed is left as it
-- is, and a key already made for its shards is not made again.
--
--   distributed by order_id (one colocation group: their joins never leave a worker)
--       orders, order_items, order_coupons, order_status_changes, order_refunds,
--       generator.fraud_ground_truth
--   distributed by session_id (colocated with each other; anonymous page views have no customer)
--       page_views, cart_events
--   distributed by product_id (colocated: a product's stock and its ledger on one shard)
--       stock_movements (restocks have no order), inventory
--   distributed by their own key
--       order_idempotency_keys (the key)
--   reference tables (a full copy on every node, so every join with them stays on the worker)
--       categories, products, coupons, customers, addresses, order_status_transitions
--   plain tables of the coordinator
--       api.tokens, generator.runs, generator.saved_ddl, the tables of the schema rollups (kept by
--       a job on a cluster, catch_up_rollups(); see docs/scale-out.md)
--
-- A `-- progress: ...` line names the statement below it for `distribute`'s progress on stderr: the
-- steps that move a shop's rows or rebuild its rollups, long on a shop already there.

-- Days are cut in the shop's time zone on the workers too: they run the pushed-down parts of the
-- reports (created_at::date, date_trunc) in sessions of their own.
select run_command_on_all_nodes(format('alter database %I set timezone = %L', current_database(),
                                       current_setting('TimeZone')));

-- No JIT compilation, on any node: plans over intermediate results (the subplans of the rollup
-- reports, which join coordinator tables with rows read from the shards, and the shard queries
-- that read a subplan's result) carry row estimates in the millions, for a few rows. PostgreSQL
-- spent 1.9 s compiling the plan of a 50-row low_stock page on the coordinator (scale 1; the query
-- itself took 27 ms), and 1.3 s on a worker compiling a shard query of market_basket that read
-- its one-row window bounds (scale 0.1: the report 1,755 -> 54 ms median without it).
select run_command_on_all_nodes(format('alter database %I set jit = off', current_database()));

-- Triggers: Citus refuses to distribute a table with triggers, and the rollup triggers read
-- statement transition tables, which it cannot run on shards. On a cluster a job keeps the
-- rollups instead (catch_up_rollups()), and notifies the dashboard when it applied rows;
-- the status guard's rule stays enforced by order_transition() (the only writer of statuses in
-- ShopFlow).
do $$
declare
    t record;
begin
    for t in
        select g.tgname, g.tgrelid::regclass as rel
        from pg_trigger g
        where not g.tgisinternal
          and g.tgrelid = any (array['orders', 'order_items', 'order_coupons', 'order_status_changes',
                                     'order_refunds', 'generator.fraud_ground_truth', 'page_views', 'cart_events', 'stock_movements',
                                     'order_idempotency_keys', 'categories', 'products', 'inventory',
                                     'coupons', 'customers', 'addresses', 'order_status_transitions']::regclass[])
    loop
        execute format('drop trigger %I on %s', t.tgname, t.rel);
    end loop;
end
$$;

-- Foreign keys: Citus keeps those from a distributed table to a reference table and those between
-- colocated tables on the distribution column. The others go; the code that writes the rows
-- (place_order, order_transition, the generator, the event ingest) checks what they checked.
do $$
declare
    k record;
begin
    for k in
        select c.conname, c.conrelid::regclass as rel
        from pg_constraint c
        where c.contype = 'f'
          and (c.conrelid, c.confrelid) in (
              ('orders'::regclass, 'customers'::regclass),
              ('orders'::regclass, 'addresses'::regclass),
              ('page_views'::regclass, 'customers'::regclass),
              ('cart_events'::regclass, 'customers'::regclass),
              ('stock_movements'::regclass, 'orders'::regclass),
              ('stock_movements'::regclass, 'order_items'::regclass),
              ('stock_movements'::regclass, 'inventory'::regclass),
              ('order_idempotency_keys'::regclass, 'orders'::regclass),
              ('order_items'::regclass, 'orders'::regclass),
              ('order_coupons'::regclass, 'orders'::regclass),
              ('order_status_changes'::regclass, 'orders'::regclass),
              ('order_refunds'::regclass, 'orders'::regclass),
              ('generator.fraud_ground_truth'::regclass, 'orders'::regclass))
          and not exists (select 1 from pg_dist_partition p where p.logicalrelid = c.conrelid and p.partmethod = 'h')
    loop
        execute format('alter table %s drop constraint %I', k.rel, k.conname);
    end loop;
end
$$;

-- Unique keys of a distributed table must include its distribution column. Ids still come from
-- one sequence on the coordinator, so they stay unique; order numbers are made from the order id.
-- Each table's primary key is made to lead with its distribution column unless it already does
-- (a distribute stopped after this step, or inventory kept as a reference table by a cluster
-- distributed before it was sharded by product).
alter table orders drop constraint if exists orders_order_number_key;
create index if not exists idx_orders_number on orders (order_number);
do $$
declare
    k record;
begin
    for k in
        select t.rel, t.key_columns
        from (values ('order_items'::regclass, 'order_id, item_id'),
                     ('order_status_changes'::regclass, 'order_id, change_id'),
                     ('order_refunds'::regclass, 'order_id, refund_line_id'),
                     ('page_views'::regclass, 'session_id, view_id'),
                     ('cart_events'::regclass, 'session_id, event_id'),
                     ('stock_movements'::regclass, 'product_id, movement_id'),
                     ('inventory'::regclass, 'product_id, inventory_id')) as t (rel, key_columns)
        where not exists (select 1 from citus_tables c where c.table_name = t.rel
                          and c.citus_table_type in ('distributed', 'reference'))
          and not exists (select 1 from pg_constraint p
                          join pg_attribute a on a.attrelid = p.conrelid and a.attnum = p.conkey[1]
                          where p.conrelid = t.rel and p.contype = 'p'
                            and a.attname = split_part(t.key_columns, ',', 1))
    loop
        execute format('alter table %s drop constraint if exists %I', k.rel, k.rel::text || '_pkey');
        execute format('alter table %s add primary key (%s)', k.rel, k.key_columns);
    end loop;
end
$$;

-- The catch-up job reads each source's new rows by id range (rollup_catch_up_apply()), and the keys
-- above no longer lead with the id: without an index on it alone every run read every row of every
-- shard. (Outside the guard above, so that running distribute again adds them to a cluster
-- distributed before they were.)
create index if not exists idx_order_items_item on order_items (item_id);
create index if not exists idx_order_status_changes_change on order_status_changes (change_id);
create index if not exists idx_order_refunds_refund_line on order_refunds (refund_line_id);
create index if not exists idx_pageviews_view on page_views (view_id);
create index if not exists idx_cart_events_event on cart_events (event_id);
create index if not exists idx_stock_movements_movement on stock_movements (movement_id);

-- Citus 13 drops the functions that take or return arrays of the rows of the tables it distributes
-- (rollup_product_days_apply, order_sales_rows, rollup_stock_movements_apply, ...),
-- which the rollup job calls on a cluster: their definitions are kept here and created
-- again once the tables are distributed (below).
create table if not exists rollup_job.saved_functions (definition text not null);

insert into rollup_job.saved_functions (definition)
select pg_get_functiondef(p.oid)
from pg_proc p
where p.pronamespace = 'public'::regnamespace
  and exists (select 1 from pg_type t
              where t.typname in ('orders', 'order_items', 'order_status_changes', 'page_views', 'cart_events',
                                  'stock_movements', 'inventory')
                and t.typnamespace = 'public'::regnamespace
                and (t.typarray = any (p.proargtypes) or t.typarray = any (coalesce(p.proallargtypes, '{}'))))
  and not exists (select 1 from pg_dist_partition where logicalrelid = 'stock_movements'::regclass)
  and not exists (select 1 from rollup_job.saved_functions);

-- A shop already on the coordinator has its rows copied into the shards as each table is
-- distributed, several tables in one statement: Citus then refuses to write a reference table
-- (products) after a parallel copy into a distributed one in the same transaction ("cannot modify
-- table ... because there was a parallel operation on a distributed table"), unless every copy
-- uses one connection per node. An empty schema copies nothing, so it costs nothing there.
set citus.multi_shard_modify_mode to 'sequential';

-- Reference tables first: the foreign keys of the distributed tables point at them.
-- progress: customers, addresses, products, categories and coupons copied to every node
select create_reference_table(t) from unnest(array['categories', 'products', 'coupons',
    'customers', 'addresses', 'order_status_transitions']) t
where not exists (select 1 from citus_tables c where c.table_name = t::regclass and c.citus_table_type = 'reference');

-- progress: orders, their lines, coupons, status history and refunds moved into their shards
select create_distributed_table(t, 'order_id', colocate_with => case t when 'orders' then 'default' else 'orders' end)
from unnest(array['orders', 'order_items', 'order_coupons', 'order_status_changes', 'order_refunds',
                  'generator.fraud_ground_truth']) with ordinality u(t, n)
where not exists (select 1 from pg_dist_partition p where p.logicalrelid = t::regclass and p.partmethod = 'h')
order by n;

-- progress: page views and cart events moved into their shards
select create_distributed_table(t, 'session_id', colocate_with => case t when 'page_views' then 'none' else 'page_views' end)
from unnest(array['page_views', 'cart_events']) with ordinality u(t, n)
where not exists (select 1 from pg_dist_partition p where p.logicalrelid = t::regclass and p.partmethod = 'h')
order by n;

-- progress: stock movements moved into their shards
select create_distributed_table('stock_movements', 'product_id', colocate_with => 'none')
where not exists (select 1 from pg_dist_partition p where p.logicalrelid = 'stock_movements'::regclass and p.partmethod = 'h');

-- Stock with its ledger: shipping, returning or restocking a product writes its stock row and its
-- movement on the product's shard, not a reference table's copy on every node (two phases over
-- all of them). (Until then Citus keeps it as a "local" table of its own: its foreign key to
-- products.) A cluster distributed before keeps stock as a reference table, which the same
-- functions also serve.
-- progress: stock levels moved into their shards
select create_distributed_table('inventory', 'product_id', colocate_with => 'stock_movements')
where not exists (select 1 from citus_tables where table_name = 'inventory'::regclass
                  and citus_table_type in ('distributed', 'reference'));

select create_distributed_table('order_idempotency_keys', 'idempotency_key', colocate_with => 'none')
where not exists (select 1 from pg_dist_partition p where p.logicalrelid = 'order_idempotency_keys'::regclass and p.partmethod = 'h');

-- The colocated foreign keys come back now that both sides share their shards.
-- progress: the foreign keys between colocated shards checked
do $$
begin
    if not exists (select 1 from pg_constraint where conrelid = 'order_items'::regclass and confrelid = 'orders'::regclass) then
        alter table order_items add foreign key (order_id) references orders (order_id);
        alter table order_coupons add foreign key (order_id) references orders (order_id);
        alter table order_status_changes add foreign key (order_id) references orders (order_id) on delete cascade;
        alter table order_refunds add foreign key (order_id) references orders (order_id) on delete cascade;
        alter table generator.fraud_ground_truth add foreign key (order_id) references orders (order_id);
    end if;
    if not exists (select 1 from pg_constraint where conrelid = 'stock_movements'::regclass and confrelid = 'inventory'::regclass) then
        alter table stock_movements add foreign key (product_id, warehouse) references inventory (product_id, warehouse);
    end if;
end
$$;

reset citus.multi_shard_modify_mode;

-- The rows a shop had on the coordinator are in the shards now; Citus leaves their first copy on
-- the coordinator's disk, unseen, until it is truncated. Only where there is one: a truncate locks
-- its table, which a run on a cluster in use (or an empty schema) has no reason to.
-- progress: the coordinator's own copy of the moved rows truncated
select truncate_local_data_after_distributing_table(table_name)
from citus_tables
where citus_table_type in ('distributed', 'reference')
  and pg_relation_size(table_name) > 0;

do $$
declare
    f record;
begin
    for f in select definition from rollup_job.saved_functions loop
        execute f.definition;
    end loop;
    delete from rollup_job.saved_functions;
end
$$;

-- The settings the order writers, kpi_window() and sales_window_sums() need on a cluster are given
-- after this script, by cluster-definitions.sql (which every migration on the cluster runs again).

-- The web server runs reports as shopflow_reader (set local role): Citus reaches the workers as
-- the current user, so that role must be allowed to log in there. It has no password; let the
-- workers' pg_hba.conf accept it from the coordinator only (docs/scale-out.md).
alter role shopflow_reader login;

-- The rollups: on a cluster a job keeps them (catch_up_rollups()), from watermarks set here
-- (and by every rebuild: generate, shopflow refresh).
-- (It reads every raw row through the coordinator, where the rollups live: no cap on what it pulls
-- there, as cluster-definitions.sql gives the function for its later calls, after this script.)
set citus.max_intermediate_result_size = -1;
-- progress: the rollups rebuilt for the catch-up job
select rebuild_rollups_marking_watermarks();
reset citus.max_intermediate_result_size;

-- (Then, the rebuild committed, Distribution vacuums and analyzes the rollups, as after every
-- other rebuild: Rollups.vacuumAndAnalyze().)
