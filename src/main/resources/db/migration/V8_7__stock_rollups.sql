-- Stock rollups (issue 7): what low_stock needs to find each warehouse's velocity without
-- summing the window's stock movements, kept per write with V6's pattern (append to
-- <rollup>_pending, fold into <rollup>_folded, read through the view <rollup>).
--
-- low_stock's figures per (product, warehouse):
--   * stock as of: inventory.quantity (kept current by every writer of stock, V5) less the
--     movements after as_of. For the dashboard's "now" there are none; for a past moment they are
--     read from the raw ledger through idx_stock_movements_moved_at below.
--   * status: from that stock and inventory's reorder level, so the rows to show are found from
--     inventory alone (a few per cent of it);
--   * shipped in the window (as_of minus N days, as_of]: the one sum over time. This rollup keeps
--     it per shop day; the report sums the shown rows' days from window_start's day to as_of's day
--     (an index range per row) and takes back the shipments of those two days that fall outside the
--     window (before window_start, after as_of: none after "now"), from the raw ledger by time.
--
-- Grain: one row per (product, warehouse, shop day) with a shipment. A row whose shipments are
-- deleted or re-dated stays, with zero.
create table rollup_stock_days_folded (
    product_id  int not null,
    warehouse   varchar(50) not null,
    day         date not null,               -- shop_day(stock_movements.moved_at)
    shipped     bigint not null,             -- units shipped out: minus the quantity of the 'ship' movements
    -- shipped in the key's index too: the report reads each shown row's days from the index alone
    primary key (product_id, warehouse, day) include (shipped)
);

create table rollup_stock_days_pending (
    product_id  int not null,
    warehouse   varchar(50) not null,
    day         date not null,
    shipped     bigint not null
);
-- the report reads each shown row's days from here too (rows pile up where no server folds them)
create index idx_rollup_stock_days_pending_key on rollup_stock_days_pending (product_id, warehouse, day);

create view rollup_stock_days as
select product_id, warehouse, day, shipped from rollup_stock_days_folded
union all
select product_id, warehouse, day, shipped from rollup_stock_days_pending;

-- The movements after a moment (stock as of a past moment) and the shipments at the window's two
-- ends, from the index alone; idx_stock_movements_warehouse_product_time (V3) serves lookups per
-- row, not by time.
create index idx_stock_movements_moved_at on stock_movements (moved_at) include (product_id, warehouse, quantity, reason);

-- The rows low_stock shows by default: at or under twice their reorder level (a few per cent of
-- inventory), instead of reading every row. Its predicate reads quantity, so a stock update is no
-- longer a heap-only (HOT) update: each also adds an entry to inventory's other indexes (not
-- measurable when shipping orders: batches of 400 with and without this index).
create index idx_inventory_low_stock on inventory (product_id, warehouse) include (quantity, reorder_level)
    where quantity <= 2 * coalesce(reorder_level, 0);

-- ============================================================
-- MAINTENANCE
-- ============================================================
-- Movements updated or deleted (corrections, rare): appends the shipments in "added" and takes out
-- those in "removed" (updates are old out, new in).
-- Returns, restocks and adjustments are not shipments: a movement changing reason moves in or out.
-- PL/pgSQL for its cached plans (see V6).
create function rollup_stock_movements_apply(added stock_movements[], removed stock_movements[]) returns void
language plpgsql as $$
begin
    insert into rollup_stock_days_pending (product_id, warehouse, day, shipped)
    select delta.product_id, delta.warehouse, shop_day(delta.moved_at), -sum(delta.sign * delta.quantity)
    from (
        select product_id, warehouse, moved_at, quantity, 1 as sign from unnest(added) where reason = 'ship'
        union all
        select product_id, warehouse, moved_at, quantity, -1 as sign from unnest(removed) where reason = 'ship'
    ) as delta
    group by 1, 2, 3
    having sum(delta.sign * delta.quantity) <> 0;
end
$$;

-- Movements inserted (shipping an order: one statement per line and warehouse) append straight
-- from the transition table. Measured at scale 1, shipping batches of 400 orders alternately with
-- the trigger on and off: through rollup_stock_movements_apply()'s arrays it added 25 to 100 % to
-- order_transition's cost; this way, nothing above the noise.
create function stock_movements_rollups_inserted() returns trigger
language plpgsql as $$
begin
    insert into rollup_stock_days_pending (product_id, warehouse, day, shipped)
    select product_id, warehouse, shop_day(moved_at), -sum(quantity)
    from new_movements
    where reason = 'ship'
    group by 1, 2, 3;
    return null;
end
$$;

create function stock_movements_rollups_updated() returns trigger
language plpgsql as $$
begin
    perform rollup_stock_movements_apply(array(select n::stock_movements from new_movements n),
                                         array(select o::stock_movements from old_movements o));
    return null;
end
$$;

create function stock_movements_rollups_deleted() returns trigger
language plpgsql as $$
begin
    perform rollup_stock_movements_apply('{}', array(select o::stock_movements from old_movements o));
    return null;
end
$$;

create function stock_movements_rollups_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollup_stock_days_folded;
    delete from rollup_stock_days_pending;
    return null;
end
$$;

create trigger stock_movements_rollups_insert after insert on stock_movements
    referencing new table as new_movements
    for each statement execute function stock_movements_rollups_inserted();
create trigger stock_movements_rollups_update after update on stock_movements
    referencing old table as old_movements new table as new_movements
    for each statement execute function stock_movements_rollups_updated();
create trigger stock_movements_rollups_delete after delete on stock_movements
    referencing old table as old_movements
    for each statement execute function stock_movements_rollups_deleted();
create trigger stock_movements_rollups_truncate after truncate on stock_movements
    for each statement execute function stock_movements_rollups_truncated();

-- ============================================================
-- FOLD, REBUILD
-- ============================================================
-- Called by fold_rollups() (V6), one folder at a time; in key order, as every folder.
create function fold_stock_rollups() returns void
language plpgsql as $$
begin
    with moved as (
        delete from rollup_stock_days_pending returning *
    )
    insert into rollup_stock_days_folded as rollup (product_id, warehouse, day, shipped)
    select product_id, warehouse, day, sum(shipped)
    from moved
    group by product_id, warehouse, day
    order by product_id, warehouse, day
    on conflict (product_id, warehouse, day) do update
        set shipped = rollup.shipped + excluded.shipped;
end
$$;

-- Called by rebuild_rollups() (V6). In key order: the primary key grows at its right edge.
create function rebuild_stock_rollups() returns void
language plpgsql as $$
begin
    lock table stock_movements in share row exclusive mode;

    delete from rollup_stock_days_pending;
    delete from rollup_stock_days_folded;
    insert into rollup_stock_days_folded (product_id, warehouse, day, shipped)
    select product_id, warehouse, shop_day(moved_at), -sum(quantity)
    from stock_movements
    where reason = 'ship'
    group by 1, 2, 3
    order by 1, 2, 3;
end
$$;

-- A database migrated with movements already in it: its rollup from them (nothing on a new one).
select rebuild_stock_rollups();
