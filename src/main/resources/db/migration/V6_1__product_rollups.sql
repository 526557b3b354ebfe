-- Product rollups: what each product sold and which products sell together (top_products,
-- market_basket), all history, kept exact per write like V6's order rollups.
--
-- Only sales count: lines of orders whose current status is not cancelled or refunded
-- (counts_as_sale). An order moving in or out of those statuses adds or removes all its lines.
-- The rollups hold all history; a report "as of" a past moment subtracts what orders placed
-- after it contributed, read from the raw tables (nothing for the dashboard's "now", little
-- for a recent moment).
--
-- A product counts once per order however many lines it has there, and a pair once per order,
-- so a change is applied per order as "the order's basket after the statement" minus "its
-- basket before": rollup_baskets_apply() takes both and adds the difference.

create function counts_as_sale(status varchar) returns boolean
language sql immutable parallel safe
return status not in ('cancelled', 'refunded');

-- One product in one order: its units and what was paid for it, over all its lines there.
create type basket_line as (
    order_id    int,
    product_id  int,
    units       bigint,
    revenue     numeric
);

-- ============================================================
-- TABLES
-- ============================================================
-- Grain: one row per product that has ever been in a counted order.
create table rollup_product_sales (
    product_id  int primary key,
    units       bigint not null,          -- sum of order_items.quantity
    revenue     numeric(16, 2) not null,  -- sum of order_items.line_total, GBP
    orders      bigint not null           -- orders with at least one line of it
);

-- top_products reads the best sellers first
create index idx_rollup_product_sales_revenue on rollup_product_sales (revenue desc);

-- Grain: one row per pair of products ever together in a counted order, product_1_id < product_2_id.
create table rollup_product_pairs (
    product_1_id  int not null,
    product_2_id  int not null,
    orders        bigint not null,        -- orders containing both
    primary key (product_1_id, product_2_id)
);
-- market_basket reads the most frequent pairs first
create index idx_rollup_product_pairs_orders on rollup_product_pairs (orders desc);

-- Grain: one row. Counted orders with at least one line (market_basket's support base).
create table rollup_basket_totals (
    single  boolean primary key default true check (single),
    orders  bigint not null
);
insert into rollup_basket_totals (orders) values (0);

-- ============================================================
-- MAINTENANCE
-- ============================================================
-- Adds the baskets in "added" and subtracts those in "removed" (each order's lines, one row per
-- (order, product)). Both sides of an order must hold all of its lines, so pairs come out right.
create function rollup_baskets_apply(added basket_line[], removed basket_line[]) returns void
language plpgsql as $$
begin
    insert into rollup_product_sales as rollup (product_id, units, revenue, orders)
    select product_id, sum(sign * units), sum(sign * revenue), sum(sign)
    from (
        select product_id, units, revenue, 1 as sign from unnest(added)
        union all
        select product_id, units, revenue, -1 from unnest(removed)
    ) as delta
    group by product_id
    having sum(sign) <> 0 or sum(sign * units) <> 0 or sum(sign * revenue) <> 0
    order by product_id
    on conflict (product_id) do update
        set units = rollup.units + excluded.units,
            revenue = rollup.revenue + excluded.revenue,
            orders = rollup.orders + excluded.orders;

    insert into rollup_product_pairs as rollup (product_1_id, product_2_id, orders)
    select first_line.product_id, second_line.product_id, sum(first_line.sign)
    from (
        select order_id, product_id, 1 as sign from unnest(added)
        union all
        select order_id, product_id, -1 from unnest(removed)
    ) as first_line
    join (
        select order_id, product_id, 1 as sign from unnest(added)
        union all
        select order_id, product_id, -1 from unnest(removed)
    ) as second_line
      on second_line.order_id = first_line.order_id
     and second_line.sign = first_line.sign
     and second_line.product_id > first_line.product_id
    group by 1, 2
    having sum(first_line.sign) <> 0
    order by 1, 2
    on conflict (product_1_id, product_2_id) do update
        set orders = rollup.orders + excluded.orders;

    update rollup_basket_totals
    set orders = orders + (select count(distinct order_id) from unnest(added))
                        - (select count(distinct order_id) from unnest(removed))
    where (select count(*) from unnest(added)) + (select count(*) from unnest(removed)) > 0;
end
$$;

-- The baskets of the given orders as order_items holds them now; only_counted: only of orders
-- whose current status counts as a sale.
-- (PL/pgSQL for its cached plan, see rollup_orders_apply in V6.)
create function current_baskets(order_ids int[], only_counted boolean default true) returns basket_line[]
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

-- Order lines changed: for each order touched, its basket now against its basket before the
-- statement (now, without the statement's new rows, with its old ones).
create function order_items_rollups_changed() returns trigger
language plpgsql as $$
declare
    touched int[];
    before basket_line[];
begin
    if tg_op = 'INSERT' then
        select array_agg(distinct order_id) into touched from new_items;
        select coalesce(array_agg(row(order_id, product_id, units, revenue)::basket_line), '{}') into before
        from (
            select lines.order_id, lines.product_id, sum(lines.quantity)::bigint as units, sum(lines.line_total) as revenue
            from order_items lines
            where lines.order_id = any (touched)
              and not exists (select 1 from new_items n where n.item_id = lines.item_id)
            group by 1, 2
        ) as b
        join orders using (order_id)
        where counts_as_sale(orders.status);
    elsif tg_op = 'UPDATE' then
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

create trigger order_items_rollups_insert after insert on order_items
    referencing new table as new_items
    for each statement execute function order_items_rollups_changed();
create trigger order_items_rollups_update after update on order_items
    referencing old table as old_items new table as new_items
    for each statement execute function order_items_rollups_changed();
create trigger order_items_rollups_delete after delete on order_items
    referencing old table as old_items
    for each statement execute function order_items_rollups_changed();

-- An order moving in or out of the counted statuses brings or takes all its lines.
create function orders_baskets_updated() returns trigger
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

create trigger orders_rollups_baskets after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_baskets_updated();

create function order_items_rollups_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollup_product_sales;
    delete from rollup_product_pairs;
    update rollup_basket_totals set orders = 0;
    return null;
end
$$;

create trigger order_items_rollups_truncate after truncate on order_items
    for each statement execute function order_items_rollups_truncated();

-- ============================================================
-- REBUILD
-- ============================================================
-- Called by rebuild_rollups() (V6), which finds every rebuild_<family>_rollups() function.
create function rebuild_product_rollups() returns void
language plpgsql as $$
begin
    lock table orders, order_items in share row exclusive mode;

    delete from rollup_product_sales;
    delete from rollup_product_pairs;

    create temporary table counted_baskets on commit drop as
    select order_items.order_id, order_items.product_id, sum(order_items.quantity)::bigint as units,
           sum(order_items.line_total) as revenue
    from order_items
    join orders using (order_id)
    where counts_as_sale(orders.status)
    group by 1, 2;

    insert into rollup_product_sales (product_id, units, revenue, orders)
    select product_id, sum(units), sum(revenue), count(*)
    from counted_baskets
    group by product_id;

    insert into rollup_product_pairs (product_1_id, product_2_id, orders)
    select first_line.product_id, second_line.product_id, count(*)
    from counted_baskets first_line
    join counted_baskets second_line
      on second_line.order_id = first_line.order_id
     and second_line.product_id > first_line.product_id
    group by 1, 2;

    update rollup_basket_totals set orders = (select count(distinct order_id) from counted_baskets);
    drop table counted_baskets;
end
$$;
