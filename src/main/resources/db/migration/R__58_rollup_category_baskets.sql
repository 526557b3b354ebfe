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
-- R__32_rollup_product_sales.sql, the one way every write to an order is applied); this file keeps
-- what only categories change (a product moved to another category, a category moved in the
-- tree), the fold and the rebuild. On a Citus cluster the catch-up job applies orders and lines
-- through the same function; category moves there need `shopflow refresh`, as for category_days.

-- What psql users can read: sum by key.
create or replace view rollups.category_basket_days as
select day, category_id, orders from rollups.category_basket_days_folded
union all
select day, category_id, orders from rollups.category_basket_days_pending;

create or replace function order_items_category_baskets_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollups.category_basket_days_folded;
    delete from rollups.category_basket_days_pending;
    return null;
end
$$;

create or replace trigger order_items_rollups_category_basket_truncate after truncate on order_items
    for each statement execute function order_items_category_baskets_truncated();

-- A product moved to another category moves every counted order containing it: each order's
-- categories with the products' categories now, less with those the statement's products had
-- before it.
create or replace function products_category_baskets_updated() returns trigger
language plpgsql as $$
begin
    with

    moved as (
        select n.product_id, o.category_id as old_category_id
        from new_products n
        join old_products o using (product_id)
        where n.category_id is distinct from o.category_id
    ),

    lines as (
        select order_items.order_id, shop_day(orders.created_at) as day, products.category_id,
               case when moved.product_id is null then products.category_id else moved.old_category_id end
                   as old_category_id
        from order_items
        join orders using (order_id)
        join products using (product_id)
        left join moved using (product_id)
        where order_items.order_id in (select order_items.order_id from order_items
                                       where order_items.product_id in (select product_id from moved))
          and counts_as_sale(orders.status)
    ),

    reached as (
        (select distinct 1 as sign, lines.order_id, lines.day, ancestry.ancestor_id
         from lines
         join category_ancestry ancestry on ancestry.category_id = lines.category_id)
        union all
        (select distinct -1, lines.order_id, lines.day, ancestry.ancestor_id
         from lines
         join category_ancestry ancestry on ancestry.category_id = lines.old_category_id)
    )

    insert into rollups.category_basket_days_pending (day, category_id, orders)
    select day, ancestor_id, sum(sign)
    from reached
    group by day, ancestor_id
    having sum(sign) <> 0;
    return null;
end
$$;

create or replace trigger products_rollups_category_basket_update after update on products
    referencing old table as old_products new table as new_products
    for each statement execute function products_category_baskets_updated();

-- A category moved in the tree changes which categories its orders reach: recount (rare). (After
-- categories_ancestry_refresh, which rewrites category_ancestry: triggers fire in name order.)
create or replace function categories_category_baskets_updated() returns trigger
language plpgsql as $$
begin
    if exists (select 1 from new_categories n join old_categories o using (category_id)
               where n.parent_id is distinct from o.parent_id) then
        perform rebuild_category_baskets_rollups();
    end if;
    return null;
end
$$;

create or replace trigger categories_rollups_category_basket_update after update on categories
    referencing old table as old_categories new table as new_categories
    for each statement execute function categories_category_baskets_updated();

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
-- per day. (No nested loops, as the product_sales rebuilds: right after a generate's load the shop
-- tables have no statistics yet.)
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
