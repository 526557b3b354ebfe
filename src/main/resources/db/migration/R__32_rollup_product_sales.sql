-- The product_sales family: what each product sold and which products sell together
-- (top_products, market_basket), all history, in rollups.product_sales, rollups.product_pairs and
-- rollups.basket_totals. Writers append signed, grouped changes to <rollup>_pending,
-- fold_product_sales_rollups() folds them into <rollup>_folded, reports read the view <rollup>
-- (or both tables) and sum by key.
--
-- Only sales count: lines of orders whose current status is not cancelled or refunded
-- (counts_as_sale). An order moving in or out of those statuses adds or removes all its lines.
-- The rollups hold all history; a report "as of" a past moment subtracts what orders placed
-- after it contributed, read from the raw tables (nothing for the dashboard's "now", little
-- for a recent moment).
--
-- A product counts once per order however many lines it has there, and a pair once per order.
--   * Lines inserted (placing an order: by far the most frequent write) only add: their units
--     and revenue; an order for each product new to its order; a pair for each pair with at
--     least one product new to its order; a basket for each order that had no lines. So the
--     insert trigger reads only the new lines and the products their orders already had (none
--     for a new order), never the whole basket twice.
--   * Lines updated or deleted, and orders moving in or out of the counted statuses, are applied
--     per order as "its basket after the statement" minus "its basket before"
--     (rollup_baskets_apply()).
-- Nothing here updates a shared row: the single market_basket total that every order changed
-- serialised concurrent order placements until commit, and hot products' rows deadlocked them.
-- Lines inserted into orders without lines (placing an order) are appended by
-- order_items_rollups_inserted() (R__40_rollup_inserts.sql), with the category family's rows.

-- What reports read: sum by key.
create or replace view rollups.product_sales as
select product_id, units, revenue, orders from rollups.product_sales_folded
union all
select product_id, units, revenue, orders from rollups.product_sales_pending;

create or replace view rollups.product_pairs as
select product_1_id, product_2_id, orders from rollups.product_pairs_folded
union all
select product_1_id, product_2_id, orders from rollups.product_pairs_pending;

create or replace view rollups.basket_totals as
select single, orders from rollups.basket_totals_folded
union all
select single, orders from rollups.basket_totals_pending;

-- ============================================================
-- MAINTENANCE
-- ============================================================
-- Lines added to orders that already had lines: appends what they add. "added" holds the new lines; the
-- lines their orders had before are read from order_items (all but the new ones), through the
-- order index: none for an order being placed. PL/pgSQL for its cached plans (see
-- rollup_orders_apply()), and planned once per session rather than on every call (with the
-- array's values known the planner estimates one row and PL/pgSQL's plan cache judges every
-- custom plan cheaper): planned on every call it took 0.55 ms per line, planned once 0.22 ms
-- (scale 1, loaded machine).
create or replace function rollup_lines_added(added order_items[]) returns void
language plpgsql
set plan_cache_mode = force_generic_plan as $$
begin
    with new_lines as (
        select lines.order_id, lines.product_id, sum(lines.quantity)::bigint as units,
               sum(lines.line_total) as revenue
        from unnest(added) as lines
        join orders using (order_id)
        where counts_as_sale(orders.status)
        group by 1, 2
    ),
    -- the products the orders already had
    earlier as (
        select distinct order_items.order_id, order_items.product_id
        from order_items
        where order_items.order_id in (select order_id from new_lines)
          and order_items.item_id <> all (select item_id from unnest(added))
    ),
    -- each order's basket now; is_new: the product was not in it before
    basket as (
        select order_id, product_id, false as is_new from earlier
        union all
        select order_id, product_id, true from new_lines
        where not exists (select 1 from earlier
                          where earlier.order_id = new_lines.order_id and earlier.product_id = new_lines.product_id)
    ),
    sales as (
        insert into rollups.product_sales_pending (product_id, units, revenue, orders)
        select new_lines.product_id, sum(new_lines.units), sum(new_lines.revenue),
               count(*) filter (where basket.is_new)
        from new_lines
        join basket using (order_id, product_id)
        group by new_lines.product_id
    ),
    pairs as (
        insert into rollups.product_pairs_pending (product_1_id, product_2_id, orders)
        select first_line.product_id, second_line.product_id, count(*)
        from basket first_line
        join basket second_line
          on second_line.order_id = first_line.order_id
         and second_line.product_id > first_line.product_id
        where first_line.is_new or second_line.is_new
        group by 1, 2
    )
    insert into rollups.basket_totals_pending (orders)
    select count(distinct order_id)
    from new_lines
    where not exists (select 1 from earlier where earlier.order_id = new_lines.order_id)
    having count(distinct order_id) > 0;
end
$$;

-- Adds the baskets in "added" and subtracts those in "removed" (each order's lines, one row per
-- (order, product)). Both sides of an order must hold all of its lines, so pairs come out right.
create or replace function rollup_baskets_apply(added basket_line[], removed basket_line[]) returns void
language plpgsql as $$
begin
    with delta as (
        select order_id, product_id, units, revenue, 1 as sign from unnest(added)
        union all
        select order_id, product_id, units, revenue, -1 from unnest(removed)
    ),
    sales as (
        insert into rollups.product_sales_pending (product_id, units, revenue, orders)
        select product_id, sum(sign * units), sum(sign * revenue), sum(sign)
        from delta
        group by product_id
        having sum(sign) <> 0 or sum(sign * units) <> 0 or sum(sign * revenue) <> 0
    ),
    pairs as (
        insert into rollups.product_pairs_pending (product_1_id, product_2_id, orders)
        select first_line.product_id, second_line.product_id, sum(first_line.sign)
        from delta first_line
        join delta second_line
          on second_line.order_id = first_line.order_id
         and second_line.sign = first_line.sign
         and second_line.product_id > first_line.product_id
        group by 1, 2
        having sum(first_line.sign) <> 0
    )
    insert into rollups.basket_totals_pending (orders)
    select count(distinct order_id) filter (where sign = 1) - count(distinct order_id) filter (where sign = -1)
    from delta
    having count(distinct order_id) filter (where sign = 1) <> count(distinct order_id) filter (where sign = -1);
end
$$;

-- The baskets of the given orders as order_items holds them now; only_counted: only of orders
-- whose current status counts as a sale.
create or replace function current_baskets(order_ids int[], only_counted boolean default true) returns basket_line[]
language plpgsql stable as $$
begin
    return (select coalesce(array_agg(row(order_items.order_id, order_items.product_id, order_items.units,
                                  order_items.revenue)::basket_line), '{}')
    from (
        select order_id, product_id, sum(quantity)::bigint as units, sum(line_total) as revenue
        from order_items
        where order_id = any (order_ids)
        group by order_id, product_id
    ) as order_items
    join orders using (order_id)
    where counts_as_sale(orders.status) or not only_counted);
end
$$;

-- Order lines changed or deleted: for each order touched, its basket now against its basket
-- before the statement (now, without the statement's new rows, with its old ones).
create or replace function order_items_rollups_changed() returns trigger
language plpgsql as $$
declare
    touched int[];
    before basket_line[];
begin
    if tg_op = 'UPDATE' then
        select array_agg(distinct order_id) into touched
        from (select order_id from new_items union select order_id from old_items) as t;
        select coalesce(array_agg(row(order_id, product_id, units, revenue)::basket_line), '{}') into before
        from (
            select lines.order_id, lines.product_id, sum(lines.quantity)::bigint as units, sum(lines.line_total) as revenue
            from (
                select order_id, product_id, quantity, line_total from order_items
                where order_id = any (touched)
                  and not exists (select 1 from new_items n where n.item_id = order_items.item_id)
                union all
                select order_id, product_id, quantity, line_total from old_items
            ) as lines
            group by 1, 2
        ) as b
        join orders using (order_id)
        where counts_as_sale(orders.status);
    else -- DELETE
        select array_agg(distinct order_id) into touched from old_items;
        select coalesce(array_agg(row(order_id, product_id, units, revenue)::basket_line), '{}') into before
        from (
            select lines.order_id, lines.product_id, sum(lines.quantity)::bigint as units, sum(lines.line_total) as revenue
            from (
                select order_id, product_id, quantity, line_total from order_items where order_id = any (touched)
                union all
                select order_id, product_id, quantity, line_total from old_items
            ) as lines
            group by 1, 2
        ) as b
        join orders using (order_id)
        where counts_as_sale(orders.status);
    end if;
    perform rollup_baskets_apply(current_baskets(touched), before);
    return null;
end
$$;

create or replace trigger order_items_rollups_update after update on order_items
    referencing old table as old_items new table as new_items
    for each statement execute function order_items_rollups_changed();

create or replace trigger order_items_rollups_delete after delete on order_items
    referencing old table as old_items
    for each statement execute function order_items_rollups_changed();

-- An order moving in or out of the counted statuses brings or takes all its lines.
create or replace function orders_baskets_updated() returns trigger
language plpgsql as $$
declare
    entering int[];
    leaving int[];
begin
    select array_agg(n.order_id) filter (where counts_as_sale(n.status) and not counts_as_sale(o.status)),
           array_agg(n.order_id) filter (where counts_as_sale(o.status) and not counts_as_sale(n.status))
    into entering, leaving
    from new_orders n
    join old_orders o using (order_id);
    if entering is null and leaving is null then
        return null;
    end if;
    perform rollup_baskets_apply(current_baskets(coalesce(entering, '{}'), false),
                                 current_baskets(coalesce(leaving, '{}'), false));
    return null;
end
$$;

create or replace trigger orders_rollups_baskets after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_baskets_updated();

create or replace function order_items_rollups_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollups.product_sales_folded;
    delete from rollups.product_sales_pending;
    delete from rollups.product_pairs_folded;
    delete from rollups.product_pairs_pending;
    delete from rollups.basket_totals_folded;
    delete from rollups.basket_totals_pending;
    return null;
end
$$;

create or replace trigger order_items_rollups_truncate after truncate on order_items
    for each statement execute function order_items_rollups_truncated();

-- ============================================================
-- FOLD
-- ============================================================
-- Called by fold_rollups(), one folder at a time. Key order: two folds never wait on each
-- other's rows in opposite orders.
create or replace function fold_product_sales_rollups() returns void
language plpgsql as $$
begin
    with moved as (
        delete from rollups.product_sales_pending returning *
    )
    insert into rollups.product_sales_folded as rollup (product_id, units, revenue, orders)
    select product_id, sum(units), sum(revenue), sum(orders)
    from moved
    group by product_id
    order by product_id
    on conflict (product_id) do update
        set units = rollup.units + excluded.units,
            revenue = rollup.revenue + excluded.revenue,
            orders = rollup.orders + excluded.orders;

    with moved as (
        delete from rollups.product_pairs_pending returning *
    )
    insert into rollups.product_pairs_folded as rollup (product_1_id, product_2_id, orders)
    select product_1_id, product_2_id, sum(orders)
    from moved
    group by product_1_id, product_2_id
    order by product_1_id, product_2_id
    on conflict (product_1_id, product_2_id) do update
        set orders = rollup.orders + excluded.orders;

    with moved as (
        delete from rollups.basket_totals_pending returning *
    )
    insert into rollups.basket_totals_folded as rollup (single, orders)
    select single, sum(orders)
    from moved
    group by single
    on conflict (single) do update
        set orders = rollup.orders + excluded.orders;
end
$$;

-- ============================================================
-- REBUILD
-- ============================================================
-- Called by rebuild_rollups(), which finds every rebuild_<family>_rollups() function.
-- One pass over the lines in order_id order (the order index merged with the orders' primary
-- key: no hash or sort of a million rows, only each order's few lines sorted by product): each
-- counted order becomes one basket row holding its products (distinct) and its lines as sorted
-- arrays. Products and pairs are hash-aggregated from those baskets (10,000 products; about a
-- million pairs at scale 1, hence the function's own work_mem), the pairs from positions i < j
-- of each basket's distinct products: no self-join of a million lines (the first version's, five
-- times slower). A product counts once per order: at its first line in the sorted line array.
create or replace function rebuild_product_sales_rollups() returns void
language plpgsql
set work_mem = '256MB'
as $$
begin
    lock table orders, order_items in share row exclusive mode;

    delete from rollups.product_sales_pending;
    delete from rollups.product_sales_folded;
    delete from rollups.product_pairs_pending;
    delete from rollups.product_pairs_folded;
    delete from rollups.basket_totals_pending;
    delete from rollups.basket_totals_folded;

    with baskets as materialized (
        select order_items.order_id,
               array_agg(distinct order_items.product_id)                         as products,
               array_agg(order_items.product_id order by order_items.product_id)  as line_products,
               array_agg(order_items.quantity order by order_items.product_id)    as quantities,
               array_agg(order_items.line_total order by order_items.product_id)  as line_totals
        from order_items
        join orders using (order_id)
        where counts_as_sale(orders.status)
        group by order_items.order_id
    ),
    sales as (
        insert into rollups.product_sales_folded (product_id, units, revenue, orders)
        select line.product_id, sum(line.units), sum(line.revenue),
               count(*) filter (where line.k = 1 or baskets.line_products[line.k - 1] <> line.product_id)
        from baskets
        cross join lateral unnest(baskets.line_products, baskets.quantities, baskets.line_totals)
            with ordinality as line (product_id, units, revenue, k)
        group by line.product_id
    ),
    pairs as (
        insert into rollups.product_pairs_folded (product_1_id, product_2_id, orders)
        select baskets.products[i], baskets.products[j], count(*)
        from baskets
        cross join lateral generate_series(1, cardinality(baskets.products) - 1) as i
        cross join lateral generate_series(i + 1, cardinality(baskets.products)) as j
        group by 1, 2
        order by 1, 2 -- in key order, the primary key grows at its right edge (twice as fast as at random)
    )
    insert into rollups.basket_totals_folded (orders)
    select count(*) from baskets;
end
$$;
