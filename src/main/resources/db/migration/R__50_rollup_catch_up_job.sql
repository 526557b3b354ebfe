-- The catch-up job: rollups kept by a job instead of triggers, on a Citus cluster
-- (docs/scale-out.md).
--
-- On a cluster `shopflow distribute` drops the rollup triggers (Citus cannot run statement
-- transition tables on shards). There catch_up_rollups() applies, every second (the web
-- server's RollupFolder, where one node folds) and before every report, the rows written since
-- its last run, through the same maintenance functions the triggers call with arrays of changed
-- rows (rollup_<table>_apply(added, removed) and friends), then folds: the rollup logic has one copy.
--
-- What it applies, by id watermark (ids come from one sequence per table on the coordinator):
--   orders                new orders, as they are at the run (their status changes included)
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
-- the table's lock before its id: the insert's default does, place_order locks first),
-- and a writer after it takes a higher id; then it waits for the two-phase commits those writers
-- left prepared on the workers (wait_for_prepared_writes()). The lock is held until the run
-- commits, not released right after the sequences are read (as in Citus's blog), because the maintenance functions also read the
-- raw tables (an order's other lines, a customer's earlier orders) and must see them exactly as
-- of the watermarks. A run with nothing new takes no lock.
--
-- On one node nothing calls it (the triggers keep the rollups current) and it changes nothing
-- there: its watermarks are set only by rebuild_rollups_marking_watermarks().

-- True on a Citus cluster (orders is a distributed table): there this job keeps the rollups.
create or replace function rollups_kept_by_job() returns boolean
language plpgsql stable as $$
declare
    distributed boolean;
begin
    if to_regclass('pg_catalog.pg_dist_partition') is null then
        return false;
    end if;
    execute 'select exists (select 1 from pg_catalog.pg_dist_partition where logicalrelid = ''public.orders''::regclass)'
        into distributed;
    return distributed;
end
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
        select s.source, pg_get_serial_sequence(s.source, s.id_column) as seq
        from (values ('orders', 'order_id'), ('order_items', 'item_id'), ('order_status_changes', 'change_id'),
                     ('order_refunds', 'refund_line_id'), ('page_views', 'view_id'), ('cart_events', 'event_id'), ('stock_movements', 'movement_id'))
             as s (source, id_column)
    loop
        execute format('select last_value, is_called from %s', t.seq) into last, called;
        source := t.source;
        last_id := case when called then last else last - 1 end;
        return next;
    end loop;
end
$$;

-- Every writer of the source tables has committed, and new ones wait for the caller's commit.
-- Tables in the order the writers take them (orders before their lines, status changes and
-- stock movements; page views before cart events), so a run never deadlocks with them.
create or replace function lock_rollup_sources() returns void
language plpgsql as $$
begin
    lock table orders, order_items, order_status_changes, order_refunds, stock_movements, page_views, cart_events
        in exclusive mode;
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
-- The sources stay locked until the caller commits (writers wait, as for rebuild_rollups()).
-- The category ancestry is rewritten first: on a cluster the trigger on categories that keeps it
-- is gone (the generator's categories arrive after distribute).
create or replace function rebuild_rollups_marking_watermarks() returns void
language plpgsql as $$
begin
    perform lock_rollup_sources();
    perform wait_for_prepared_writes();
    perform refresh_category_ancestry();
    insert into rollups.watermarks (source, applied_id, applied_at)
    select source, last_id, now() from rollup_source_ids()
    on conflict (source) do update set applied_id = excluded.applied_id, applied_at = excluded.applied_at;
    perform rebuild_rollups();
end
$$;

-- Applies the rows written since the last run to the rollups and folds them; returns how many
-- source rows it applied (0: nothing new, and no lock taken). One run at a time (a second caller
-- waits, then finds little or nothing to do). Notifies the dashboard's channel when it applied
-- anything (delivered at commit).
--
-- The maintenance functions read raw rows besides the changed ones (a customer's earlier orders,
-- an order's other lines, a session's events), with per-row lookups (lateral joins) that Citus
-- cannot plan over distributed tables (nor over reference tables in the statements planned once
-- per session, plan_cache_mode = force_generic_plan). So the run first copies the raw rows
-- they can read, those of the orders, customers, products and sessions it touches, into the
-- coordinator's tables of the same names in the schema rollup_job, which it puts first on the
-- search path for the rest of the run: the functions' unqualified names then resolve there
-- (PostgreSQL plans a cached statement again when the search path differs), and they run on the
-- coordinator alone over exactly the rows the distributed tables hold (the sources are locked
-- meanwhile). This function names the shop's tables public.*.
create or replace function catch_up_rollups() returns bigint
language plpgsql as $$
declare
    applied  jsonb;   -- source -> applied_id before this run
    target   jsonb;   -- source -> last id handed out, under the lock
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
    sales_orders int[];
    sales_now record;
    sessions varchar[];
    path text := current_setting('search_path');
begin
    perform pg_advisory_xact_lock(hashtext('shopflow.catch_up_rollups'));
    select jsonb_object_agg(source, applied_id) into applied from rollups.watermarks;
    if applied is null then
        raise exception 'the rollups have no watermarks yet: run shopflow refresh (rebuild_rollups_marking_watermarks())';
    end if;
    if not exists (select 1 from rollup_source_ids() s where s.last_id > (applied ->> s.source)::bigint) then
        return 0;
    end if;

    perform lock_rollup_sources();
    perform wait_for_prepared_writes();
    select jsonb_object_agg(source, last_id) into target from rollup_source_ids();

    -- orders: the new ones as they are now; older ones whose status changed, before and now
    select coalesce(array_agg(o order by o.order_id), '{}') into new_orders
    from public.orders o
    where o.order_id > (applied ->> 'orders')::bigint and o.order_id <= (target ->> 'orders')::bigint;
    select coalesce(array_agg(o order by o.order_id), '{}'),
           coalesce(array_agg(jsonb_populate_record(o, jsonb_build_object('status', c.first_from)) order by o.order_id), '{}')
    into changed_now, changed_before
    from public.orders o
    join (
        select order_id, (array_agg(from_status order by change_id))[1] as first_from
        from public.order_status_changes
        where change_id > (applied ->> 'order_status_changes')::bigint
          and change_id <= (target ->> 'order_status_changes')::bigint
          and order_id <= (applied ->> 'orders')::bigint
        group by order_id
    ) as c using (order_id)
    where o.status <> c.first_from;
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

    -- the raw rows the maintenance functions may read, as local copies (see above)
    touched_orders := array(select order_id from unnest(new_orders || changed_now)
                            union select order_id from unnest(new_items) union select order_id from unnest(new_returns)
                            union select r.order_id from public.order_refunds r where r.refund_line_id = any (new_refunds));
    -- (and the customers the fold below recounts: those with a removal pending)
    touched_customers := array(select customer_id from unnest(new_orders || changed_now)
                               union select customer_id from rollups.customer_orders_pending where removed > 0);
    touched_sessions := array(select session_id from unnest(new_orders) union select session_id from unnest(new_views)
                              union select session_id from unnest(new_events) except select null);
    truncate rollup_job.orders, rollup_job.order_items, rollup_job.page_views, rollup_job.cart_events,
             rollup_job.customers, rollup_job.products, rollup_job.order_status_changes, rollup_job.order_refunds;
    insert into rollup_job.orders
    select * from public.orders
    where order_id = any (touched_orders) or customer_id = any (touched_customers) or session_id = any (touched_sessions);
    -- (the lines of every order copied: the customer fold's recount reads its customers' net sales)
    insert into rollup_job.order_items
    select * from public.order_items where order_id = any (array(select order_id from rollup_job.orders));
    -- (and their partial refunds up to the watermark, new ones included: the customer fold's recount
    -- takes them from its customers' net sales, and the new ones are read here by id)
    insert into rollup_job.order_refunds
    select * from public.order_refunds
    where order_id = any (array(select order_id from rollup_job.orders))
      and refund_line_id <= (target ->> 'order_refunds')::bigint;
    -- only the status changes applied by earlier runs: the returns among them are in the rollup, and
    -- new lines add to them; the new returns are valued below with every line up to the watermark
    insert into rollup_job.order_status_changes
    select * from public.order_status_changes
    where order_id = any (touched_orders) and change_id <= (applied ->> 'order_status_changes')::bigint;
    insert into rollup_job.page_views select * from public.page_views where session_id = any (touched_sessions);
    insert into rollup_job.cart_events select * from public.cart_events where session_id = any (touched_sessions);
    insert into rollup_job.customers select * from public.customers where customer_id = any (touched_customers);
    insert into rollup_job.products
    select * from public.products where product_id in (select product_id from rollup_job.order_items);
    perform set_config('search_path', 'rollup_job, ' || path, true);

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
    -- new cancellation or refund, as it is now less as it was at the last run (its lines and
    -- return changes up to the watermarks, its status before)
    sales_orders := array(select order_id from unnest(new_items) union select order_id from unnest(changed_now)
                          union select c.order_id from public.order_status_changes c
                          where c.change_id > (applied ->> 'order_status_changes')::bigint
                            and c.change_id <= (target ->> 'order_status_changes')::bigint
                            and c.to_status in ('cancelled', 'refunded'));
    if cardinality(sales_orders) > 0 then
        select * into sales_now from order_sales_rows(sales_orders);
        perform rollup_product_days_apply(
            sales_now.order_rows, sales_now.line_rows, sales_now.return_rows,
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
        -- (the new orders' net sales took their refunds already, with every refund up to the watermark)
        perform rollup_customer_refunds_apply(
            array(select r.refund_line_id from rollup_job.order_refunds r
                  where r.refund_line_id = any (new_refunds) and r.order_id <= (applied ->> 'orders')::bigint));
    end if;
    if cardinality(new_items) > 0 then
        perform rollup_sales_lines_apply(new_items, '{}');
        -- (the new orders' net sales took their lines already)
        perform rollup_customer_lines_apply(
            array(select i from unnest(new_items) i where i.order_id not in (select order_id from unnest(new_orders))), '{}');
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
    -- its raw orders, which must be those of the watermarks (not newer ones, applied next run)
    perform fold_rollups();
    perform set_config('search_path', path, true);

    update rollups.watermarks w set applied_id = (target ->> w.source)::bigint, applied_at = now()
    where applied_id <> (target ->> w.source)::bigint;
    perform pg_notify('shopflow_changes', 'rollups:catch_up');
    return cardinality(new_orders) + cardinality(changed_now) + cardinality(new_items) + cardinality(new_refunds)
           + cardinality(new_views) + cardinality(new_events) + cardinality(new_movements);
end
$$;

-- On a cluster a writer's transaction that touched several nodes (placing an order moves stock,
-- a reference table on every node) commits with two-phase commit: the coordinator commits, and
-- releases its locks, before the workers' prepared transactions are committed. Rows it wrote to
-- the shards stay invisible until then, so after lock_rollup_sources() a run waits here until the
-- transactions prepared on the workers before it are gone (milliseconds; none when nothing is in
-- flight). Citus's maintenance daemon finishes those a failed coordinator left behind; after 10 s
-- the run gives up (nothing applied, the next one tries again).
-- The usual answer of the first round is that nothing is prepared: then it asks no second time
-- (each round of run_command_on_workers is a new connection to every worker, about 88 ms measured
-- on a busy 2-core machine, while the run holds the source tables' lock and writers wait).
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
