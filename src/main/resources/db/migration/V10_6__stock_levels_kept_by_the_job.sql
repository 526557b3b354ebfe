-- low_stock from its rollup on a cluster too (issues 7 and 8): the catch-up job keeps the stock
-- levels of rollup_stock_levels (V9_3).
--
-- On one node triggers on inventory write a warehouse row's stock and reorder level into its
-- rollup row in the writer's statement. A cluster has no such triggers (inventory is a reference
-- table, and Citus runs triggers on the workers, away from the coordinator's rollups), so
-- low_stock ran its reference SQL there. But every writer of ShopFlow that changes a warehouse's
-- stock records the change in stock_movements in the same transaction (order_transition ships
-- and returns), and the job (catch_up_rollups(), V9_6) applies new movements through
-- rollup_stock_movements_apply(). That function now also brings the moved rows' stock and reorder
-- level to inventory's, and adds the rollup row of a warehouse row a return created. Read when
-- the job holds its lock on stock_movements, inventory is exactly as of the watermark: a writer
-- that moved stock has committed, or has not written its movement yet and will be applied by the
-- next run, which reads inventory again.
--
-- On one node this changes nothing (the triggers have already written the same values: the
-- update is skipped) and costs nothing on the hot path: there only updates and deletes of
-- stock_movements, which no writer of ShopFlow does, call it; inserts append straight from
-- their transition table (V8_7).
--
-- Not kept by the job (as for customers, run `shopflow refresh` after doing them by hand): stock
-- or reorder levels changed without a stock movement, and products renamed or deactivated.
--
-- Objects: creates stock_levels_match_inventory(); replaces rollup_stock_movements_apply() (V8_7).

-- The rollup rows of the warehouse rows moved, brought to inventory's (public's: the job puts its
-- own copies of some raw tables first on the search path, and inventory is not one of them).
-- PL/pgSQL: Citus cannot plan a SQL function's statement that uses its parameters.
create function stock_levels_match_inventory(moved stock_movements[]) returns void
language plpgsql as $$
begin
    insert into rollup_stock_levels as rollup
        (product_id, warehouse, sku, product_name, is_active, quantity, reorder_level, days, shipped_through)
    select inventory.product_id, inventory.warehouse, products.sku, products.name, coalesce(products.is_active, false),
           inventory.quantity, coalesce(inventory.reorder_level, 0), '{}', '{}'
    from public.inventory
    join public.products using (product_id)
    where (inventory.product_id, inventory.warehouse) in (select product_id, warehouse from unnest(moved))
    order by inventory.product_id, inventory.warehouse
    on conflict (product_id, warehouse) do update
        set quantity = excluded.quantity,
            reorder_level = excluded.reorder_level
        where (rollup.quantity, rollup.reorder_level) is distinct from (excluded.quantity, excluded.reorder_level);
end
$$;

create or replace function rollup_stock_movements_apply(added stock_movements[], removed stock_movements[]) returns void
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

    perform stock_levels_match_inventory(added || removed);
end
$$;
