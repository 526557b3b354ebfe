-- The catch-up job: rollups kept by a job instead of triggers, on a Citus cluster
-- (docs/scale-out.md).
--
-- On a cluster `shopflow distribute` drops the rollup triggers (Citus cannot run statement
-- transition tables on shards). There catch_up_rollups() applies, every 100 ms (the web
-- server's RollupFolder, where one node folds) and before every report, the rows written since
-- its last run, through the same maintenance functions the triggers call with arrays of changed
-- rows (rollup_<table>_apply(added, removed) and friends), then folds: the rollup logic has one copy.
--
-- What it applies, by id watermark (ids come from one sequence per table on the coordinator):
--   orders                new orders, as they are at the run's target (status changes up to it included)
--   order_status_changes  status changes of older orders (append-only: order_transition() writes
--                         one per change): the order leaves its first old status for its current one;
--                         and every change to cancelled or refunded, a return (the order_days family)
--   order_items           new lines (place_order writes an order's lines with the order)
--   order_refunds         new partial refunds and take-backs (never updated: money that moved)
--   page_views, cart_events, stock_movements   new rows
-- Not applied (no writer of ShopFlow does them; `shopflow refresh` rebuilds after doing them by
-- hand): updates and deletes of those rows other than status changes through order_transition(),
-- customers' signup dates (fraud's new-account flag), products moved to another category and
-- changes of the category tree. Whole refunds and cancellations are status changes; stock (inventory)
-- and customers are read raw by the reports. The stock levels of rollups.stock_levels follow the
-- stock movements applied (rollup_stock_movements_apply(), R__39_rollup_stock.sql).
--
-- The classic pitfall of id watermarks: a transaction that took a lower id can commit after one
-- that took a higher id, and a run reading up to the higher id would skip the lower one for
-- ever. A run therefore locks the source tables in EXCLUSIVE mode (writers wait; readers do not)
-- before reading the sequences: every writer holding an id has committed by then (a writer takes
-- the table's lock before its id: the insert's default does, place_order locks first), and a
-- writer after it takes a higher id; each writer's rows are all up to the ids read or all after
-- them. It takes that lock only at a moment when no writer holds the tables
-- (lock_rollup_sources_between_writes()) and commits at once: writers wait for the moment it
-- reads the sequences, not for the writers in flight to finish. The rows up to the ids read (the
-- run's targets) are applied in a second transaction, writers writing meanwhile, once the
-- two-phase commits left prepared on the workers are done (wait_for_prepared_writes()): the
-- maintenance functions also read raw rows (an order's other lines, a customer's earlier orders,
-- a row's stock ledger), so the run reads every raw row as of its targets
-- (rollup_catch_up_apply()).
--
-- On one node nothing calls it (the triggers keep the rollups current) and it changes nothing
-- there: its watermarks are set only by mark_rollup_watermarks().

-- True on a Citus cluster (orders is a distributed table): there this job keeps the rollups.
create or replace function rollups_kept_by_job() returns boolean
language plpgsql stable as $$
begin
    return distributed_table('public.orders');
end
$$;

-- The last id of source_table's rows that the rollups hold: on a cluster the job's watermark (the
-- rows after it, committed since its last run read its targets, are in the raw table and not yet
-- in the rollups), on one node every row (the triggers keep the rollups in the writer's
-- transaction, and a report reads both in one snapshot). A report that corrects its rollups with
-- the raw rows after its as_of (orders placed later that day taken out, returns since added back)
-- corrects only for the rows up to this id: without the bound, a row written between a report's
-- catch-up and its read was taken out of the rollups without ever having been counted there.
-- A report file calls it where Citus computes it apart, on the coordinator (the watermarks are its
-- table), and sends the shards its value: a scalar subquery, `(select rollup_applied_id('orders'))`
-- (low_stock), or a CTE the report reads apart already (market_basket's bounds); called in a filter
-- on a distributed table it would run on the workers. (Read from low_stock's moments inside its
-- ledger, a subplan within a subplan, the shards could not find its result: no rows.)
create or replace function rollup_applied_id(source_table text) returns bigint
language plpgsql stable as $$
begin
    if not rollups_kept_by_job() then
        return 9223372036854775807;
    end if;
    return (select w.applied_id from rollups.watermarks w where w.source = source_table);
end
$$;

-- The source tables the job applies, with their id columns, in the order the writers take them
-- (orders before their lines, status changes and stock movements; page views before cart events),
-- so a run locking them never deadlocks with the writers. The one list of them: the locks below
-- name them from it, and rollup_source_ids() reads their sequences.
create or replace function rollup_sources() returns table (source text, id_column text)
language sql immutable as $$
    values ('orders', 'order_id'), ('order_items', 'item_id'), ('order_status_changes', 'change_id'),
           ('order_refunds', 'refund_line_id'), ('stock_movements', 'movement_id'), ('page_views', 'view_id'),
           ('cart_events', 'event_id')
$$;

-- The last id each source table's sequence handed out (0 for none). Reading a sequence takes no
-- lock and sees ids of transactions not committed yet, hence the lock in catch_up_rollups().
create or replace function rollup_source_ids() returns table (source varchar, last_id bigint)
language plpgsql stable as $$
declare
    t record;
    last bigint;
    called boolean;
begin
    for t in
        select s.source, pg_get_serial_sequence(s.source, s.id_column) as seq from rollup_sources() as s
    loop
        execute format('select last_value, is_called from %s', t.seq) into last, called;
        source := t.source;
        last_id := case when called then last else last - 1 end;
        return next;
    end loop;
end
$$;

-- The source tables comma-separated, in that order, for a lock statement.
create or replace function rollup_source_tables() returns text
language sql immutable
return (select string_agg(s.source, ', ' order by s.position)
        from rollup_sources() with ordinality as s (source, id_column, position));

-- Every writer of the source tables has committed, and new ones wait for the caller's commit (a
-- rebuild that marks the watermarks: mark_rollup_watermarks()).
create or replace function lock_rollup_sources() returns void
language plpgsql as $$
begin
    execute format('lock table %s in exclusive mode', rollup_source_tables());
end
$$;

-- lock_rollup_sources() at a moment when no writer holds the tables. A request that waits for the
-- writers in flight queues every writer arriving after it behind them: under `bench live`'s load
-- at scale 1 on a cluster each run of the job stopped the writers for 48 to 56 ms on average. Tried
-- without waiting every millisecond or two (a failed try queues nobody; 64 ms on average under
-- that load), and waited for as before after give_up_after of tries (writers flat out leave no
-- gap). On a cluster the lock stays on the coordinator, where every writer takes its own
-- (cluster-definitions.sql).
create or replace function lock_rollup_sources_between_writes(give_up_after interval default interval '200 ms')
returns void
language plpgsql as $$
declare
    started timestamptz := clock_timestamp();
begin
    loop
        begin
            execute format('lock table %s in exclusive mode nowait', rollup_source_tables());
            return;
        exception when lock_not_available then
            if clock_timestamp() - started > give_up_after then
                perform lock_rollup_sources();
                return;
            end if;
            perform pg_sleep(0.001);
        end;
    end loop;
end
$$;

-- The transactions prepared on every worker, for this database (their global ids). Dynamic SQL:
-- run_command_on_workers exists only where Citus is installed.
create or replace function prepared_on_workers() returns text[]
language plpgsql as $$
declare
    prepared text[];
begin
    execute $q$
        select coalesce(array_agg(gid), '{}')
        from run_command_on_workers('select coalesce(string_agg(gid, '','' order by gid), '''') from pg_prepared_xacts'
                                    || ' where database = current_database()') as w,
             unnest(string_to_array(w.result, ',')) as gid
        where w.success and gid <> ''
    $q$ into prepared;
    return prepared;
end
$$;

-- Every rollup rebuilt from the raw tables, and the watermarks set where the rebuild read them.
-- The sources stay locked until the caller commits (writers wait, as for rebuild_rollups()), and
-- no run of the job applies rows meanwhile (its advisory lock, taken first as the runs take it).
-- The category ancestry is rewritten first: on a cluster the trigger on categories that keeps it
-- is gone (the generator's categories arrive after distribute). `distribute` calls it; `refresh`
-- marks the watermarks once and rebuilds family by family in the same transaction, to say each.
drop function if exists rebuild_rollups_marking_watermarks(text[]);
create or replace function rebuild_rollups_marking_watermarks() returns void
language plpgsql as $$
begin
    perform mark_rollup_watermarks();
    perform rebuild_rollups();
end
$$;

-- The watermarks set where the source tables are now, as the job takes them: its advisory lock
-- first, then every writer waited for (the sources locked until the caller commits). The category
-- ancestry is rewritten with them. rebuild_rollups_marking_watermarks() and `refresh` rebuild in
-- the same transaction; the generator's load marks them in a transaction of its own, then rebuilds the
-- rollups in parts side by side (rollup_rebuild_parts(), R__51_rollup_rebuild_parts.sql): rows
-- written between its commit and the parts' would be counted twice, and a generate replaces the
-- shop with no writers beside it, as on one node.
create or replace function mark_rollup_watermarks() returns void
language plpgsql as $$
begin
    perform pg_advisory_xact_lock(hashtext('shopflow.catch_up_rollups'));
    perform lock_rollup_sources();
    perform wait_for_prepared_writes();
    perform refresh_category_ancestry();
    insert into rollups.watermarks (source, applied_id, applied_at, targets_read_at)
    select source, last_id, now(), clock_timestamp() from rollup_source_ids()
    on conflict (source) do update
        set applied_id = excluded.applied_id, applied_at = excluded.applied_at, targets_read_at = excluded.targets_read_at;
end
$$;

-- A run of the job, in two transactions (the procedure commits between them):
--   1. rollup_catch_up_targets(): the source tables locked, the writers in flight waited for, the
--      sequences read; committed at once, so writers wait for milliseconds, not for the run;
--   2. rollup_catch_up_apply(): the rows up to those targets applied and folded, and the targets
--      committed as the new watermarks with them.
-- Returns how many source rows it applied (0: nothing new, and no lock taken). Notifies the
-- dashboard's channel when it applied anything (delivered at commit). Call it on its own, not
-- inside a transaction block (it commits): `call catch_up_rollups()`.
-- A call covered by another run (one that read its targets after this call began, while this one
-- waited for it) applies nothing itself: every row committed before the call is in the rollups.
-- A report passes its as_of (needed_by): it needs the rows committed before that moment only, so
-- a report as of a moment the last run's targets cover (read at or after it) applies nothing and
-- waits for no run: `call catch_up_rollups(null, '2026-06-30 12:00')`.
drop function if exists catch_up_rollups();
drop procedure if exists catch_up_rollups(bigint);
create or replace procedure catch_up_rollups(inout applied_rows bigint default null,
                                             needed_by timestamptz default null)
language plpgsql as $$
declare
    target jsonb;
begin
    target := rollup_catch_up_targets(least(clock_timestamp(), needed_by));
    commit;
    applied_rows := case when target is null then 0 else rollup_catch_up_apply(target) end;
    -- where nothing folds the RFM scoring beside the runs (reports from the command line), once
    -- its readers would score every buyer: in a third transaction, the run committed and notified
    if applied_rows > 0 and rfm_rescores_everyone() then
        commit;
        perform fold_rfm_rollups();
    end if;
end
$$;

-- The first transaction of a run: the last id each source table's sequence has handed out, read
-- when every writer that took an id has committed (null when nothing is new: then nothing is
-- locked). Every row up to these ids is then committed (on the workers once the two-phase commits
-- are done: rollup_catch_up_apply() waits for them), and every later writer takes a higher id: the
-- rows a run applies are exactly those between the watermarks and these targets, whoever writes
-- meanwhile.
-- `arrived` is the caller's clock on entry, or an earlier moment up to which it needs the rows
-- (a report's as_of): when the last run read its targets at or after it, null at once. Else it
-- first waits for a run applying rows (the advisory lock of rollup_catch_up_apply()), holding
-- no lock writers need. Callers arriving together (the dashboard's panels each catch up first, at
-- once) then find the rollups brought up to targets read after they arrived: null, nothing for
-- them to apply, though writers went on writing. Before, each read newer targets and ran again in
-- turn, one run per panel.
-- The targets come with the moment they were read ("read_at"): every row committed before it is
-- at or below them.
drop function if exists rollup_catch_up_targets();
create or replace function rollup_catch_up_targets(arrived timestamptz) returns jsonb
language plpgsql as $$
declare
    applied jsonb;
begin
    -- covered already: a run read its targets at or after arrived (its rollups committed with them)
    if (select min(targets_read_at) from rollups.watermarks) >= arrived then
        return null;
    end if;
    perform pg_advisory_xact_lock(hashtext('shopflow.catch_up_rollups'));
    select jsonb_object_agg(source, applied_id) into applied from rollups.watermarks;
    if applied is null then
        raise exception 'the rollups have no watermarks yet: run shopflow refresh (rebuild_rollups_marking_watermarks())';
    end if;
    if (select min(targets_read_at) from rollups.watermarks) >= arrived then
        return null;
    end if;
    if not exists (select 1 from rollup_source_ids() s where s.last_id > (applied ->> s.source)::bigint) then
        return null;
    end if;
    perform lock_rollup_sources_between_writes();
    return (select jsonb_object_agg(source, last_id) from rollup_source_ids())
           || jsonb_build_object('read_at', clock_timestamp());
end
$$;

-- The second transaction of a run: applies the rows from the watermarks up to target (from
-- rollup_catch_up_targets()) to the rollups, folds them, and moves the watermarks to target. One
-- at a time (an advisory lock, as every rebuild of the watermarks takes): a run that finds the
-- watermarks already at or past its targets (another run read later ones and applied them first)
-- applies nothing. Targets are read one run at a time (the same advisory lock) from sequences that
-- only grow, so any two runs' targets are ordered source by source, and the rows one run applies
-- are never applied again nor skipped by another.
--
-- Writers keep writing meanwhile, so everything is read as of the targets: the rows up to their
-- ids; orders as they were then (status: the one an order left at its first change after the
-- target, when it changed since; the other columns do not change); the stock of a moved warehouse
-- row as it was then (its quantity now less its movements since, read in one query on the worker
-- holding its movements, where a writer's stock update and its movement commit together).
--
-- The maintenance functions read raw rows besides the changed ones (a customer's earlier orders,
-- an order's other lines, a session's events, a warehouse row's ledger), with per-row lookups
-- (lateral joins) that Citus cannot plan over distributed tables (nor over reference tables in the
-- statements planned once per session, plan_cache_mode = force_generic_plan). So the run first
-- copies the raw rows they can read, those of the orders, customers, products, sessions and
-- warehouse rows it touches, as of the targets, into the coordinator's tables of the same names
-- in the schema rollup_job, which it puts first on the search path for the rest of the run: the
-- functions' unqualified names then resolve there (PostgreSQL plans a cached statement again when
-- the search path differs), and they run on the coordinator alone over exactly the rows the
-- distributed tables held at the targets. This function names the shop's tables public.*.
create or replace function rollup_catch_up_apply(target jsonb) returns bigint
language plpgsql as $$
declare
    read_at  timestamptz := (target ->> 'read_at')::timestamptz;  -- when the targets were read
    applied  jsonb;   -- source -> applied_id before this run
    new_order_ids int[];
    changed_ids int[];       -- orders applied before with status changes up to the target,
    changed_from varchar[];  -- and the status each left at its first one
    order_customers int[];
    order_sessions varchar[];
    later_ids int[];         -- orders changed after the target,
    later_from varchar[];    -- and the status each left at its first change after it
    new_orders public.orders[];
    changed_now public.orders[];
    changed_before public.orders[];
    new_items public.order_items[];
    new_returns sales_return[];
    new_refunds bigint[];
    new_views public.page_views[];
    new_events public.cart_events[];
    new_movements public.stock_movements[];
    touched_orders int[];
    touched_customers int[];
    touched_sessions varchar[];
    stock_p int[];           -- the warehouse rows this run moves or folds
    stock_w varchar[];
    sales_orders int[];
    sales_now record;
    sessions varchar[];
    path text := current_setting('search_path');
begin
    target := target - 'read_at';
    perform pg_advisory_xact_lock(hashtext('shopflow.catch_up_rollups'));
    select jsonb_object_agg(source, applied_id) into applied from rollups.watermarks;
    if not exists (select 1 from jsonb_each_text(target) t where t.value::bigint > (applied ->> t.key)::bigint) then
        return 0;
    end if;
    if exists (select 1 from jsonb_each_text(target) t where t.value::bigint < (applied ->> t.key)::bigint) then
        raise exception 'catch-up targets % behind the watermarks % for some sources: they were not read under the sources'' lock',
            target, applied;
    end if;
    -- the rows up to the targets visible on the workers (a failed two-phase commit's only when
    -- Citus has recovered it)
    perform wait_for_prepared_writes();

    -- what changed, by id range (those rows never change, nor an order's customer or session)
    select coalesce(array_agg(c.order_id order by c.order_id), '{}'), coalesce(array_agg(c.first_from order by c.order_id), '{}')
    into changed_ids, changed_from
    from (
        select order_id, (array_agg(from_status order by change_id))[1] as first_from
        from public.order_status_changes
        where change_id > (applied ->> 'order_status_changes')::bigint
          and change_id <= (target ->> 'order_status_changes')::bigint
          and order_id <= (applied ->> 'orders')::bigint
        group by order_id
    ) as c;
    select coalesce(array_agg(o.order_id) filter (where o.order_id > (applied ->> 'orders')::bigint), '{}'),
           coalesce(array_agg(o.customer_id), '{}'),
           coalesce(array_agg(o.session_id) filter (where o.order_id > (applied ->> 'orders')::bigint
                                                      and o.session_id is not null), '{}')
    into new_order_ids, order_customers, order_sessions
    from public.orders o
    where (o.order_id > (applied ->> 'orders')::bigint and o.order_id <= (target ->> 'orders')::bigint)
       or o.order_id = any (changed_ids);
    -- returns: changes to cancelled or refunded (of any order)
    select coalesce(array_agg(row(c.order_id, c.changed_at)::sales_return order by c.change_id), '{}') into new_returns
    from public.order_status_changes c
    where c.change_id > (applied ->> 'order_status_changes')::bigint
      and c.change_id <= (target ->> 'order_status_changes')::bigint
      and c.to_status in ('cancelled', 'refunded');
    -- partial refunds (their rows are read by id: they never change)
    new_refunds := array(select r.refund_line_id from public.order_refunds r
                         where r.refund_line_id > (applied ->> 'order_refunds')::bigint
                           and r.refund_line_id <= (target ->> 'order_refunds')::bigint);
    -- lines (of new orders: place_order writes them with the order), events, stock movements
    select coalesce(array_agg(i order by i.item_id), '{}') into new_items
    from public.order_items i
    where i.item_id > (applied ->> 'order_items')::bigint and i.item_id <= (target ->> 'order_items')::bigint;
    select coalesce(array_agg(v), '{}') into new_views
    from public.page_views v
    where v.view_id > (applied ->> 'page_views')::bigint and v.view_id <= (target ->> 'page_views')::bigint;
    select coalesce(array_agg(e), '{}') into new_events
    from public.cart_events e
    where e.event_id > (applied ->> 'cart_events')::bigint and e.event_id <= (target ->> 'cart_events')::bigint;
    select coalesce(array_agg(m), '{}') into new_movements
    from public.stock_movements m
    where m.movement_id > (applied ->> 'stock_movements')::bigint
      and m.movement_id <= (target ->> 'stock_movements')::bigint;

    -- the raw rows the maintenance functions may read, as local copies as of the targets (see above)
    touched_orders := array(select unnest(new_order_ids || changed_ids)
                            union select order_id from unnest(new_items) union select order_id from unnest(new_returns)
                            union select r.order_id from public.order_refunds r where r.refund_line_id = any (new_refunds));
    -- (and the customers the fold below recounts: those with a removal pending)
    touched_customers := array(select unnest(order_customers)
                               union select customer_id from rollups.customer_orders_pending where removed > 0);
    touched_sessions := array(select unnest(order_sessions) union select session_id from unnest(new_views)
                              union select session_id from unnest(new_events) except select null);
    truncate rollup_job.orders, rollup_job.order_items, rollup_job.page_views, rollup_job.cart_events,
             rollup_job.customers, rollup_job.products, rollup_job.order_status_changes, rollup_job.order_refunds,
             rollup_job.stock_movements, rollup_job.inventory;
    insert into rollup_job.orders
    select * from public.orders
    where order_id <= (target ->> 'orders')::bigint
      and (order_id = any (touched_orders) or customer_id = any (touched_customers) or session_id = any (touched_sessions));
    -- each copied order's status as of the target: read after the copy, so every change the copy
    -- saw is among these (an order's row and its change commit together on its shard)
    select coalesce(array_agg(later.order_id), '{}'), coalesce(array_agg(later.first_from), '{}')
    into later_ids, later_from
    from (
        select c.order_id, (array_agg(c.from_status order by c.change_id))[1] as first_from
        from public.order_status_changes c
        where c.change_id > (target ->> 'order_status_changes')::bigint
        group by c.order_id
    ) as later;
    update rollup_job.orders o set status = later.first_from
    from unnest(later_ids, later_from) as later (order_id, first_from)
    where o.order_id = later.order_id;
    -- (the lines of every order copied: the customer fold's recount reads its customers' net sales)
    insert into rollup_job.order_items
    select * from public.order_items
    where order_id = any (array(select order_id from rollup_job.orders))
      and item_id <= (target ->> 'order_items')::bigint;
    -- (and their partial refunds up to the target, new ones included: the customer fold's recount
    -- takes them from its customers' net sales, and the new ones are read here by id)
    insert into rollup_job.order_refunds
    select * from public.order_refunds
    where order_id = any (array(select order_id from rollup_job.orders))
      and refund_line_id <= (target ->> 'order_refunds')::bigint;
    -- only the status changes applied by earlier runs: the returns among them are in the rollup, and
    -- new lines add to them; the new returns are valued below with every line up to the target
    insert into rollup_job.order_status_changes
    select * from public.order_status_changes
    where order_id = any (touched_orders) and change_id <= (applied ->> 'order_status_changes')::bigint;
    insert into rollup_job.page_views select * from public.page_views
    where session_id = any (touched_sessions) and view_id <= (target ->> 'page_views')::bigint;
    insert into rollup_job.cart_events select * from public.cart_events
    where session_id = any (touched_sessions) and event_id <= (target ->> 'cart_events')::bigint;
    insert into rollup_job.customers select * from public.customers where customer_id = any (touched_customers);
    -- (by an array of ids: "in (select ...)" made Citus send the ids as an intermediate result and
    -- join it with every product, 18 ms a run at scale 10, where the index finds them in 1 to 3)
    insert into rollup_job.products
    select * from public.products
    where product_id = any (array(select distinct product_id from rollup_job.order_items));
    perform rollup_job_copy_stock(new_movements, (target ->> 'stock_movements')::bigint);
    perform set_config('search_path', 'rollup_job, ' || path, true);

    -- the orders as of the target: the new ones; older ones whose status changed, then and before
    new_orders := array(select row(o.*)::public.orders from rollup_job.orders o
                        where o.order_id = any (new_order_ids) order by o.order_id);
    select coalesce(array_agg(row(o.*)::public.orders order by o.order_id), '{}'),
           coalesce(array_agg(jsonb_populate_record(row(o.*)::public.orders, jsonb_build_object('status', c.first_from))
                              order by o.order_id), '{}')
    into changed_now, changed_before
    from rollup_job.orders o
    join unnest(changed_ids, changed_from) as c (order_id, first_from) using (order_id)
    where o.status <> c.first_from;

    if cardinality(new_orders) + cardinality(changed_now) > 0 then
        perform rollup_orders_apply(new_orders || changed_now, changed_before);
        perform rollup_cohorts_apply(new_orders || changed_now, changed_before);
        perform rollup_customer_orders_apply(new_orders || changed_now, changed_before);
        perform rollup_order_risk_apply(new_orders || changed_now, changed_before);
        -- status changes move no first order: the new orders alone
        perform rollup_first_orders_apply(new_orders, '{}');
        -- a session's first order (status changes touch no session)
        sessions := array(select distinct session_id from unnest(new_orders) where session_id is not null);
        if cardinality(sessions) > 0 then
            perform rollup_funnel_merge(funnel_sessions_named(sessions), false, false, true);
        end if;
    end if;
    -- the product, pair, basket and category days: each order with new lines, a new status or a
    -- new cancellation or refund, as it is at the target less as it was at the last run (its lines
    -- and return changes up to the watermarks, its status before)
    sales_orders := array(select order_id from unnest(new_items) union select order_id from unnest(changed_now)
                          union select order_id from unnest(new_returns));
    if cardinality(sales_orders) > 0 then
        select * into sales_now from order_sales_rows(sales_orders);
        perform rollup_product_days_apply(
            sales_now.order_rows, sales_now.line_rows,
            -- (order_sales_rows() reads the returns from the table itself: those up to the target)
            array(select r from unnest(sales_now.return_rows) r
                  where r.change_id <= (target ->> 'order_status_changes')::bigint),
            array(select coalesce(b, o) from unnest(sales_now.order_rows) o
                  left join unnest(changed_before) b on b.order_id = o.order_id
                  where o.order_id <= (applied ->> 'orders')::bigint),
            array(select l from unnest(sales_now.line_rows) l where l.item_id <= (applied ->> 'order_items')::bigint),
            array(select r from unnest(sales_now.return_rows) r
                  where r.change_id <= (applied ->> 'order_status_changes')::bigint));
    end if;
    if cardinality(new_returns) > 0 then
        perform rollup_returns_apply(new_returns, '{}');
    end if;
    if cardinality(new_refunds) > 0 then
        perform rollup_refund_returns_apply(new_refunds, 1);
        perform rollup_refund_products_apply(new_refunds, 1);
        -- (the new orders' net sales took their refunds already, with every refund up to the target)
        perform rollup_customer_refunds_apply(
            array(select r.refund_line_id from rollup_job.order_refunds r
                  where r.refund_line_id = any (new_refunds) and r.order_id <= (applied ->> 'orders')::bigint));
    end if;
    if cardinality(new_items) > 0 then
        perform rollup_sales_lines_apply(new_items, '{}');
        -- (the new orders' net sales took their lines already)
        perform rollup_customer_lines_apply(
            array(select i from unnest(new_items) i where i.order_id <> all (new_order_ids)), '{}');
    end if;
    if cardinality(new_views) > 0 then
        perform rollup_funnel_merge(funnel_sessions_named(
            array(select distinct session_id from unnest(new_views) where session_id is not null)), true, false, false);
    end if;
    if cardinality(new_events) > 0 then
        perform rollup_funnel_merge(funnel_sessions_named(
            array(select distinct session_id from unnest(new_events) where session_id is not null)), false, true, false);
    end if;
    if cardinality(new_movements) > 0 then
        perform rollup_stock_movements_apply(new_movements, '{}');
    end if;
    -- folded here, over the same copies: the customer fold recounts a customer with a removal from
    -- its raw orders, and the stock fold a moved row's stock-outs from its ledger, which must be
    -- those of the targets (not newer ones, applied next run). But the RFM scoring, which reads
    -- the folded customer rollup alone: the web server folds it beside the runs (fold_rfm_rollups();
    -- about 0.9 s at scale 10, which every row committed meanwhile waited for, run after run).
    perform fold_rollups(except_families => array['rfm']);
    perform set_config('search_path', path, true);

    update rollups.watermarks w
    set applied_id = (target ->> w.source)::bigint, applied_at = now(), targets_read_at = read_at;
    -- naming the moment its targets were read: the dashboard re-reads as of it, which every row
    -- committed before it is applied for, so its reports need no catch-up of their own
    perform pg_notify('shopflow_changes',
                      'rollups:caught_up:' || to_char(read_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'));
    return cardinality(new_orders) + cardinality(changed_now) + cardinality(new_items) + cardinality(new_refunds)
           + cardinality(new_views) + cardinality(new_events) + cardinality(new_movements);
end
$$;

-- The stock rows a run reads, as of the target (stock_movements up to max_movement): the warehouse
-- rows it moves (moved) and those the fold computes the stock-outs of (with pending movements or
-- marked stale), each with its ledger up to the target (rollup_job.stock_movements) and its
-- quantity then (rollup_job.inventory): its quantity now less its movements since. A writer
-- updates a stock row and adds its movement in one transaction, on the product's shard (inventory
-- is distributed by product, colocated with stock_movements; on a cluster distributed before, a
-- reference table with a copy on every node), and a transaction over several workers commits on
-- each a moment apart. So the quantity and the movements since come from one query pushed down to
-- the shards (grouped by product, the distribution column): each row is read with its movements
-- on one worker, in one snapshot. A row with no movement at all (none to read it with) is read on
-- its own; if one arrives meanwhile, its run marks the row stale again and the next fold reads it
-- anew.
create or replace function rollup_job_copy_stock(moved public.stock_movements[], max_movement bigint) returns void
language plpgsql as $$
declare
    keys_p int[];
    keys_w varchar[];
    unmoved_p int[];
    unmoved_w varchar[];
begin
    select coalesce(array_agg(k.product_id), '{}'), coalesce(array_agg(k.warehouse), '{}') into keys_p, keys_w
    from (
        select product_id, warehouse from unnest(moved)
        union select product_id, warehouse from rollups.stock_days_pending
        union select product_id, warehouse from rollups.stock_levels where out_stale
    ) as k;
    if cardinality(keys_p) = 0 then
        return;
    end if;
    insert into rollup_job.stock_movements
    select * from public.stock_movements m
    where m.product_id = any (keys_p) and m.warehouse = any (keys_w) and m.movement_id <= max_movement;
    insert into rollup_job.inventory (inventory_id, product_id, warehouse, quantity, reorder_level, last_updated)
    select i.inventory_id, m.product_id, m.warehouse,
           i.quantity - coalesce(sum(m.quantity) filter (where m.movement_id > max_movement), 0),
           i.reorder_level, i.last_updated
    from public.stock_movements m
    join public.inventory i on i.product_id = m.product_id and i.warehouse = m.warehouse
    where m.product_id = any (keys_p) and m.warehouse = any (keys_w)
    group by m.product_id, m.warehouse, i.inventory_id, i.quantity, i.reorder_level, i.last_updated;
    select coalesce(array_agg(k.product_id), '{}'), coalesce(array_agg(k.warehouse), '{}') into unmoved_p, unmoved_w
    from unnest(keys_p, keys_w) as k (product_id, warehouse)
    where not exists (select 1 from rollup_job.inventory c where c.product_id = k.product_id and c.warehouse = k.warehouse);
    if cardinality(unmoved_p) > 0 then
        insert into rollup_job.inventory
        select i.* from public.inventory i
        join unnest(unmoved_p, unmoved_w) as k (product_id, warehouse) using (product_id, warehouse);
    end if;
end
$$;

-- On a cluster a writer's transaction that touched several nodes (an order and its idempotency key
-- on two workers, a coupon's use count in a reference table) commits with two-phase commit: the
-- coordinator commits, then sends COMMIT PREPARED to the workers and waits for their replies before
-- it releases its locks, so a writer waited for (lock_rollup_sources()) has its rows committed on
-- the workers, unless a COMMIT PREPARED failed (a worker or its connection lost): that
-- transaction stays prepared, its rows invisible, until Citus's maintenance daemon commits it
-- (within citus.recover_2pc_interval, a minute by default). So a run then waits here until the
-- transactions prepared on the workers before it are gone (milliseconds; none when nothing is in
-- flight); after 10 s it gives up (nothing applied, the next one tries again). The usual answer
-- of the first round is that nothing is prepared: then it asks no second time (each round of
-- run_command_on_workers is a new connection to every worker, 25 ms under `bench live`'s load at
-- scale 1). A run asks once its targets are committed, holding no lock writers need.
create or replace function wait_for_prepared_writes() returns void
language plpgsql as $$
declare
    before text[];
    still text[];
    started timestamptz := clock_timestamp();
begin
    if to_regproc('pg_catalog.run_command_on_workers') is null then
        return;
    end if;
    before := prepared_on_workers();
    still := before;
    while cardinality(still) > 0 loop
        if clock_timestamp() - started > interval '10 seconds' then
            raise exception 'transactions prepared on the workers are still not committed after 10 s: %', still
                using hint = 'select recover_prepared_transactions() on the coordinator commits those of committed transactions';
        end if;
        perform pg_sleep(0.002);
        still := array(select unnest(prepared_on_workers()) intersect select unnest(before));
    end loop;
end
$$;

-- The product_sales and category_orders families per shop day (rollups.product_days_* and
-- rollups.category_days_*) start empty in a database that had the all-history ones: filled here once, on one node. (On a
-- cluster `shopflow refresh` fills them and sets the job's watermarks with them.)
do $$
begin
    if not rollups_kept_by_job() and not exists (select 1 from rollups.product_days_folded)
       and exists (select 1 from order_items) then
        perform rebuild_product_sales_rollups();
        perform rebuild_category_orders_rollups();
    end if;
end
$$;
