-- The stock family: what low_stock reads, one row per warehouse row (rollups.stock_levels): its
-- product's sku, name and whether it is active (kept by a trigger on products); its quantity and
-- reorder level (kept by triggers on inventory, in the writer's statement); the shop days it
-- shipped on, ascending, and the running total of units shipped through each: a window's
-- shipments are the running total at its last day less that at the day before its first, two
-- binary searches in the row (width_bucket), no sum over days. Two partial indexes hold the
-- active rows at or under their reorder level, and those between it and twice it: low_stock's
-- first page reads the first, and the second only when the first holds fewer rows than the page.
--
-- Stock-outs (low_stock's velocity counts the days a row had stock): per row, out_until, when its
-- last stock-out ended ('infinity': out now, '-infinity': never out), and cover_key, a lower bound
-- of its days of stock over 30 days at any moment after its last movement (the migration adding cover_key explains the bound),
-- both from its ledger and its quantity, computed by the fold for the rows a write marked stale
-- (out_stale: a quantity changed, a movement corrected) or with pending movements, and by the
-- rebuild, with out_ranges, every stretch of time its stock was at or under zero. A window that
-- starts at or after out_until had no stock-out; the report counts the days out of stock of the
-- other rows from out_ranges, and reads the ledger only for the stale rows and those with pending
-- movements.
--
-- Shipments only append: triggers on stock_movements add signed per-day units to
-- rollups.stock_days_pending; the fold merges them into the running totals, and the report adds
-- the pending rows until then. Stock and reorder level are written in place by the inventory
-- trigger: a shipping writer (order_transition) already holds the inventory row's lock, so the
-- rollup row adds no waiting between writers. The folder skips rows a writer holds (FOR UPDATE
-- SKIP LOCKED) and folds them the next time, so it never waits for a writer nor deadlocks with one.
--
-- On a Citus cluster there are no triggers (inventory is a reference table, and Citus runs
-- triggers on the workers, away from the coordinator's rollups). Every writer of ShopFlow that
-- changes a warehouse's stock records the change in stock_movements in the same transaction
-- (order_transition ships and returns), and the catch-up job applies new movements through
-- rollup_stock_movements_apply(), which also brings the moved rows' stock and reorder level to
-- inventory's (stock_levels_match_inventory()), and adds the rollup row of a warehouse row a
-- return created. Writers keep moving stock while the job runs: it reads a moved row's stock as of
-- its target (its copy in rollup_job.inventory: the quantity less the movements since, see
-- rollup_job_copy_stock()), and the stock-outs from the ledger up to the target. Not kept by the job (as for
-- customers, run `shopflow refresh` after doing them by hand): stock or reorder levels changed
-- without a stock movement, and products renamed or deactivated.

-- ============================================================
-- MAINTENANCE: STOCK MOVEMENTS
-- ============================================================
-- The rollup rows of the warehouse rows moved, brought to inventory's (unqualified: in the catch-up
-- job, its copy of the rows moved, as they were at its target).
-- PL/pgSQL: Citus cannot plan a SQL function's statement that uses its parameters.
create or replace function stock_levels_match_inventory(moved stock_movements[]) returns void
language plpgsql as $$
begin
    insert into rollups.stock_levels as rollup
        (product_id, warehouse, sku, product_name, is_active, quantity, reorder_level, days, shipped_through)
    select inventory.product_id, inventory.warehouse, products.sku, products.name, coalesce(products.is_active, false),
           inventory.quantity, coalesce(inventory.reorder_level, 0), '{}', '{}'
    from inventory
    join public.products using (product_id)
    where (inventory.product_id, inventory.warehouse) in (select product_id, warehouse from unnest(moved))
    order by inventory.product_id, inventory.warehouse
    on conflict (product_id, warehouse) do update
        set quantity = excluded.quantity,
            reorder_level = excluded.reorder_level,
            out_stale = rollup.out_stale or rollup.quantity <> excluded.quantity
        where (rollup.quantity, rollup.reorder_level) is distinct from (excluded.quantity, excluded.reorder_level);
end
$$;

-- Movements updated or deleted (corrections, rare), and on a cluster the catch-up job's new
-- movements: appends the shipments in "added" and takes out those in "removed" (updates are old
-- out, new in). Returns, restocks and adjustments are not shipments: a movement changing reason
-- moves in or out. On one node its stock levels match (the triggers have already written the same
-- values: the update is skipped). PL/pgSQL for its cached plans (see rollup_orders_apply()).
create or replace function rollup_stock_movements_apply(added stock_movements[], removed stock_movements[]) returns void
language plpgsql as $$
begin
    insert into rollups.stock_days_pending (product_id, warehouse, day, shipped)
    select delta.product_id, delta.warehouse, shop_day(delta.moved_at), -sum(delta.sign * delta.quantity)
    from (
        select product_id, warehouse, moved_at, quantity, 1 as sign from unnest(added) where reason = 'ship'
        union all
        select product_id, warehouse, moved_at, quantity, -1 as sign from unnest(removed) where reason = 'ship'
    ) as delta
    group by 1, 2, 3
    having sum(delta.sign * delta.quantity) <> 0;

    -- any movement moved, added or taken out changes the row's stock history: its stock-outs are
    -- computed again by the next fold
    update rollups.stock_levels as rollup
    set out_stale = true
    where (rollup.product_id, rollup.warehouse) in (select product_id, warehouse from unnest(added || removed))
      and not rollup.out_stale;

    perform stock_levels_match_inventory(added || removed);
end
$$;

-- Movements inserted (shipping an order: one statement per line and warehouse) append straight
-- from the transition table. Measured at scale 1, shipping batches of 400 orders alternately with
-- the trigger on and off: through rollup_stock_movements_apply()'s arrays it added 25 to 100 % to
-- order_transition's cost; this way, nothing above the noise. A return, restock or adjustment
-- appends a row of 0 units: the fold then computes the row's stock-outs again (a writer that also
-- updates inventory marks it stale there too).
create or replace function stock_movements_rollups_inserted() returns trigger
language plpgsql as $$
begin
    insert into rollups.stock_days_pending (product_id, warehouse, day, shipped)
    select product_id, warehouse, shop_day(moved_at), coalesce(-sum(quantity) filter (where reason = 'ship'), 0)
    from new_movements
    group by 1, 2, 3;
    return null;
end
$$;

create or replace function stock_movements_rollups_updated() returns trigger
language plpgsql as $$
begin
    perform rollup_stock_movements_apply(array(select n::stock_movements from new_movements n),
                                         array(select o::stock_movements from old_movements o));
    return null;
end
$$;

create or replace function stock_movements_rollups_deleted() returns trigger
language plpgsql as $$
begin
    perform rollup_stock_movements_apply('{}', array(select o::stock_movements from old_movements o));
    return null;
end
$$;

create or replace function stock_movements_rollups_truncated() returns trigger
language plpgsql as $$
begin
    update rollups.stock_levels set days = '{}', shipped_through = '{}' where days <> '{}';
    update rollups.stock_levels set out_stale = true where not out_stale;
    delete from rollups.stock_days_pending;
    return null;
end
$$;

create or replace trigger stock_movements_rollups_insert after insert on stock_movements
    referencing new table as new_movements
    for each statement execute function stock_movements_rollups_inserted();

create or replace trigger stock_movements_rollups_update after update on stock_movements
    referencing old table as old_movements new table as new_movements
    for each statement execute function stock_movements_rollups_updated();

create or replace trigger stock_movements_rollups_delete after delete on stock_movements
    referencing old table as old_movements
    for each statement execute function stock_movements_rollups_deleted();

create or replace trigger stock_movements_rollups_truncate after truncate on stock_movements
    for each statement execute function stock_movements_rollups_truncated();

-- ============================================================
-- MAINTENANCE: INVENTORY AND PRODUCTS
-- ============================================================
-- Warehouse rows arriving at a (product, warehouse): inserted, or moved from another one.
create or replace function stock_levels_arrived(arrived inventory[]) returns void
language sql as $$
    insert into rollups.stock_levels as rollup
        (product_id, warehouse, sku, product_name, is_active, quantity, reorder_level, days, shipped_through)
    select new_rows.product_id, new_rows.warehouse, products.sku, products.name, coalesce(products.is_active, false),
           new_rows.quantity, coalesce(new_rows.reorder_level, 0), '{}', '{}'
    from unnest(arrived) as new_rows
    join products using (product_id)
    order by new_rows.product_id, new_rows.warehouse
    on conflict (product_id, warehouse) do update
        set quantity = excluded.quantity,
            reorder_level = excluded.reorder_level,
            out_stale = true;
$$;

-- Warehouse rows leaving a (product, warehouse): deleted, or moved to another one. A row leaves
-- only with no movements left (their foreign key), so nothing shipped from it counts: its rollup
-- row and its pending shipments (those of its deleted movements, netting to zero) go.
create or replace function stock_levels_left(departed inventory[]) returns void
language sql as $$
    delete from rollups.stock_levels as rollup
    using unnest(departed) as old_rows
    where rollup.product_id = old_rows.product_id and rollup.warehouse = old_rows.warehouse;
    delete from rollups.stock_days_pending as pending
    using unnest(departed) as old_rows
    where pending.product_id = old_rows.product_id and pending.warehouse = old_rows.warehouse;
$$;

create or replace function stock_levels_rollups_inserted() returns trigger
language plpgsql as $$
begin
    perform stock_levels_arrived(array(select new_rows::inventory from new_rows));
    return null;
end
$$;

-- A stock update (every shipment, return, restock) changes quantity only: one update by key, which
-- marks the row's stock-outs stale (the stock at every earlier moment is read back from it).
create or replace function stock_levels_rollups_updated() returns trigger
language plpgsql as $$
begin
    if exists (select 1 from old_rows join new_rows using (inventory_id)
               where (old_rows.product_id, old_rows.warehouse) is distinct from (new_rows.product_id, new_rows.warehouse)) then
        perform stock_levels_left(array(
            select old_rows::inventory from old_rows
            where not exists (select 1 from new_rows
                              where new_rows.product_id = old_rows.product_id and new_rows.warehouse = old_rows.warehouse)));
        perform stock_levels_arrived(array(select new_rows::inventory from new_rows));
        return null;
    end if;

    update rollups.stock_levels as rollup
    set quantity = new_rows.quantity,
        reorder_level = coalesce(new_rows.reorder_level, 0),
        out_stale = rollup.out_stale or rollup.quantity <> new_rows.quantity
    from new_rows
    where rollup.product_id = new_rows.product_id
      and rollup.warehouse = new_rows.warehouse
      and (rollup.quantity, rollup.reorder_level) is distinct from (new_rows.quantity, coalesce(new_rows.reorder_level, 0));
    return null;
end
$$;

create or replace function stock_levels_rollups_deleted() returns trigger
language plpgsql as $$
begin
    perform stock_levels_left(array(select old_rows::inventory from old_rows));
    return null;
end
$$;

create or replace function stock_levels_rollups_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollups.stock_levels;
    delete from rollups.stock_days_pending;
    return null;
end
$$;

create or replace function stock_levels_rollups_products() returns trigger
language plpgsql as $$
begin
    update rollups.stock_levels as rollup
    set sku = new_products.sku,
        product_name = new_products.name,
        is_active = coalesce(new_products.is_active, false)
    from new_products
    join old_products using (product_id)
    where rollup.product_id = new_products.product_id
      and (old_products.sku, old_products.name, old_products.is_active)
          is distinct from (new_products.sku, new_products.name, new_products.is_active);
    return null;
end
$$;

create or replace trigger inventory_rollups_insert after insert on inventory
    referencing new table as new_rows
    for each statement execute function stock_levels_rollups_inserted();

create or replace trigger inventory_rollups_update after update on inventory
    referencing old table as old_rows new table as new_rows
    for each statement execute function stock_levels_rollups_updated();

create or replace trigger inventory_rollups_delete after delete on inventory
    referencing old table as old_rows
    for each statement execute function stock_levels_rollups_deleted();

create or replace trigger inventory_rollups_truncate after truncate on inventory
    for each statement execute function stock_levels_rollups_truncated();

create or replace trigger products_stock_rollups_update after update on products
    referencing old table as old_products new table as new_products
    for each statement execute function stock_levels_rollups_products();

-- ============================================================
-- READING
-- ============================================================
-- Units shipped per (product, warehouse, shop day): the running totals' steps, plus the pending rows.
create or replace view rollups.stock_days as
select rollup.product_id, rollup.warehouse, step.day,
       step.through - coalesce(rollup.shipped_through[step.i - 1], 0) as shipped
from rollups.stock_levels as rollup
cross join unnest(rollup.days, rollup.shipped_through) with ordinality as step (day, through, i)
union all
select product_id, warehouse, day, shipped from rollups.stock_days_pending;

-- Units a row shipped on the shop days after after_day, up to last_day (as of the last fold): the
-- running total at last_day less that at after_day (width_bucket: how many of the row's days are
-- on or before a day). A one-expression SQL function: the planner inlines it.
create or replace function stock_shipped_between(days date[], shipped_through bigint[], after_day date, last_day date)
returns bigint
language sql immutable parallel safe
return coalesce(shipped_through[width_bucket(last_day, days)], 0)
     - coalesce(shipped_through[width_bucket(after_day, days)], 0);

-- ============================================================
-- STOCK-OUTS
-- ============================================================
-- Per warehouse row named (keys_p[i], keys_w[i]), or every row: out_until, cover_key and out_ranges
-- (rollups.stock_levels), from its quantity now and its ledger (unqualified: in
-- the catch-up job, its copies of the rows it reads, as they were at its target). The stock just before a moment is the quantity
-- less the movements at or after it, the stock from a moment on the quantity less those after it:
-- the last stock-out ended at the latest moment before which the stock was at or under zero, and
-- the stock-outs are the stretches from a moment to the next (or for ever) with the stock at or
-- under zero, and before the first moment when the stock was then, merged where they touch.
-- PL/pgSQL with custom plans: the fold names a few rows (the ledger's index), the rebuild all of
-- them (one pass over the ledger).
drop function if exists stock_outs(int[], varchar[]);
drop function if exists stock_outs(int[], varchar[], boolean);
create or replace function stock_outs(keys_p int[], keys_w varchar[], every_row boolean default false)
returns table (product_id int, warehouse varchar, out_until timestamptz, cover_key numeric,
               out_ranges tstzmultirange)
language plpgsql stable
set plan_cache_mode = force_custom_plan as $$
begin
    return query
    with moments as materialized (
        select m.product_id, m.warehouse, m.moved_at, sum(m.quantity) as moved,
               coalesce(-sum(m.quantity) filter (where m.reason = 'ship'), 0) as shipped
        from stock_movements as m
        where every_row or (m.product_id = any (keys_p) and m.warehouse = any (keys_w))
        group by m.product_id, m.warehouse, m.moved_at
    ),
    named as materialized (
        select inventory.product_id, inventory.warehouse, inventory.quantity
        from inventory
        where every_row
           or (inventory.product_id = any (keys_p) and inventory.warehouse = any (keys_w)
               and (inventory.product_id, inventory.warehouse) in (select k.p, k.w from unnest(keys_p, keys_w) as k (p, w)))
    ),
    stepped as (
        select moments.product_id, moments.warehouse, moments.moved_at, moments.shipped,
               named.quantity - sum(moments.moved) over from_it as stock_before,
               named.quantity - sum(moments.moved) over from_it + moments.moved as stock_after,
               coalesce(lead(moments.moved_at) over by_time, 'infinity') as next_moved_at,
               min(moments.moved_at) over whole as first_moved_at,
               max(moments.moved_at) over whole as last_moved_at
        from moments
        join named on named.product_id = moments.product_id and named.warehouse = moments.warehouse
        window from_it as (partition by moments.product_id, moments.warehouse order by moments.moved_at desc
                           rows between unbounded preceding and current row),
               by_time as (partition by moments.product_id, moments.warehouse order by moments.moved_at),
               whole as (partition by moments.product_id, moments.warehouse)
    )
    select named.product_id, named.warehouse,
           case when named.quantity <= 0 then 'infinity'::timestamptz
                else coalesce(max(stepped.moved_at) filter (where stepped.stock_before <= 0), '-infinity'::timestamptz)
           end,
           -- 31 days: at least 30 days of the shop's calendar in any time zone; rounded down
           div(named.quantity * 30::numeric,
               nullif(sum(stepped.shipped) filter (where stepped.moved_at > stepped.last_moved_at - interval '31 days'), 0)),
           coalesce(range_agg(tstzrange(stepped.moved_at, stepped.next_moved_at))
                        filter (where stepped.stock_after <= 0), '{}')
           + coalesce(range_agg(tstzrange('-infinity', stepped.moved_at))
                        filter (where stepped.moved_at = stepped.first_moved_at and stepped.stock_before <= 0), '{}')
           -- no movement at all: out for ever, or never
           + case when count(stepped.moved_at) = 0 and named.quantity <= 0
                  then tstzmultirange(tstzrange('-infinity', 'infinity')) else '{}' end
    from named
    left join stepped on stepped.product_id = named.product_id and stepped.warehouse = named.warehouse
    group by named.product_id, named.warehouse, named.quantity;
end
$$;

-- ============================================================
-- FOLD, REBUILD
-- ============================================================
-- Called by fold_rollups(). The rows with pending movements get their per-day units back from
-- their arrays, add the pending ones, and are written again (days whose units net to zero left
-- out); they and the stale rows get their stock-outs computed again. Rows a writer holds are
-- left, with their pending rows, for the next fold. The rows are locked first, in a statement of
-- their own: the next statements' snapshots then see every writer that committed before the lock,
-- and a writer that has not yet written the row waits for this fold and marks it stale after it.
create or replace function fold_stock_rollups() returns void
language plpgsql as $$
declare
    keys_p int[];
    keys_w varchar[];
begin
    -- the folder runs every second: nothing to read when nothing moved
    if not exists (select 1 from rollups.stock_days_pending)
       and not exists (select 1 from rollups.stock_levels where out_stale) then
        return;
    end if;

    select coalesce(array_agg(locked.product_id), '{}'), coalesce(array_agg(locked.warehouse), '{}')
    into keys_p, keys_w
    from (
        select rollup.product_id, rollup.warehouse
        from rollups.stock_levels as rollup
        where (rollup.product_id, rollup.warehouse) in (
            select pending.product_id, pending.warehouse from rollups.stock_days_pending as pending
            union
            -- at most 2,000 stale rows a fold (0.5 s at scale 1): after an upgrade that marks every
            -- row with a stock-out stale (58,000 at scale 10, 5 minutes in one fold), the folds take
            -- them in turns instead of holding their locks, and the writers of those rows, for minutes
            (select stale.product_id, stale.warehouse from rollups.stock_levels as stale where stale.out_stale
             limit 2000))
        order by rollup.product_id, rollup.warehouse
        for update skip locked
    ) as locked;
    if cardinality(keys_p) = 0 then
        return;
    end if;

    with locked as (
        select rollup.product_id, rollup.warehouse, rollup.days, rollup.shipped_through
        from rollups.stock_levels as rollup
        join unnest(keys_p, keys_w) as k (product_id, warehouse) using (product_id, warehouse)
    ),
    moved as (
        delete from rollups.stock_days_pending as pending
        using locked
        where pending.product_id = locked.product_id and pending.warehouse = locked.warehouse
        returning pending.*
    ),
    day_units as (
        select locked.product_id, locked.warehouse, step.day,
               step.through - coalesce(locked.shipped_through[step.i - 1], 0) as shipped
        from locked
        cross join unnest(locked.days, locked.shipped_through) with ordinality as step (day, through, i)
        union all
        select product_id, warehouse, day, shipped from moved
    ),
    running as (
        select product_id, warehouse, day,
               sum(sum(shipped)) over (partition by product_id, warehouse order by day) as through
        from day_units
        group by product_id, warehouse, day
        having sum(shipped) <> 0
    ),
    merged as (
        select product_id, warehouse, array_agg(day order by day) as days,
               array_agg(through order by day) as shipped_through
        from running
        group by product_id, warehouse
    )
    update rollups.stock_levels as rollup
    set days = coalesce(merged.days, '{}'),
        shipped_through = coalesce(merged.shipped_through, '{}')
    from locked
    left join merged using (product_id, warehouse)
    where rollup.product_id = locked.product_id and rollup.warehouse = locked.warehouse;

    update rollups.stock_levels as rollup
    set out_until = outs.out_until,
        cover_key = outs.cover_key,
        out_ranges = outs.out_ranges,
        out_stale = false
    from stock_outs(keys_p, keys_w) as outs
    where rollup.product_id = outs.product_id and rollup.warehouse = outs.warehouse;
end
$$;

-- Called by rebuild_rollups().
create or replace function rebuild_stock_rollups() returns void
language plpgsql as $$
begin
    -- in the writers' order (a shipment updates inventory, then inserts its movement), so a
    -- writer holding the one never waits here for the other
    perform lock_for_rebuild('stock', array['products', 'inventory', 'stock_movements']);

    delete from rollups.stock_days_pending;
    delete from rollups.stock_levels;
    insert into rollups.stock_levels
        (product_id, warehouse, sku, product_name, is_active, quantity, reorder_level, days, shipped_through,
         out_until, cover_key, out_ranges, out_stale)
    select inventory.product_id, inventory.warehouse, products.sku, products.name, coalesce(products.is_active, false),
           inventory.quantity, coalesce(inventory.reorder_level, 0),
           coalesce(shipped.days, '{}'), coalesce(shipped.shipped_through, '{}'),
           outs.out_until, outs.cover_key, outs.out_ranges, false
    from inventory
    join products using (product_id)
    join stock_outs('{}', '{}', every_row => true) as outs using (product_id, warehouse)
    left join (
        select product_id, warehouse, array_agg(day order by day) as days,
               array_agg(through order by day) as shipped_through
        from (
            select product_id, warehouse, shop_day(moved_at) as day,
                   sum(-sum(quantity)) over (partition by product_id, warehouse order by shop_day(moved_at)) as through
            from stock_movements
            where reason = 'ship'
            group by product_id, warehouse, shop_day(moved_at)
        ) as running
        group by product_id, warehouse
    ) as shipped using (product_id, warehouse)
    order by inventory.product_id, inventory.warehouse;
end
$$;

-- ============================================================
-- COUNTS: ACTIVE ROWS, AND THOSE OUT OF STOCK
-- ============================================================
-- rollups.stock_level_counts: shop_vitals' stock-out share as of now is the sums of its rows (the
-- rows of active products, and those of them with quantity <= 0), instead of a count over every
-- row of rollups.stock_levels. Triggers on rollups.stock_levels itself append the signed change
-- of each statement that changes a count, whoever wrote it (the inventory triggers, the catch-up
-- job, a rebuild's delete and insert), so the sums always equal a count of its rows. A quantity
-- update that leaves a row on the same side of zero (nearly every shipment) appends nothing: the
-- row trigger's condition is checked without calling it. Named outside the rollup triggers'
-- pattern, so a bulk load's suspension leaves them on.
create or replace function stock_level_counts_add(active_rows bigint, out_rows bigint) returns void
language sql as $$
    insert into rollups.stock_level_counts (active_rows, out_rows)
    select stock_level_counts_add.active_rows, stock_level_counts_add.out_rows
    where stock_level_counts_add.active_rows <> 0 or stock_level_counts_add.out_rows <> 0;
$$;

create or replace function stock_level_counts_inserted() returns trigger
language plpgsql as $$
begin
    perform stock_level_counts_add(count(*) filter (where is_active), count(*) filter (where is_active and quantity <= 0))
    from new_levels;
    return null;
end
$$;

create or replace function stock_level_counts_deleted() returns trigger
language plpgsql as $$
begin
    perform stock_level_counts_add(-count(*) filter (where is_active), -count(*) filter (where is_active and quantity <= 0))
    from old_levels;
    return null;
end
$$;

create or replace function stock_level_counts_updated() returns trigger
language plpgsql as $$
begin
    perform stock_level_counts_add(new.is_active::int - old.is_active::int,
                                   (new.is_active and new.quantity <= 0)::int - (old.is_active and old.quantity <= 0)::int);
    return null;
end
$$;

create or replace function stock_level_counts_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollups.stock_level_counts;
    return null;
end
$$;

create or replace trigger stock_levels_counts_insert after insert on rollups.stock_levels
    referencing new table as new_levels
    for each statement execute function stock_level_counts_inserted();

create or replace trigger stock_levels_counts_delete after delete on rollups.stock_levels
    referencing old table as old_levels
    for each statement execute function stock_level_counts_deleted();

create or replace trigger stock_levels_counts_update after update on rollups.stock_levels
    for each row
    when (old.is_active is distinct from new.is_active
          or (old.is_active and old.quantity <= 0) is distinct from (new.is_active and new.quantity <= 0))
    execute function stock_level_counts_updated();

create or replace trigger stock_levels_counts_truncate after truncate on rollups.stock_levels
    for each statement execute function stock_level_counts_truncated();

-- Sums the appended rows into one (the fold, every second, when there is more than one). The
-- table lock (taken by this and the rebuild, not by the writers' appends) keeps a rebuild and a
-- fold from each taking some rows out; the fold does not wait for it. One statement, one
-- snapshot: the rows taken out are those summed.
create or replace function fold_stock_counts_rollups() returns void
language plpgsql as $$
begin
    if (select count(*) from rollups.stock_level_counts) < 2 then
        return;
    end if;
    begin
        lock table rollups.stock_level_counts in share update exclusive mode nowait;
    exception when lock_not_available then
        return;
    end;
    with gone as (
        delete from rollups.stock_level_counts returning active_rows, out_rows
    )
    insert into rollups.stock_level_counts (active_rows, out_rows)
    select sum(active_rows), sum(out_rows) from gone
    having count(*) > 0;
end
$$;

-- Called by rebuild_rollups(): the counts of rollups.stock_levels' rows, in one statement (the
-- rows its snapshot sees out, their count in); a change appended after that snapshot adds to it.
create or replace function rebuild_stock_counts_rollups() returns void
language plpgsql as $$
begin
    lock table rollups.stock_level_counts in share update exclusive mode;
    with gone as (
        delete from rollups.stock_level_counts returning 1
    )
    insert into rollups.stock_level_counts (active_rows, out_rows)
    select count(*) filter (where is_active), count(*) filter (where is_active and quantity <= 0)
    from rollups.stock_levels;
end
$$;
