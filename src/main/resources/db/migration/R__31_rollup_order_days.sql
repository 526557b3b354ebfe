-- The order_days family: orders and revenue per (shop day, current status), for revenue_summary
-- and daily_revenue. Reports sum the complete days before as_of's day from rollups.order_days and
-- read the raw orders of as_of's own day (idx_orders_created_revenue). New orders are appended by
-- orders_rollups_inserted() (R__40_rollup_inserts.sql), with every other family's rows.

-- What reports read: sum by (day, status) for the exact figures.
create or replace view rollups.order_days as
select day, status, orders, revenue from rollups.order_days_folded
union all
select day, status, orders, revenue from rollups.order_days_pending;

-- Applies changed orders to every order rollup: added rows count +1, removed rows -1.
-- PL/pgSQL rather than SQL: its statements' plans are cached per session, where a SQL function
-- called from a trigger is planned again on every call (milliseconds per order on a busy machine).
create or replace function rollup_orders_apply(added orders[], removed orders[]) returns void
language plpgsql as $$
begin
    insert into rollups.order_days_pending (day, status, orders, revenue)
    select shop_day(delta.created_at), delta.status, sum(delta.sign)::bigint, sum(delta.sign * delta.total_amount)
    from (
        select created_at, status, total_amount, 1 as sign from unnest(added)
        union all
        select created_at, status, total_amount, -1 as sign from unnest(removed)
    ) as delta
    group by 1, 2
    having sum(delta.sign) <> 0 or sum(delta.sign * delta.total_amount) <> 0;
end
$$;

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

create or replace function orders_rollups_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollups.order_days_folded;
    delete from rollups.order_days_pending;
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

create or replace function fold_order_days_rollups() returns void
language plpgsql as $$
begin
    with moved as (
        delete from rollups.order_days_pending returning *
    )
    insert into rollups.order_days_folded as rollup (day, status, orders, revenue)
    select day, status, sum(orders), sum(revenue)
    from moved
    group by day, status
    order by day, status
    on conflict (day, status) do update
        set orders = rollup.orders + excluded.orders,
            revenue = rollup.revenue + excluded.revenue;
end
$$;

create or replace function rebuild_order_days_rollups() returns void
language plpgsql as $$
begin
    lock table orders in share row exclusive mode;

    delete from rollups.order_days_pending;
    delete from rollups.order_days_folded;
    insert into rollups.order_days_folded (day, status, orders, revenue)
    select shop_day(created_at), status, count(*), sum(total_amount)
    from orders
    group by 1, 2;
end
$$;
