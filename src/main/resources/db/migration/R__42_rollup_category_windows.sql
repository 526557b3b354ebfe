-- The category_windows family: the kept product windows (rollups.product_windows_folded,
-- R__41_rollup_product_windows.sql) summed per window and category, in
-- rollups.category_windows_folded, with each product's category and cost price now. category_sales
-- reads a default window as these rows (a few hundred) plus the window's pending product days,
-- instead of one row per product (docs/rollups.md#category_windows).
--
-- Exact by construction, in the transactions that change what a row sums:
--   * every change to rollups.product_windows_folded (the fold moving pending days in, the roll to
--     a new day, a rebuild) is applied to the category rows by the statement triggers below, with
--     the products' category and cost price as they are; a delete that leaves a window without
--     rows (the first half of a rebuild) empties that window's category rows, so a rebuild sets
--     them right even after writes made while the triggers on products were suspended;
--   * a product moved to another category or given another cost price moves its kept rows between
--     the category rows (a trigger on products). It takes the fold's lock first and reads the kept
--     rows after it: a fold running meanwhile added the moved days under the old category, and the
--     move then carries them over; a fold after it sees the new category.
-- On a cluster the triggers on products are gone (Citus refuses triggers on distributed and
-- reference tables): as for category_days, a product moved there is counted right after a
-- rebuild (`shopflow refresh`). The triggers on the rollup table stay (it is the coordinator's).
-- The triggers on rollups.product_windows_folded are named outside the rollup triggers' pattern so
-- a bulk load's suspension leaves them on, as the product windows' own.

-- ============================================================
-- APPLY
-- ============================================================
-- Adds the kept product rows `added` and takes out `removed`, each under its product's category
-- and with its cost price now; category rows left at zero are dropped. The products are read in
-- a statement of their own and joined as arrays: on a cluster the rows come from a transition
-- table, which Citus cannot join with a reference table (and Citus drops a function that takes an
-- array of a distributed or reference table's rows, hence the arrays of their columns).
create or replace function category_windows_apply(added rollups.product_windows_folded[],
                                                  removed rollups.product_windows_folded[]) returns void
language plpgsql as $$
declare
    product_ids int[];
    category_ids int[];
    cost_prices numeric[];
begin
    select array_agg(p.product_id), array_agg(p.category_id), array_agg(p.cost_price)
    into product_ids, category_ids, cost_prices
    from products p
    where p.product_id in (select a.product_id from unnest(added) a
                           union select r.product_id from unnest(removed) r)
      and p.category_id is not null;
    if product_ids is null then
        return;
    end if;
    perform category_windows_add(added, removed, product_ids, category_ids, cost_prices,
                                 product_ids, category_ids, cost_prices);
end
$$;

-- The same with the products given as (product, category, cost price) arrays: `added` under
-- those of to_*, `removed` under those of from_* (a product moved between categories).
create or replace function category_windows_add(added rollups.product_windows_folded[],
                                                removed rollups.product_windows_folded[],
                                                to_products int[], to_categories int[], to_costs numeric[],
                                                from_products int[], from_categories int[], from_costs numeric[])
returns void
language plpgsql as $$
begin
    with

    changed as (
        select 1 as sign, kept.*, product.category_id, product.cost_price
        from unnest(added) as kept
        join unnest(to_products, to_categories, to_costs) as product (product_id, category_id, cost_price)
          using (product_id)
        union all
        select -1, kept.*, product.category_id, product.cost_price
        from unnest(removed) as kept
        join unnest(from_products, from_categories, from_costs) as product (product_id, category_id, cost_price)
          using (product_id)
    ),

    summed as (
        select changed.window_id, changed.category_id,
               sum(changed.sign * changed.units)                                       as units,
               sum(changed.sign * changed.returned_units)                              as returned_units,
               sum(changed.sign * changed.gross_sales)                                 as gross_sales,
               sum(changed.sign * changed.discounts)                                   as discounts,
               sum(changed.sign * changed.returns)                                     as returns,
               coalesce(sum(changed.sign * changed.net_sales) filter (where changed.cost_price is not null), 0)
                                                                                       as costed_net_sales,
               coalesce(sum(changed.sign * (changed.units - changed.returned_units) * changed.cost_price), 0)
                                                                                       as cost
        from changed
        where changed.category_id is not null
        group by changed.window_id, changed.category_id
    )

    insert into rollups.category_windows_folded as kept (window_id, category_id, units, returned_units, gross_sales,
                                                        discounts, returns, costed_net_sales, cost)
    select * from summed
    order by window_id, category_id
    on conflict (window_id, category_id) do update
        set units = kept.units + excluded.units,
            returned_units = kept.returned_units + excluded.returned_units,
            gross_sales = kept.gross_sales + excluded.gross_sales,
            discounts = kept.discounts + excluded.discounts,
            returns = kept.returns + excluded.returns,
            costed_net_sales = kept.costed_net_sales + excluded.costed_net_sales,
            cost = kept.cost + excluded.cost;

    -- (a statement of its own: one statement cannot delete the rows it updated; a few hundred rows)
    delete from rollups.category_windows_folded as kept
    where kept.units = 0 and kept.returned_units = 0 and kept.gross_sales = 0 and kept.discounts = 0
      and kept.returns = 0 and kept.costed_net_sales = 0 and kept.cost = 0;
end
$$;

-- ============================================================
-- THE KEPT PRODUCT ROWS CHANGED
-- ============================================================
create or replace function product_windows_folded_category_inserted() returns trigger
language plpgsql as $$
begin
    perform category_windows_apply(array(select row(kept.*)::rollups.product_windows_folded from added_rows as kept), '{}');
    return null;
end
$$;

create or replace function product_windows_folded_category_updated() returns trigger
language plpgsql as $$
begin
    perform category_windows_apply(
        array(select row(kept.*)::rollups.product_windows_folded from new_rows as kept),
        array(select row(kept.*)::rollups.product_windows_folded from old_rows as kept));
    return null;
end
$$;

-- A window left without rows is being rebuilt: its category rows go whole (the rebuild's inserts
-- add them again), not row by row, so they cannot keep what a suspended trigger missed.
create or replace function product_windows_folded_category_deleted() returns trigger
language plpgsql as $$
begin
    delete from rollups.category_windows_folded as kept
    where kept.window_id in (select removed.window_id from removed_rows as removed)
      and not exists (select 1 from rollups.product_windows_folded as left_over
                      where left_over.window_id = kept.window_id);
    perform category_windows_apply('{}', array(select row(removed.*)::rollups.product_windows_folded from removed_rows as removed
                                               where exists (select 1 from rollups.product_windows_folded as left_over
                                                             where left_over.window_id = removed.window_id)));
    return null;
end
$$;

create or replace function product_windows_folded_category_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollups.category_windows_folded;
    return null;
end
$$;

create or replace trigger product_windows_folded_category_insert after insert on rollups.product_windows_folded
    referencing new table as added_rows
    for each statement execute function product_windows_folded_category_inserted();

create or replace trigger product_windows_folded_category_update after update on rollups.product_windows_folded
    referencing old table as old_rows new table as new_rows
    for each statement execute function product_windows_folded_category_updated();

create or replace trigger product_windows_folded_category_delete after delete on rollups.product_windows_folded
    referencing old table as removed_rows
    for each statement execute function product_windows_folded_category_deleted();

create or replace trigger product_windows_folded_category_truncate after truncate on rollups.product_windows_folded
    for each statement execute function product_windows_folded_category_truncated();

-- ============================================================
-- A PRODUCT MOVED OR COSTED AGAIN
-- ============================================================
-- Its kept rows out under its category and cost price before the statement, in under those after.
-- Products change rarely (stock is in inventory): most updates find nothing moved and stop there.
create or replace function products_category_windows_updated() returns trigger
language plpgsql as $$
declare
    moved int[];
    kept rollups.product_windows_folded[];
    new_categories int[];
    new_costs numeric[];
    old_categories int[];
    old_costs numeric[];
begin
    select array_agg(n.product_id order by n.product_id),
           array_agg(n.category_id order by n.product_id), array_agg(n.cost_price order by n.product_id),
           array_agg(o.category_id order by n.product_id), array_agg(o.cost_price order by n.product_id)
    into moved, new_categories, new_costs, old_categories, old_costs
    from new_products n
    join old_products o using (product_id)
    where n.category_id is distinct from o.category_id
       or n.cost_price is distinct from o.cost_price;
    if moved is null then
        return null;
    end if;
    -- one at a time with the fold (see the top): the kept rows below are read after any fold running
    perform pg_advisory_xact_lock(hashtext('shopflow.fold_rollups'));
    kept := array(select k from rollups.product_windows_folded as k where k.product_id = any (moved));
    perform category_windows_add(kept, kept, moved, new_categories, new_costs, moved, old_categories, old_costs);
    return null;
end
$$;

create or replace trigger products_rollups_category_windows_update after update on products
    referencing old table as old_products new table as new_products
    for each statement execute function products_category_windows_updated();

-- ============================================================
-- READ
-- ============================================================
-- The rows whose sums per category (a product row under its product's category now) are the sales
-- model's figures of first_day..last_day, for category_sales: when a kept window is exactly those
-- days, its category rows (product_id null, costed_net_sales and cost summed) and the window's
-- pending product days (category_id null); otherwise every product row, as product_window_rows()
-- (R__32) returns them. One snapshot (a stable function): the window and its rows agree.
drop function if exists category_window_totals(date, date);
create or replace function category_window_totals(first_day date, last_day date)
returns table (category_id int, product_id int, units bigint, returned_units bigint, gross_sales numeric,
               discounts numeric, returns numeric, costed_net_sales numeric, cost numeric)
language plpgsql stable rows 500 as $$
declare
    kept_id smallint := product_window_kept(first_day, last_day);
begin
    if kept_id is null then
        return query
        select null::int, window_rows.product_id, window_rows.units, window_rows.returned_units, window_rows.gross_sales,
               window_rows.discounts, window_rows.returns, null::numeric, null::numeric
        from product_window_rows(first_day, last_day) as window_rows;
        return;
    end if;
    return query
    select kept.category_id, null::int, kept.units, kept.returned_units, kept.gross_sales::numeric,
           kept.discounts::numeric, kept.returns::numeric, kept.costed_net_sales::numeric, kept.cost::numeric
    from rollups.category_windows_folded as kept
    where kept.window_id = kept_id
    union all
    select null::int, pending.product_id, pending.units, pending.returned_units, pending.gross_sales::numeric,
           pending.discounts::numeric, pending.returns::numeric, null::numeric, null::numeric
    from rollups.product_days_pending as pending
    where pending.day between first_day and last_day;
end
$$;

-- A database migrated to these rows has them summed here once from the kept product rows.
do $$
begin
    if not exists (select 1 from rollups.category_windows_folded)
       and exists (select 1 from rollups.product_windows_folded) then
        perform category_windows_apply(array(select kept from rollups.product_windows_folded as kept), '{}');
        analyze rollups.category_windows_folded;
    end if;
end
$$;
