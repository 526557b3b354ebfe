-- low_stock's reads of the stock ledger and the catalogue, each behind a function, so that the
-- report's query names only the rollups: on a Citus cluster tables of the coordinator, and a query
-- naming no distributed or reference table is left to PostgreSQL's planner (no CTE run apart as a
-- subplan, no intermediate result: 19 subplans and 25 ms of Citus's own planning at scale 10), as
-- shop_vitals' (R__64_shop_vitals_raw_reads.sql). Each runs the read the report made itself before;
-- on one node a function call each. PL/pgSQL, so that a SQL function is not inlined back into the
-- report's query; each call planned for its arguments (a time range is an index range only when
-- the planner sees its bounds).

-- The units shipped per warehouse row in (after, up_to] (a movement of reason 'ship' is a negative
-- quantity: these are positive), of the products named, or of every product when product_ids is
-- null (none at all when it is empty). The movements the rollups hold (rollup_applied_id(): on a
-- Citus cluster those the catch-up job applied; one written since is in neither, and is not
-- counted).
create or replace function stock_shipped_in(after timestamptz, up_to timestamptz, product_ids int[])
returns table (product_id int, warehouse text, shipped bigint)
language plpgsql stable
set plan_cache_mode = force_custom_plan as $$
#variable_conflict use_column
declare
    applied_movements bigint := rollup_applied_id('stock_movements');
begin
    if cardinality(product_ids) = 0 then
        return;
    end if;
    return query
    select m.product_id, m.warehouse::text, -sum(m.quantity)::bigint
    from stock_movements m
    where m.moved_at > after and m.moved_at <= up_to
      and m.reason = 'ship'
      and m.movement_id <= applied_movements
      and (product_ids is null or m.product_id = any (product_ids))
    group by m.product_id, m.warehouse;
end
$$;

-- The stock moved at each moment in (after, up_to] of the products named in the warehouses named,
-- per warehouse row and moment (units in, less units out): one index scan of the movements, not
-- one per row, nor a scan of the range. The caller keeps the rows it asked for.
create or replace function stock_moments(product_ids int[], warehouses text[], after timestamptz, up_to timestamptz)
returns table (product_id int, warehouse text, moved_at timestamptz, moved bigint)
language plpgsql stable
set plan_cache_mode = force_custom_plan as $$
#variable_conflict use_column
begin
    if cardinality(product_ids) = 0 then
        return;
    end if;
    return query
    select m.product_id, m.warehouse::text, m.moved_at, sum(m.quantity)::bigint
    from stock_movements m
    where m.warehouse = any (warehouses)
      and m.product_id = any (product_ids)
      and m.moved_at > after and m.moved_at <= up_to
    group by m.product_id, m.warehouse, m.moved_at;
end
$$;
