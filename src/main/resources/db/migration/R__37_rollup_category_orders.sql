-- The category_orders family: counted orders per category of the tree (its whole subtree), all
-- history, in rollups.category_orders, for category_sales.
--
-- Units, revenue and cost per category come from the product_sales family (summed over the
-- products of a category's subtree at read time, with their current category and cost price, as
-- the reference reads them). What it cannot give is the number of ORDERS per category: an order
-- with two products of one subtree counts once there. So this rollup keeps, per category at every
-- level, the counted orders with at least one line of a product in its subtree. A change is
-- applied per order as "the categories its basket reaches after the statement" minus "before"
-- (rollup_category_orders_apply()), appended to rollups.category_orders_pending.
--
-- Lines inserted only add to an order's categories: the ones its new lines reach that its other
-- lines did not. orders_rollups_inserted()'s sibling for lines, order_items_rollups_inserted()
-- (R__40_rollup_inserts.sql), appends those directly from the statement's lines.
--
-- The general way (lines changed or deleted, orders cancelled or restored) is planned once per
-- session rather than on every call: with its arrays' values known the planner estimates one row
-- where a generic plan assumes ten, so PL/pgSQL's plan cache judged every custom plan cheaper and
-- planned the big statements again on every call. Their generic plans are the same nested loops
-- over the order and category indexes.

-- What reports read: sum by category.
create or replace view rollups.category_orders as
select category_id, orders from rollups.category_orders_folded
union all
select category_id, orders from rollups.category_orders_pending;

-- Adds the categories (and their ancestors) reached by the orders of "after" and subtracts
-- those reached by the orders of "before": each order counts once per category however many of
-- its lines fall below it. (PL/pgSQL for its cached plans, see rollup_orders_apply().)
create or replace function rollup_category_orders_apply(after order_category[], before order_category[]) returns void
language plpgsql
set plan_cache_mode = force_generic_plan as $$
begin
    insert into rollups.category_orders_pending (category_id, orders)
    select ancestor_id, sum(sign)
    from (
        select distinct lines.order_id, ancestry.ancestor_id, 1 as sign
        from unnest(after) as lines
        join category_ancestry ancestry using (category_id)
        union all
        select distinct lines.order_id, ancestry.ancestor_id, -1
        from unnest(before) as lines
        join category_ancestry ancestry using (category_id)
    ) as delta
    group by ancestor_id
    having sum(sign) <> 0
    order by ancestor_id;
end
$$;

-- The lines of the given orders with their product's current category: the lines order_items
-- holds now, less the items "without", plus the lines "plus" (how they were before the
-- statement); only_counted: only of orders whose current status counts as a sale.
create or replace function order_categories(order_ids int[], without int[] default '{}', plus order_items[] default '{}',
                                 only_counted boolean default true) returns order_category[]
language plpgsql stable
set plan_cache_mode = force_generic_plan as $$
begin
    return (
        select coalesce(array_agg(row(lines.order_id, products.category_id)::order_category), '{}')
        from (
            select order_items.order_id, order_items.product_id
            from order_items
            where order_items.order_id = any (order_ids) and order_items.item_id <> all (without)
            union all
            select old.order_id, old.product_id from unnest(plus) as old
        ) as lines
        join products using (product_id)
        join orders using (order_id)
        where products.category_id is not null
          and (orders.status not in ('cancelled', 'refunded') or not only_counted));
end
$$;

create or replace function order_items_category_updated() returns trigger
language plpgsql as $$
declare
    touched int[] := array(select order_id from new_items union select order_id from old_items);
begin
    perform rollup_category_orders_apply(order_categories(touched),
                                         order_categories(touched, array(select item_id from new_items),
                                                          array(select o::order_items from old_items o)));
    return null;
end
$$;

create or replace function order_items_category_deleted() returns trigger
language plpgsql as $$
declare
    touched int[] := array(select distinct order_id from old_items);
begin
    perform rollup_category_orders_apply(order_categories(touched),
                                         order_categories(touched, '{}', array(select o::order_items from old_items o)));
    return null;
end
$$;

create or replace function order_items_category_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollups.category_orders_folded;
    delete from rollups.category_orders_pending;
    return null;
end
$$;

create or replace trigger order_items_rollups_category_update after update on order_items
    referencing old table as old_items new table as new_items
    for each statement execute function order_items_category_updated();

create or replace trigger order_items_rollups_category_delete after delete on order_items
    referencing old table as old_items
    for each statement execute function order_items_category_deleted();

create or replace trigger order_items_rollups_category_truncate after truncate on order_items
    for each statement execute function order_items_category_truncated();

-- An order moving in or out of the counted statuses brings or takes all its categories.
create or replace function orders_category_updated() returns trigger
language plpgsql as $$
declare
    entering int[];
    leaving int[];
begin
    select array_agg(n.order_id) filter (where n.status not in ('cancelled', 'refunded')
                                           and o.status in ('cancelled', 'refunded')),
           array_agg(n.order_id) filter (where o.status not in ('cancelled', 'refunded')
                                           and n.status in ('cancelled', 'refunded'))
    into entering, leaving
    from new_orders n
    join old_orders o using (order_id);
    if entering is not null or leaving is not null then
        perform rollup_category_orders_apply(order_categories(coalesce(entering, '{}'), only_counted => false),
                                             order_categories(coalesce(leaving, '{}'), only_counted => false));
    end if;
    return null;
end
$$;

create or replace trigger orders_rollups_category_update after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_category_updated();

-- A product moved to another category moves every counted order containing it.
create or replace function products_category_updated() returns trigger
language plpgsql as $$
declare
    touched int[];
begin
    touched := array(
        select distinct order_items.order_id
        from order_items
        where order_items.product_id in (select n.product_id from new_products n join old_products o using (product_id)
                                         where n.category_id is distinct from o.category_id));
    if cardinality(touched) = 0 then
        return null;
    end if;
    perform rollup_category_orders_apply(
        order_categories(touched),
        -- the same lines with the categories the statement's products had before it
        array(select row(order_items.order_id, coalesce(old_products.category_id, products.category_id))::order_category
              from order_items
              join orders using (order_id)
              join products using (product_id)
              left join old_products using (product_id)
              where order_items.order_id = any (touched)
                and orders.status not in ('cancelled', 'refunded')
                and case when old_products.product_id is null then products.category_id
                         else old_products.category_id end is not null));
    return null;
end
$$;

create or replace trigger products_rollups_category_update after update on products
    referencing old table as old_products new table as new_products
    for each statement execute function products_category_updated();

-- A category moved in the tree changes which categories its orders reach: recount (rare).
create or replace function categories_category_updated() returns trigger
language plpgsql as $$
begin
    if exists (select 1 from new_categories n join old_categories o using (category_id)
               where n.parent_id is distinct from o.parent_id) then
        perform rebuild_category_orders_rollups();
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
        delete from rollups.category_orders_pending returning *
    )
    insert into rollups.category_orders_folded as rollup (category_id, orders)
    select category_id, sum(orders)
    from moved
    group by category_id
    order by category_id
    on conflict (category_id) do update
        set orders = rollup.orders + excluded.orders;
end
$$;

-- One pass over the counted lines. Spreading each (order, category) pair to its ancestors and
-- counting distinct orders per ancestor sorted millions of rows (about 40 s at scale 1 on a busy
-- machine); instead each category's path to the top is a bit string, each order ORs the paths
-- of its lines (the set of categories it reaches, as one value), and the orders are counted per
-- distinct set (some 50,000 at scale 1) before the sets are spread to their categories.
create or replace function rebuild_category_orders_rollups() returns void
language plpgsql as $$
begin
    lock table orders, order_items, products, categories in share row exclusive mode;

    delete from rollups.category_orders_pending;
    delete from rollups.category_orders_folded;
    insert into rollups.category_orders_folded (category_id, orders)
    with
    positions as (
        select category_id, (row_number() over (order by category_id) - 1)::int as position
        from categories
    ),
    paths as (
        select ancestry.category_id, bit_or(set_bit(blank.bits, positions.position, 1)) as reached
        from category_ancestry ancestry
        join positions on positions.category_id = ancestry.ancestor_id
        cross join (select repeat('0', count(*)::int)::varbit as bits from categories) as blank
        group by ancestry.category_id
    ),
    order_reach as (
        select bit_or(paths.reached) as reached
        from order_items
        join orders using (order_id)
        join products using (product_id)
        join paths on paths.category_id = products.category_id
        where orders.status not in ('cancelled', 'refunded')
        group by order_items.order_id
    ),
    reach_counts as (
        select reached, count(*) as orders
        from order_reach
        group by reached
    )
    select positions.category_id, sum(reach_counts.orders)
    from reach_counts
    join positions on get_bit(reach_counts.reached, positions.position) = 1
    group by positions.category_id;
end
$$;
