-- Stock rollup, one row per warehouse row (issue 7): low_stock reads its rows, stock and
-- velocities in one index scan.
--
-- V8_7 kept the units shipped per (product, warehouse, shop day); low_stock found its rows in
-- inventory (a partial index), joined products for their names and summed each row's days over
-- its window (one index range per row). Profiled at scale 1 (backend CPU per run, perf and
-- variants of the query), the joins with inventory and products, the numeric arithmetic and the
-- final sort cost more than the probes. Now each inventory row has one rollup row holding
-- everything the report reads:
--   * its product's sku, name and whether it is active (kept by a trigger on products);
--   * its quantity and reorder level (kept by triggers on inventory, in the writer's statement);
--   * the shop days it shipped on, ascending, and the running total of units shipped through
--     each: a window's shipments are the running total at its last day less that at the day
--     before its first, two binary searches in the row (width_bucket), no sum over days.
-- A partial index holds the active rows at or under twice their reorder level: low_stock's
-- default answer, read in one index scan.
--
-- Shipments still only append: V8_7's triggers on stock_movements add signed per-day units to
-- rollup_stock_days_pending; the fold merges them into the running totals, and the report adds
-- the pending rows until then. Stock and reorder level are written in place by the inventory
-- trigger: a shipping writer (order_transition) already holds the inventory row's lock, so the
-- rollup row adds no waiting between writers. The folder skips rows a writer holds (FOR UPDATE
-- SKIP LOCKED) and folds them the next time, so it never waits for a writer nor deadlocks with one.
--
-- Objects: drops the view rollup_stock_days, the table rollup_stock_days_folded and the index
-- idx_inventory_low_stock (V8_7: it made every stock update a non-HOT update; the report no longer
-- reads inventory); creates the table rollup_stock_levels (index idx_rollup_stock_levels_low), the
-- view rollup_stock_days again (per-day rows: for checks and psql), the functions
-- stock_shipped_between(), stock_levels_arrived(), stock_levels_left(),
-- stock_levels_rollups_inserted/_updated/_deleted/_truncated() and stock_levels_rollups_products()
-- with the triggers inventory_rollups_insert/_update/_delete/_truncate and
-- products_stock_rollups_update; replaces fold_stock_rollups(), rebuild_stock_rollups() and
-- stock_movements_rollups_truncated(). V8_7's other functions and triggers stay as they are.

drop view rollup_stock_days;
drop table rollup_stock_days_folded;
drop index idx_inventory_low_stock;

-- Grain: one row per inventory row (product, warehouse).
create table rollup_stock_levels (
    -- fixed-width columns first, and no nulls: the report reads them in every row without walking
    -- the variable-width ones (PostgreSQL caches column offsets only up to the first of those)
    product_id       int not null,
    quantity         int not null,            -- inventory.quantity, now
    reorder_level    int not null,            -- inventory.reorder_level, 0 when none is set (as the reports read it)
    is_active        boolean not null,        -- products.is_active, false when null (as the reports read it)
    warehouse        varchar(50) not null,
    sku              varchar(100) not null,   -- products.sku
    product_name     varchar(255) not null,   -- products.name
    days             date[] not null,         -- shop days with units shipped (net of corrections), ascending, as of the last fold
    shipped_through  bigint[] not null,       -- [i]: units shipped on days[1] .. days[i]
    primary key (product_id, warehouse)
);

-- low_stock's default rows (a few per cent): the report's predicate, word for word.
create index idx_rollup_stock_levels_low on rollup_stock_levels (product_id, warehouse)
    where quantity <= 2 * reorder_level and is_active;

-- Units shipped per (product, warehouse, shop day): the running totals' steps, plus the pending rows.
create view rollup_stock_days as
select rollup.product_id, rollup.warehouse, step.day,
       step.through - coalesce(rollup.shipped_through[step.i - 1], 0) as shipped
from rollup_stock_levels as rollup
cross join unnest(rollup.days, rollup.shipped_through) with ordinality as step (day, through, i)
union all
select product_id, warehouse, day, shipped from rollup_stock_days_pending;

-- Units a row shipped on the shop days after after_day, up to last_day (as of the last fold): the
-- running total at last_day less that at after_day (width_bucket: how many of the row's days are
-- on or before a day). A one-expression SQL function: the planner inlines it.
create function stock_shipped_between(days date[], shipped_through bigint[], after_day date, last_day date)
returns bigint
language sql immutable parallel safe
return coalesce(shipped_through[width_bucket(last_day, days)], 0)
     - coalesce(shipped_through[width_bucket(after_day, days)], 0);

-- ============================================================
-- MAINTENANCE: inventory and products
-- ============================================================
-- Warehouse rows arriving at a (product, warehouse): inserted, or moved from another one.
create function stock_levels_arrived(arrived inventory[]) returns void
language sql as $$
    insert into rollup_stock_levels as rollup
        (product_id, warehouse, sku, product_name, is_active, quantity, reorder_level, days, shipped_through)
    select new_rows.product_id, new_rows.warehouse, products.sku, products.name, coalesce(products.is_active, false),
           new_rows.quantity, coalesce(new_rows.reorder_level, 0), '{}', '{}'
    from unnest(arrived) as new_rows
    join products using (product_id)
    order by new_rows.product_id, new_rows.warehouse
    on conflict (product_id, warehouse) do update
        set quantity = excluded.quantity,
            reorder_level = excluded.reorder_level;
$$;

-- Warehouse rows leaving a (product, warehouse): deleted, or moved to another one. A row leaves
-- only with no movements left (their foreign key), so nothing shipped from it counts: its rollup
-- row and its pending shipments (those of its deleted movements, netting to zero) go.
create function stock_levels_left(departed inventory[]) returns void
language sql as $$
    delete from rollup_stock_levels as rollup
    using unnest(departed) as old_rows
    where rollup.product_id = old_rows.product_id and rollup.warehouse = old_rows.warehouse;
    delete from rollup_stock_days_pending as pending
    using unnest(departed) as old_rows
    where pending.product_id = old_rows.product_id and pending.warehouse = old_rows.warehouse;
$$;

create function stock_levels_rollups_inserted() returns trigger
language plpgsql as $$
begin
    perform stock_levels_arrived(array(select new_rows::inventory from new_rows));
    return null;
end
$$;

-- A stock update (every shipment, return, restock) changes quantity only: one update by key.
create function stock_levels_rollups_updated() returns trigger
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

    update rollup_stock_levels as rollup
    set quantity = new_rows.quantity,
        reorder_level = coalesce(new_rows.reorder_level, 0)
    from new_rows
    where rollup.product_id = new_rows.product_id
      and rollup.warehouse = new_rows.warehouse
      and (rollup.quantity, rollup.reorder_level) is distinct from (new_rows.quantity, coalesce(new_rows.reorder_level, 0));
    return null;
end
$$;

create function stock_levels_rollups_deleted() returns trigger
language plpgsql as $$
begin
    perform stock_levels_left(array(select old_rows::inventory from old_rows));
    return null;
end
$$;

create function stock_levels_rollups_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollup_stock_levels;
    delete from rollup_stock_days_pending;
    return null;
end
$$;

create function stock_levels_rollups_products() returns trigger
language plpgsql as $$
begin
    update rollup_stock_levels as rollup
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

create trigger inventory_rollups_insert after insert on inventory
    referencing new table as new_rows
    for each statement execute function stock_levels_rollups_inserted();
create trigger inventory_rollups_update after update on inventory
    referencing old table as old_rows new table as new_rows
    for each statement execute function stock_levels_rollups_updated();
create trigger inventory_rollups_delete after delete on inventory
    referencing old table as old_rows
    for each statement execute function stock_levels_rollups_deleted();
create trigger inventory_rollups_truncate after truncate on inventory
    for each statement execute function stock_levels_rollups_truncated();
create trigger products_stock_rollups_update after update on products
    referencing old table as old_products new table as new_products
    for each statement execute function stock_levels_rollups_products();

-- ============================================================
-- FOLD, REBUILD, TRUNCATE
-- ============================================================
-- Called by fold_rollups() (V6). The rows with pending shipments get their per-day units back from
-- their arrays, add the pending ones, and are written again (days whose units net to zero left
-- out). Rows a writer holds are left, with their pending rows, for the next fold.
create or replace function fold_stock_rollups() returns void
language plpgsql as $$
begin
    -- the folder runs every second: nothing to read when nothing shipped
    if not exists (select 1 from rollup_stock_days_pending) then
        return;
    end if;

    with locked as (
        select rollup.product_id, rollup.warehouse, rollup.days, rollup.shipped_through
        from rollup_stock_levels as rollup
        where (rollup.product_id, rollup.warehouse) in (select product_id, warehouse from rollup_stock_days_pending)
        order by rollup.product_id, rollup.warehouse
        for update skip locked
    ),
    moved as (
        delete from rollup_stock_days_pending as pending
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
    update rollup_stock_levels as rollup
    set days = coalesce(merged.days, '{}'),
        shipped_through = coalesce(merged.shipped_through, '{}')
    from locked
    left join merged using (product_id, warehouse)
    where rollup.product_id = locked.product_id and rollup.warehouse = locked.warehouse;
end
$$;

-- Called by rebuild_rollups() (V6).
create or replace function rebuild_stock_rollups() returns void
language plpgsql as $$
begin
    -- in the writers' order (a shipment updates inventory, then inserts its movement), so a
    -- writer holding the one never waits here for the other
    lock table products, inventory, stock_movements in share row exclusive mode;

    delete from rollup_stock_days_pending;
    delete from rollup_stock_levels;
    insert into rollup_stock_levels
        (product_id, warehouse, sku, product_name, is_active, quantity, reorder_level, days, shipped_through)
    select inventory.product_id, inventory.warehouse, products.sku, products.name, coalesce(products.is_active, false),
           inventory.quantity, coalesce(inventory.reorder_level, 0),
           coalesce(shipped.days, '{}'), coalesce(shipped.shipped_through, '{}')
    from inventory
    join products using (product_id)
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

create or replace function stock_movements_rollups_truncated() returns trigger
language plpgsql as $$
begin
    update rollup_stock_levels set days = '{}', shipped_through = '{}' where days <> '{}';
    delete from rollup_stock_days_pending;
    return null;
end
$$;

-- A database migrated with data already in it: its rollup from them (nothing on a new one).
select rebuild_stock_rollups();
