-- The category_baskets family: per shop day and category of the tree (its whole subtree), the
-- orders placed that day, not cancelled or refunded now, with a line of a product below it, in
-- rollups.category_basket_days: the orders of the window market_basket counts with a category.
--
-- Its pairs and their products' orders need no rollup of their own: an order's pairs of the
-- subtree are its pairs whose two products are in it, and its orders with a product those with
-- the product, so the product_sales family's pair and product days restricted to the subtree give
-- them. What those cannot give is how many orders hold at least one product of the subtree (a
-- union of the products' orders): kept here, each order once under each category its products
-- reach (category_ancestry: a category and its ancestors), as rollups.category_days keeps every
-- order whatever its status (R__37_rollup_category_orders.sql), but counting baskets as the
-- product_sales family does.
--
-- Lines inserted, changed or deleted, orders moved to another day or in and out of counting
-- (status) append their categories with their products' days (rollup_product_days_apply(),
-- R__32_rollup_product_sales.sql, the one way every write to an order is applied); what only
-- categories change (a product moved to another category, a category moved in the tree) the
-- category_orders family's triggers apply to both rollups in one pass; this file keeps the fold and
-- the rebuild. On a Citus cluster the catch-up job applies orders and lines
-- through the same function; category moves there need `shopflow refresh`, as for category_days.

-- What psql users can read: sum by key.
create or replace view rollups.category_basket_days as
select day, category_id, orders from rollups.category_basket_days_folded
union all
select day, category_id, orders from rollups.category_basket_days_pending;

-- Its triggers are the category_orders family's (R__37_rollup_category_orders.sql), which write
-- both rollups from one pass; those this file had before are gone.
drop trigger if exists order_items_rollups_category_basket_truncate on order_items;
drop trigger if exists products_rollups_category_basket_update on products;
drop trigger if exists categories_rollups_category_basket_update on categories;
drop function if exists order_items_category_baskets_truncated();
drop function if exists products_category_baskets_updated();
drop function if exists categories_category_baskets_updated();

create or replace function fold_category_baskets_rollups() returns void
language plpgsql as $$
begin
    with moved as (
        delete from rollups.category_basket_days_pending returning *
    )
    insert into rollups.category_basket_days_folded as rollup (day, category_id, orders)
    select day, category_id, sum(orders)
    from moved
    group by category_id, day
    order by category_id, day
    on conflict (category_id, day) do update
        set orders = rollup.orders + excluded.orders;
end
$$;

-- One pass over the counted orders' lines: each order's categories (and their ancestors), counted
-- per day. (No nested loops, as the product_sales rebuilds: a whole shop's rows are joined.)
create or replace function rebuild_category_baskets_rollups() returns void
language plpgsql
set work_mem = '256MB'
set enable_nestloop = off
as $$
begin
    perform lock_for_rebuild('category_baskets', array['orders', 'order_items', 'products', 'categories']);

    delete from rollups.category_basket_days_pending;
    delete from rollups.category_basket_days_folded;
    insert into rollups.category_basket_days_folded (day, category_id, orders)
    select day, ancestor_id, count(*)
    from (
        select distinct order_items.order_id, shop_day(orders.created_at) as day, ancestry.ancestor_id
        from order_items
        join orders using (order_id)
        join products using (product_id)
        join category_ancestry ancestry using (category_id)
        where counts_as_sale(orders.status)
    ) as reached
    group by ancestor_id, day
    order by ancestor_id, day;
end
$$;

-- A database migrated with orders already in it gets the rollup filled once, on one node. (On a
-- cluster `shopflow refresh` fills it and sets the job's watermarks with it.)
do $$
begin
    if not rollups_kept_by_job() and not exists (select 1 from rollups.category_basket_days_folded)
       and exists (select 1 from order_items) then
        perform rebuild_category_baskets_rollups();
    end if;
end
$$;
