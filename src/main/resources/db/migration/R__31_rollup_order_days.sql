-- The order_days family: the sales model per shop hour and day (docs/reports.md#the-sales-model),
-- for revenue_summary and daily_revenue. Two rollups, each only ever appended to:
--   sales    per shop hour orders were placed in: orders, gross_sales, discounts, shipping, taxes
--            (what order_sales says of the orders placed then)
--   returns  per shop hour of a change to cancelled or refunded: how many, and the returned orders'
--            net sales, shipping and taxes (what order_returns says)
-- Writers append hours to rollups.sales_hours_pending and return_hours_pending; the fold adds them
-- to the folded hours and to the folded days (sales_days_folded, return_days_folded). Reports read
-- the views rollups.sales_days / return_days (whole days: folded days + pending hours by day) and
-- rollups.sales_hours / return_hours, and the raw rows of one hour at most (R__22's views), so
-- every window is exact to the microsecond. A status change never moves a sale: a cancellation or
-- refund appends a return in its own hour.
--
-- Who appends what (each write's own transaction, so readers see it at its commit):
--   orders inserted          the orders' own part in their hour: +1 order, coupon discount,
--                            shipping, taxes (R__40's one-pass insert trigger)
--   order_items written      gross sales and line discounts in their order's hour, and the line
--                            totals (net sales) to each recorded return of their order
--                            (R__40 for inserts; rollup_sales_lines_apply() for updates, deletes)
--   order_status_changes     each change to cancelled or refunded: a return on its day, valued at
--                            its order's sales then (rollup_returns_apply()); changes moved or
--                            deleted take theirs back (with their order: before it goes)
--   order_refunds inserted   each partial refund (or its take-back) in its hour: its net sales
--                            as returns, no order, shipping or taxes (rollup_refund_returns_apply();
--                            a refund's value never changes, so it is never valued again)
--   orders updated           coupon discount, shipping and taxes changed (on the sale's day and on
--                            each recorded return), and an order moved to another day takes its
--                            lines with it (rollup_orders_apply()); a status change alone appends nothing
-- On a Citus cluster the catch-up job calls the same functions (R__50_rollup_catch_up_job.sql).
-- The functions read orders, order_items and order_status_changes by unqualified name: the
-- catch-up job points those names at its copies (schema rollup_job). PL/pgSQL for its cached
-- plans (a SQL function called from a trigger is planned again on every call).

-- What reports read: sums by day (folded days, and the pending hours by their day) and by hour,
-- for the exact figures.
create or replace view rollups.sales_days as
select day, orders, gross_sales, discounts, shipping, taxes from rollups.sales_days_folded
union all
select shop_day(hour), orders, gross_sales, discounts, shipping, taxes from rollups.sales_hours_pending;

create or replace view rollups.sales_hours as
select hour, orders, gross_sales, discounts, shipping, taxes from rollups.sales_hours_folded
union all
select hour, orders, gross_sales, discounts, shipping, taxes from rollups.sales_hours_pending;

create or replace view rollups.return_days as
select day, orders, returns, shipping, taxes from rollups.return_days_folded
union all
select shop_day(hour), orders, returns, shipping, taxes from rollups.return_hours_pending;

create or replace view rollups.return_hours as
select hour, orders, returns, shipping, taxes from rollups.return_hours_folded
union all
select hour, orders, returns, shipping, taxes from rollups.return_hours_pending;

-- Orders changed (added +1, removed -1; an update is both): the orders' own part of their sale,
-- and for orders updated (in both arrays) their lines moved with their day and their recorded
-- returns' shipping, taxes and coupon discount corrected. A new order has no lines or returns
-- yet (their own writes append them) and a deleted one none left (foreign keys delete them first).
create or replace function rollup_orders_apply(added orders[], removed orders[]) returns void
language plpgsql as $$
begin
    with

    delta as (
        select order_id, created_at, discount_amount, shipping_cost, tax_amount, 1 as sign from unnest(added)
        union all
        select order_id, created_at, discount_amount, shipping_cost, tax_amount, -1 as sign from unnest(removed)
    ),

    updated as (
        select * from delta
        where order_id in (select order_id from unnest(added) intersect select order_id from unnest(removed))
    ),

    own_part as (
        insert into rollups.sales_hours_pending (hour, orders, gross_sales, discounts, shipping, taxes)
        select shop_hour(created_at), sum(sign), 0, sum(sign * coalesce(discount_amount, 0)),
               sum(sign * coalesce(shipping_cost, 0)), sum(sign * coalesce(tax_amount, 0))
        from delta
        group by 1
        having sum(sign) <> 0 or sum(sign * coalesce(discount_amount, 0)) <> 0
            or sum(sign * coalesce(shipping_cost, 0)) <> 0 or sum(sign * coalesce(tax_amount, 0)) <> 0
    ),

    lines_moved as (
        insert into rollups.sales_hours_pending (hour, orders, gross_sales, discounts, shipping, taxes)
        select moved.hour, 0, sum(moved.sign * lines.gross_sales), sum(moved.sign * lines.line_discounts), 0, 0
        from (
            select order_id, shop_hour(created_at) as hour, sum(sign) as sign
            from updated
            group by 1, 2
            having sum(sign) <> 0
        ) as moved
        cross join lateral (
            select coalesce(sum(i.unit_price * i.quantity), 0) as gross_sales,
                   coalesce(sum(i.unit_price * i.quantity - i.line_total), 0) as line_discounts
            from order_items i
            where i.order_id = moved.order_id
        ) as lines
        group by moved.hour
        having sum(moved.sign * lines.gross_sales) <> 0 or sum(moved.sign * lines.line_discounts) <> 0
    )

    -- a return takes back net sales (less the coupon discount), shipping and taxes
    insert into rollups.return_hours_pending (hour, orders, returns, shipping, taxes)
    select shop_hour(c.changed_at), 0, sum(-u.sign * coalesce(u.discount_amount, 0)),
           sum(u.sign * coalesce(u.shipping_cost, 0)), sum(u.sign * coalesce(u.tax_amount, 0))
    from updated u
    join order_status_changes c on c.order_id = u.order_id and c.to_status in ('cancelled', 'refunded')
    group by 1
    having sum(-u.sign * coalesce(u.discount_amount, 0)) <> 0 or sum(u.sign * coalesce(u.shipping_cost, 0)) <> 0
        or sum(u.sign * coalesce(u.tax_amount, 0)) <> 0;
end
$$;

-- Order lines changed (added +1, removed -1): gross sales and line discounts on their order's
-- day, and their line totals to each recorded return of their order (a return is the order's
-- net sales as they are).
create or replace function rollup_sales_lines_apply(added order_items[], removed order_items[]) returns void
language plpgsql as $$
begin
    with

    per_order as (
        select order_id, sum(sign * unit_price * quantity) as gross_sales, sum(sign * line_total) as line_total
        from (
            select order_id, unit_price, quantity, line_total, 1 as sign from unnest(added)
            union all
            select order_id, unit_price, quantity, line_total, -1 as sign from unnest(removed)
        ) as delta
        group by order_id
    ),

    placed as (
        insert into rollups.sales_hours_pending (hour, orders, gross_sales, discounts, shipping, taxes)
        select shop_hour(o.created_at), 0, sum(p.gross_sales), sum(p.gross_sales - p.line_total), 0, 0
        from per_order p
        join orders o on o.order_id = p.order_id
        group by 1
        having sum(p.gross_sales) <> 0 or sum(p.gross_sales - p.line_total) <> 0
    )

    insert into rollups.return_hours_pending (hour, orders, returns, shipping, taxes)
    select shop_hour(c.changed_at), 0, sum(p.line_total), 0, 0
    from per_order p
    join order_status_changes c on c.order_id = p.order_id and c.to_status in ('cancelled', 'refunded')
    group by 1
    having sum(p.line_total) <> 0;
end
$$;

-- Returns recorded (added +1) or taken back (removed -1): each valued at its order's net sales,
-- shipping and taxes as they are now (as the order_returns view does; not that view itself,
-- whose tables are bound to public, where the catch-up job reads its copies).
create or replace function rollup_returns_apply(added sales_return[], removed sales_return[]) returns void
language plpgsql as $$
begin
    insert into rollups.return_hours_pending (hour, orders, returns, shipping, taxes)
    select shop_hour(r.returned_at), sum(r.sign), sum(r.sign * s.net_sales), sum(r.sign * s.shipping), sum(r.sign * s.taxes)
    from (
        select order_id, returned_at, 1 as sign from unnest(added)
        union all
        select order_id, returned_at, -1 as sign from unnest(removed)
    ) as r
    cross join lateral (
        select coalesce((select sum(i.line_total) from order_items i where i.order_id = o.order_id), 0)
                   - coalesce(o.discount_amount, 0) as net_sales,
               coalesce(o.shipping_cost, 0) as shipping,
               coalesce(o.tax_amount, 0) as taxes
        from orders o
        where o.order_id = r.order_id
    ) as s
    group by 1
    having sum(r.sign) <> 0 or sum(r.sign * s.net_sales) <> 0 or sum(r.sign * s.shipping) <> 0
        or sum(r.sign * s.taxes) <> 0;
end
$$;

-- Partial refunds (order_refunds, R__23_order_refunds.sql) added (sign 1) or taken out (-1), by
-- their ids: each row's net sales as returns in the hour it was made.
create or replace function rollup_refund_returns_apply(refund_line_ids bigint[], sign int) returns void
language plpgsql as $$
begin
    insert into rollups.return_hours_pending (hour, orders, returns, shipping, taxes)
    select shop_hour(r.refunded_at), 0, sign * sum(r.net_sales), 0, 0
    from order_refunds r
    where r.refund_line_id = any (refund_line_ids)
    group by 1
    having sum(r.net_sales) <> 0;
end
$$;

-- ============================================================
-- TRIGGERS (inserts of orders and order lines: R__40_rollup_inserts.sql)
-- ============================================================
create or replace function orders_rollups_updated() returns trigger
language plpgsql as $$
begin
    perform rollup_orders_apply(array(select n::orders from new_orders n), array(select o::orders from old_orders o));
    return null;
end
$$;

create or replace function orders_rollups_deleted() returns trigger
language plpgsql as $$
begin
    perform rollup_orders_apply('{}', array(select o::orders from old_orders o));
    return null;
end
$$;

-- A deleted order's history goes with it (order_status_changes' key cascades), but by the time the
-- cascade's own trigger runs the order is gone and its returns cannot be valued: they are taken
-- back here, before each order row goes (deleting orders is rare: a bad import, a test order).
-- Their changes' delete trigger then finds no order and takes nothing back twice.
create or replace function orders_rollups_returns_deleted() returns trigger
language plpgsql as $$
begin
    perform rollup_returns_apply('{}', array(
        select row(c.order_id, c.changed_at)::sales_return
        from order_status_changes c
        where c.order_id = old.order_id and c.to_status in ('cancelled', 'refunded')));
    -- and its partial refunds, which go with it too (their key cascades)
    perform rollup_refund_returns_apply(
        array(select r.refund_line_id from order_refunds r where r.order_id = old.order_id), -1);
    return old;
end
$$;

create or replace trigger orders_rollups_returns_delete before delete on orders
    for each row execute function orders_rollups_returns_deleted();

-- Truncating orders (with its lines and history), or the lines or the history alone: counted again.
create or replace function orders_rollups_truncated() returns trigger
language plpgsql as $$
begin
    perform rebuild_order_days_rollups();
    return null;
end
$$;

create or replace trigger orders_rollups_update after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_rollups_updated();

create or replace trigger orders_rollups_delete after delete on orders
    referencing old table as old_orders
    for each statement execute function orders_rollups_deleted();

create or replace trigger orders_rollups_truncate after truncate on orders
    for each statement execute function orders_rollups_truncated();

create or replace function order_items_rollups_sales_updated() returns trigger
language plpgsql as $$
begin
    perform rollup_sales_lines_apply(array(select n::order_items from new_items n),
                                     array(select o::order_items from old_items o));
    return null;
end
$$;

create or replace function order_items_rollups_sales_deleted() returns trigger
language plpgsql as $$
begin
    perform rollup_sales_lines_apply('{}', array(select o::order_items from old_items o));
    return null;
end
$$;

create or replace trigger order_items_rollups_sales_update after update on order_items
    referencing old table as old_items new table as new_items
    for each statement execute function order_items_rollups_sales_updated();

create or replace trigger order_items_rollups_sales_delete after delete on order_items
    referencing old table as old_items
    for each statement execute function order_items_rollups_sales_deleted();

create or replace trigger order_items_rollups_sales_truncate after truncate on order_items
    for each statement execute function orders_rollups_truncated();

-- Status changes: only those to cancelled or refunded are returns (place_order's creation row,
-- the one change per placed order, appends nothing).
create or replace function order_status_changes_rollups_inserted() returns trigger
language plpgsql as $$
begin
    if exists (select 1 from new_changes where to_status in ('cancelled', 'refunded')) then
        perform rollup_returns_apply(
            array(select row(order_id, changed_at)::sales_return from new_changes where to_status in ('cancelled', 'refunded')),
            '{}');
    end if;
    return null;
end
$$;

create or replace function order_status_changes_rollups_updated() returns trigger
language plpgsql as $$
begin
    perform rollup_returns_apply(
        array(select row(order_id, changed_at)::sales_return from new_changes where to_status in ('cancelled', 'refunded')),
        array(select row(order_id, changed_at)::sales_return from old_changes where to_status in ('cancelled', 'refunded')));
    return null;
end
$$;

create or replace function order_status_changes_rollups_deleted() returns trigger
language plpgsql as $$
begin
    perform rollup_returns_apply(
        '{}',
        array(select row(order_id, changed_at)::sales_return from old_changes where to_status in ('cancelled', 'refunded')));
    return null;
end
$$;

create or replace trigger order_status_changes_rollups_insert after insert on order_status_changes
    referencing new table as new_changes
    for each statement execute function order_status_changes_rollups_inserted();

create or replace trigger order_status_changes_rollups_update after update on order_status_changes
    referencing old table as old_changes new table as new_changes
    for each statement execute function order_status_changes_rollups_updated();

create or replace trigger order_status_changes_rollups_delete after delete on order_status_changes
    referencing old table as old_changes
    for each statement execute function order_status_changes_rollups_deleted();

create or replace trigger order_status_changes_rollups_truncate after truncate on order_status_changes
    for each statement execute function orders_rollups_truncated();

-- Partial refunds recorded. They are never updated or deleted but with their order
-- (order_refunds_guard, R__23_order_refunds.sql), whose delete takes them back above.
create or replace function order_refunds_rollups_returns_inserted() returns trigger
language plpgsql as $$
begin
    perform rollup_refund_returns_apply(array(select n.refund_line_id from new_refunds n), 1);
    return null;
end
$$;

create or replace trigger order_refunds_rollups_returns_insert after insert on order_refunds
    referencing new table as new_refunds
    for each statement execute function order_refunds_rollups_returns_inserted();

create or replace trigger order_refunds_rollups_truncate after truncate on order_refunds
    for each statement execute function orders_rollups_truncated();

-- ============================================================
-- FOLD, REBUILD
-- ============================================================
-- The pending hours into the folded hours and days, in one statement (one snapshot of the pending rows).
create or replace function fold_order_days_rollups() returns void
language plpgsql as $$
begin
    with

    moved as (
        delete from rollups.sales_hours_pending returning *
    ),

    hours as (
        insert into rollups.sales_hours_folded as rollup (hour, orders, gross_sales, discounts, shipping, taxes)
        select hour, sum(orders), sum(gross_sales), sum(discounts), sum(shipping), sum(taxes)
        from moved
        group by hour
        order by hour
        on conflict (hour) do update
            set orders = rollup.orders + excluded.orders,
                gross_sales = rollup.gross_sales + excluded.gross_sales,
                discounts = rollup.discounts + excluded.discounts,
                shipping = rollup.shipping + excluded.shipping,
                taxes = rollup.taxes + excluded.taxes
    )

    insert into rollups.sales_days_folded as rollup (day, orders, gross_sales, discounts, shipping, taxes)
    select shop_day(hour), sum(orders), sum(gross_sales), sum(discounts), sum(shipping), sum(taxes)
    from moved
    group by 1
    order by 1
    on conflict (day) do update
        set orders = rollup.orders + excluded.orders,
            gross_sales = rollup.gross_sales + excluded.gross_sales,
            discounts = rollup.discounts + excluded.discounts,
            shipping = rollup.shipping + excluded.shipping,
            taxes = rollup.taxes + excluded.taxes;

    with

    moved as (
        delete from rollups.return_hours_pending returning *
    ),

    hours as (
        insert into rollups.return_hours_folded as rollup (hour, orders, returns, shipping, taxes)
        select hour, sum(orders), sum(returns), sum(shipping), sum(taxes)
        from moved
        group by hour
        order by hour
        on conflict (hour) do update
            set orders = rollup.orders + excluded.orders,
                returns = rollup.returns + excluded.returns,
                shipping = rollup.shipping + excluded.shipping,
                taxes = rollup.taxes + excluded.taxes
    )

    insert into rollups.return_days_folded as rollup (day, orders, returns, shipping, taxes)
    select shop_day(hour), sum(orders), sum(returns), sum(shipping), sum(taxes)
    from moved
    group by 1
    order by 1
    on conflict (day) do update
        set orders = rollup.orders + excluded.orders,
            returns = rollup.returns + excluded.returns,
            shipping = rollup.shipping + excluded.shipping,
            taxes = rollup.taxes + excluded.taxes;
end
$$;

-- From the raw tables, summed as order_sales and order_returns (R__22) define them, by hash
-- aggregates rather than through the views' per-order lookups (a whole shop at once); the days
-- from the hours. (Sums of the parts: an order's coalesced figures add up the same.)
create or replace function rebuild_order_days_rollups() returns void
language plpgsql as $$
begin
    perform lock_for_rebuild('order_days', array['orders', 'order_items', 'order_status_changes', 'order_refunds']);

    delete from rollups.sales_hours_pending;
    delete from rollups.sales_hours_folded;
    delete from rollups.sales_days_folded;
    delete from rollups.return_hours_pending;
    delete from rollups.return_hours_folded;
    delete from rollups.return_days_folded;

    insert into rollups.sales_hours_folded (hour, orders, gross_sales, discounts, shipping, taxes)
    select shop_hour(o.created_at), count(*), coalesce(sum(lines.gross_sales), 0),
           coalesce(sum(lines.line_discounts), 0) + coalesce(sum(o.discount_amount), 0),
           coalesce(sum(o.shipping_cost), 0), coalesce(sum(o.tax_amount), 0)
    from orders o
    left join (
        select order_id, sum(unit_price * quantity) as gross_sales, sum(unit_price * quantity - line_total) as line_discounts
        from order_items
        group by order_id
    ) as lines on lines.order_id = o.order_id
    group by 1;

    insert into rollups.sales_days_folded (day, orders, gross_sales, discounts, shipping, taxes)
    select shop_day(hour), sum(orders), sum(gross_sales), sum(discounts), sum(shipping), sum(taxes)
    from rollups.sales_hours_folded
    group by 1;

    insert into rollups.return_hours_folded (hour, orders, returns, shipping, taxes)
    select hour, sum(orders), sum(returns), sum(shipping), sum(taxes)
    from (
        select shop_hour(c.changed_at) as hour, count(*) as orders,
               coalesce(sum(lines.line_total), 0) - coalesce(sum(o.discount_amount), 0) as returns,
               coalesce(sum(o.shipping_cost), 0) as shipping, coalesce(sum(o.tax_amount), 0) as taxes
        from order_status_changes c
        join orders o on o.order_id = c.order_id
        left join (
            select order_id, sum(line_total) as line_total
            from order_items
            group by order_id
        ) as lines on lines.order_id = c.order_id
        where c.to_status in ('cancelled', 'refunded')
        group by 1
        union all
        select shop_hour(r.refunded_at), 0, sum(r.net_sales), 0, 0
        from order_refunds r
        group by 1
    ) as returned
    group by hour;

    insert into rollups.return_days_folded (day, orders, returns, shipping, taxes)
    select shop_day(hour), sum(orders), sum(returns), sum(shipping), sum(taxes)
    from rollups.return_hours_folded
    group by 1;
end
$$;
