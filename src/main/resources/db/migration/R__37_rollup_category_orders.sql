-- The category_orders family: per shop day and category of the tree (its whole subtree), the
-- orders placed that day with a line of a product below it, in rollups.category_days, for
-- category_sales (each order once per category, however many of its lines fall below it).
--
-- Units and the sales model's measures per category come from the product_sales family
-- (rollups.product_days, summed over the products of a category's subtree at read time, with
-- their current category and cost price, as the reference reads them). What it cannot give is the
-- number of ORDERS per category. Lines inserted, changed or deleted and orders moved to another
-- day append their categories with their products' days (rollup_product_days_apply(),
-- R__32_rollup_product_sales.sql); this file keeps what only categories change: a product moved
-- to another category, a category moved in the tree.

-- What psql users can read: sum by key.
create or replace view rollups.category_days as
select day, category_id, orders from rollups.category_days_folded
union all
select day, category_id, orders from rollups.category_days_pending;

-- The old all-history maintenance (its tables are gone; lines and orders are applied with the products').
drop trigger if exists order_items_rollups_category_update on order_items;
drop trigger if exists order_items_rollups_category_delete on order_items;
drop trigger if exists orders_rollups_category_update on orders;
drop function if exists order_items_category_updated();
drop function if exists order_items_category_deleted();
drop function if exists orders_category_updated();

-- The triggers below keep rollups.category_basket_days too (the category_baskets family,
-- R__58_rollup_category_baskets.sql): the same orders reaching the same categories, the counted
-- ones only, so one pass over a write serves both.
create or replace function order_items_category_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollups.category_days_folded;
    delete from rollups.category_days_pending;
    delete from rollups.category_basket_days_folded;
    delete from rollups.category_basket_days_pending;
    return null;
end
$$;

create or replace trigger order_items_rollups_category_truncate after truncate on order_items
    for each statement execute function order_items_category_truncated();

-- A product moved to another category moves every order containing it: each order's categories
-- with the products' categories now, less with those the statement's products had before it
-- (category_basket_days: the counted orders alone).
create or replace function products_category_updated() returns trigger
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
                   as old_category_id,
               counts_as_sale(orders.status) as counted
        from order_items
        join orders using (order_id)
        join products using (product_id)
        left join moved using (product_id)
        where order_items.order_id in (select order_items.order_id from order_items
                                       where order_items.product_id in (select product_id from moved))
    ),

    reached as materialized (
        (select distinct 1 as sign, lines.order_id, lines.day, ancestry.ancestor_id, lines.counted
         from lines
         join category_ancestry ancestry on ancestry.category_id = lines.category_id)
        union all
        (select distinct -1, lines.order_id, lines.day, ancestry.ancestor_id, lines.counted
         from lines
         join category_ancestry ancestry on ancestry.category_id = lines.old_category_id)
    ),

    baskets as (
        insert into rollups.category_basket_days_pending (day, category_id, orders)
        select day, ancestor_id, sum(sign)
        from reached
        where counted
        group by day, ancestor_id
        having sum(sign) <> 0
    )

    insert into rollups.category_days_pending (day, category_id, orders)
    select day, ancestor_id, sum(sign)
    from reached
    group by day, ancestor_id
    having sum(sign) <> 0;
    return null;
end
$$;

create or replace trigger products_rollups_category_update after update on products
    referencing old table as old_products new table as new_products
    for each statement execute function products_category_updated();

-- A category moved in the tree changes which categories its orders reach: recount both (rare).
-- (After categories_ancestry_refresh, which rewrites category_ancestry: triggers fire in name
-- order. PL/pgSQL: rebuild_category_baskets_rollups() comes with a later file.)
create or replace function categories_category_updated() returns trigger
language plpgsql as $$
begin
    if exists (select 1 from new_categories n join old_categories o using (category_id)
               where n.parent_id is distinct from o.parent_id) then
        perform rebuild_category_orders_rollups();
        perform rebuild_category_baskets_rollups();
    end if;
    return null;
end
$$;

create or replace trigger categories_rollups_category_update after update on categories
    referencing old table as old_categories new table as new_categories
    for each statement execute function categories_category_updated();

create or replace function fold_category_orders_rollups() returns void
language plpgsql as $$
begin
    with moved as (
        delete from rollups.category_days_pending returning *
    )
    insert into rollups.category_days_folded as rollup (day, category_id, orders)
    select day, category_id, sum(orders)
    from moved
    group by day, category_id
    order by day, category_id
    on conflict (day, category_id) do update
        set orders = rollup.orders + excluded.orders;
end
$$;

-- One pass over the lines: each order's categories (and their ancestors), counted per day.
create or replace function rebuild_category_orders_rollups() returns void
language plpgsql as $$
begin
    perform lock_for_rebuild('category_orders', array['orders', 'order_items', 'products', 'categories']);

    delete from rollups.category_days_pending;
    delete from rollups.category_days_folded;
    insert into rollups.category_days_folded (day, category_id, orders)
    select day, ancestor_id, count(*)
    from (
        select distinct order_items.order_id, shop_day(orders.created_at) as day, ancestry.ancestor_id
        from order_items
        join orders using (order_id)
        join products using (product_id)
        join category_ancestry ancestry using (category_id)
    ) as reached
    group by day, ancestor_id;
end
$$;

