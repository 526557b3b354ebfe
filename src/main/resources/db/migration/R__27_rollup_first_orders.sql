-- Each customer's first order placed (rollups.customer_first_orders, V26): the new-customer and
-- repeat-customer shares of kpi_tiles and kpi_days count the first orders of a window by the
-- index on first_order_at.
--
-- A new order can only make its customer's first order earlier: the insert trigger of orders
-- (R__40_rollup_inserts.sql) keeps the least of the two, so concurrent orders of one customer
-- need no recount. An update (an order moved to another customer or re-timed) or a delete can
-- make a later order the first: those customers are counted again from their orders, in turns
-- (lock_order_risk_customers(), as every writer of one customer's orders takes them). On a Citus
-- cluster the catch-up job calls rollup_first_orders_apply() with the new orders
-- (R__50_rollup_catch_up_job.sql). Nothing to fold: writers change the rows directly, one row per
-- customer, and only for orders of that customer.

-- The customers of the orders added or removed, counted again from their orders as they are now.
create or replace function rollup_first_orders_apply(added orders[], removed orders[]) returns void
language plpgsql as $$
declare
    customers int[] := array(
        select distinct customer_id
        from (select customer_id from unnest(added) union all select customer_id from unnest(removed)) as changed
        where customer_id is not null
        order by customer_id);
begin
    if cardinality(customers) = 0 then
        return;
    end if;
    perform lock_order_risk_customers(customers);
    -- customers left without an order lose their row
    delete from rollups.customer_first_orders
    where customer_id = any (customers)
      and not exists (select 1 from orders where orders.customer_id = customer_first_orders.customer_id);
    insert into rollups.customer_first_orders as rollup (customer_id, first_order_at)
    select counted.customer_id, first.first_order_at
    from unnest(customers) as counted (customer_id)
    cross join lateral (
        -- the first entry of idx_orders_customer_created
        select min(orders.created_at) as first_order_at
        from orders
        where orders.customer_id = counted.customer_id
    ) as first
    where first.first_order_at is not null
    on conflict (customer_id) do update set first_order_at = excluded.first_order_at;
end
$$;

create or replace function orders_rollups_first_orders_updated() returns trigger
language plpgsql as $$
begin
    -- only a change of customer or of time moves a first order; status changes are most updates
    perform rollup_first_orders_apply(
        array(select n::orders from new_orders n join old_orders o using (order_id)
              where n.customer_id is distinct from o.customer_id or n.created_at is distinct from o.created_at),
        array(select o::orders from old_orders o join new_orders n using (order_id)
              where n.customer_id is distinct from o.customer_id or n.created_at is distinct from o.created_at));
    return null;
end
$$;

create or replace function orders_rollups_first_orders_deleted() returns trigger
language plpgsql as $$
begin
    perform rollup_first_orders_apply('{}', array(select o::orders from old_orders o));
    return null;
end
$$;

create or replace function orders_rollups_first_orders_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollups.customer_first_orders;
    return null;
end
$$;

create or replace trigger orders_rollups_update_first_orders after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_rollups_first_orders_updated();

create or replace trigger orders_rollups_delete_first_orders after delete on orders
    referencing old table as old_orders
    for each statement execute function orders_rollups_first_orders_deleted();

create or replace trigger orders_rollups_truncate_first_orders after truncate on orders
    for each statement execute function orders_rollups_first_orders_truncated();

-- From the raw orders (rebuild_rollups(), after a bulk load).
create or replace function rebuild_first_orders_rollups() returns void
language plpgsql as $$
begin
    perform lock_for_rebuild('first_orders', array['orders']);
    delete from rollups.customer_first_orders;
    insert into rollups.customer_first_orders (customer_id, first_order_at)
    select customer_id, min(created_at)
    from orders
    group by customer_id;
end
$$;
