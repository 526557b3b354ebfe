-- The cohorts family: retention_cohorts from rollups.customer_months (counted orders per customer
-- and shop month) and rollups.cohort_months_folded (customers per cohort month and activity
-- month), exact as of any moment.
--
-- Counted orders are those not cancelled or refunded (the rollup: their current status). Writers
-- only append counted orders per (customer, month) to rollups.customer_months_pending, +1/-1
-- like the order_days rollup: no reads, no locks (orders of one customer placed concurrently
-- must not wait on one another: they hold stock and coupon locks). A customer's cohort (the
-- month of their first counted order) can move when an order is cancelled or refunded, so the
-- pairs (cohort month, month ordered in) are derived by the one folder: fold_cohorts_rollups()
-- folds the pending months and moves each customer it touched from their old pairs to their new
-- ones in rollups.cohort_months_folded (customers per pair; (c, c) is the cohort's size).
-- A report takes those pairs, less the old pairs and plus the current pairs of the few
-- customers with pending rows (cohort_pairs()), so it is exact before any fold.
-- As of as_of, with each order's status at as_of: a customer's pairs up to as_of's month differ
-- from the rollup's only if they have a counted order placed after as_of in as_of's month, or an
-- order cancelled or refunded after as_of (cancelled and refunded are final, so every other
-- order counted at as_of as it counts now; orders of later months make only pairs after as_of's
-- month). cohort_customers_changed_after(as_of) names those customers (none for the dashboard's
-- "now"); the report takes their rollup pairs out and puts in their pairs from their raw orders
-- as of as_of (customer_months_as_of()).

-- What reports read: sum by key.
create or replace view rollups.customer_months as
select customer_id, month, orders from rollups.customer_months_folded
union all
select customer_id, month, orders from rollups.customer_months_pending;

-- The (cohort month, activity month) pairs of customers given their counted orders per month
-- (several rows per (customer, month) are summed), one row per customer and month ordered in.
create or replace function cohort_pairs(months customer_month[]) returns table (cohort_month date, activity_month date)
language sql immutable parallel safe
begin atomic
    select min(m.month) over (partition by m.customer_id), m.month
    from (
        select customer_id, month, sum(orders) as orders
        from unnest(months)
        group by customer_id, month
    ) as m
    where m.orders > 0;
end;

-- The customers whose pairs up to as_of's month may differ from the rollup's (see above); none
-- for "now" (sales_changed_after() says so at once).
create or replace function cohort_customers_changed_after(as_of timestamptz) returns int[]
language plpgsql stable as $$
begin
    if not sales_changed_after(as_of) then
        return '{}';
    end if;
    return array(
        select orders.customer_id from orders
        where orders.created_at > as_of
          and orders.created_at < date_trunc('month', as_of) + interval '1 month'
          and counts_as_sale(orders.status)
        union
        select orders.customer_id
        from orders
        where orders.order_id = any (array(
            -- idx_order_status_changes_returns: an index-only scan of the changes after as_of
            select returns.order_id from order_status_changes as returns
            where returns.changed_at > as_of and returns.to_status in ('cancelled', 'refunded'))));
end
$$;

-- The given customers' counted orders per shop month as of as_of: placed up to as_of, not
-- cancelled or refunded at as_of (each order's status then, as orders_as_of() says). The orders
-- are gathered by customer first, then their changes after as_of read by order_id (index probes;
-- on a Citus cluster every shard answers for its own rows). More customers than
-- recount_by_id_limit() (a moment far back) are read from every customer's months then.
--   psql: select * from customer_months_as_of(array[1, 2], '2026-06-30 12:00');
create or replace function customer_months_as_of(customer_ids int[], as_of timestamptz) returns setof customer_month
language plpgsql stable as $$
declare
    order_ids int[];
begin
    if coalesce(cardinality(customer_ids), 0) = 0 then
        return;
    end if;
    if cardinality(customer_ids) > recount_by_id_limit() then
        return query
        select everyone.*
        from customer_months_recounted(as_of) as everyone
        where everyone.customer_id in (select unnest(customer_ids));
        return;
    end if;
    order_ids := array(
        select orders.order_id from orders
        where orders.customer_id = any (customer_ids) and orders.created_at <= as_of);
    return query
    with

    status_then as (
        select distinct on (changes.order_id) changes.order_id, changes.from_status
        from order_status_changes as changes
        where changes.order_id = any (order_ids) and changes.changed_at > as_of
        order by changes.order_id, changes.changed_at, changes.change_id
    )

    select orders.customer_id, shop_month(orders.created_at), count(*)
    from orders
    left join status_then using (order_id)
    where orders.order_id = any (order_ids)
      and counts_as_sale(coalesce(status_then.from_status, orders.status))
    group by 1, 2;
end
$$;

-- Every customer's counted orders per shop month as of as_of, as customer_months_as_of() gives
-- them, in one pass over the orders placed up to as_of (a hash join with their changes since):
-- what a moment far back reads, where naming the customers by id costs more.
create or replace function customer_months_recounted(as_of timestamptz) returns setof customer_month
language plpgsql stable as $$
begin
    return query
    with

    status_then as (
        select distinct on (changes.order_id) changes.order_id, changes.from_status
        from order_status_changes as changes
        where changes.changed_at > as_of
        order by changes.order_id, changes.changed_at, changes.change_id
    )

    select orders.customer_id, shop_month(orders.created_at), count(*)
    from orders
    left join status_then using (order_id)
    where orders.created_at <= as_of
      and counts_as_sale(coalesce(status_then.from_status, orders.status))
    group by 1, 2;
end
$$;

-- The cohort table as of as_of: customers per (cohort month, month ordered in), up to as_of's
-- month, each order with its status at as_of. The folded pairs; the customers with pending changes
-- moved from their folded pairs to their current ones; then the customers whose orders as of as_of
-- differ from the rollup's (cohort_customers_changed_after(): none for "now") moved from their
-- rollup pairs to their pairs as of as_of. retention_cohorts and shop_vitals read it.
--   psql: select * from cohort_months_as_of('2026-06-30 12:00') order by 1, 2;
-- (plpgsql: Citus cannot plan a SQL function's parameterised queries, and this one's calls read the
-- distributed orders)
create or replace function cohort_months_as_of(as_of timestamptz)
returns table (cohort_month date, activity_month date, customers bigint)
language plpgsql stable as $$
#variable_conflict use_column
begin
    return query
    with

    changed_customers as (
        select cohort_customers_changed_after(as_of) as customer_ids
    ),

    pending_customers as (
        select distinct customer_id from rollups.customer_months_pending
    ),

    folded_months as (
        select array_agg(row(folded.customer_id, folded.month, folded.orders)::customer_month) as months
        from rollups.customer_months_folded as folded
        where folded.customer_id in (select customer_id from pending_customers)
    ),

    pending_months as (
        select array_agg(row(pending.customer_id, pending.month, pending.orders)::customer_month) as months
        from rollups.customer_months_pending as pending
    ),

    pairs as (
        select folded_pairs.cohort_month, folded_pairs.activity_month, folded_pairs.customers
        from rollups.cohort_months_folded as folded_pairs
        union all
        -- the pending customers: their current pairs in ...
        select current_pairs.cohort_month, current_pairs.activity_month, 1
        from folded_months, pending_months,
             cohort_pairs(coalesce(folded_months.months, '{}') || coalesce(pending_months.months, '{}')) as current_pairs
        union all
        -- ... their folded pairs out
        select old_pairs.cohort_month, old_pairs.activity_month, -1
        from folded_months, cohort_pairs(coalesce(folded_months.months, '{}')) as old_pairs
        union all
        -- the changed customers: their pairs in the rollup (folded and pending rows) out ...
        select rollup_pairs.cohort_month, rollup_pairs.activity_month, -1
        from (
            select array_agg(row(customer_months.customer_id, customer_months.month, customer_months.orders)::customer_month)
                   as months
            from rollups.customer_months as customer_months, changed_customers
            where customer_months.customer_id = any (changed_customers.customer_ids)
        ) as rollup_months,
        cohort_pairs(coalesce(rollup_months.months, '{}')) as rollup_pairs
        union all
        -- ... and their pairs as of as_of in
        select then_pairs.cohort_month, then_pairs.activity_month, 1
        from (
            select array_agg(months_then) as months
            from changed_customers, customer_months_as_of(changed_customers.customer_ids, as_of) as months_then
        ) as then_months,
        cohort_pairs(coalesce(then_months.months, '{}')) as then_pairs
    )

    select pairs.cohort_month, pairs.activity_month, sum(pairs.customers)::bigint
    from pairs
    where pairs.activity_month <= date_trunc('month', as_of)::date
    group by pairs.cohort_month, pairs.activity_month;
end
$$;

-- Orders changed: counted orders per (customer, month), +1 for new rows and -1 for old ones.
create or replace function rollup_cohorts_apply(added orders[], removed orders[]) returns void
language plpgsql as $$
begin
    insert into rollups.customer_months_pending (customer_id, month, orders)
    select customer_id, month, sum(sign)
    from (
        select customer_id, shop_month(created_at) as month, 1 as sign
        from unnest(added) where status not in ('cancelled', 'refunded')
        union all
        select customer_id, shop_month(created_at), -1
        from unnest(removed) where status not in ('cancelled', 'refunded')
    ) as delta
    group by customer_id, month
    having sum(sign) <> 0;
end
$$;

create or replace function orders_rollups_cohorts_changed() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform rollup_cohorts_apply(array(select n::orders from new_orders n), '{}');
    elsif tg_op = 'UPDATE' then
        perform rollup_cohorts_apply(array(select n::orders from new_orders n), array(select o::orders from old_orders o));
    else
        perform rollup_cohorts_apply('{}', array(select o::orders from old_orders o));
    end if;
    return null;
end
$$;

create or replace function orders_rollups_cohorts_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollups.customer_months_folded;
    delete from rollups.customer_months_pending;
    delete from rollups.cohort_months_folded;
    return null;
end
$$;

create or replace trigger orders_rollups_cohorts_update after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_rollups_cohorts_changed();

create or replace trigger orders_rollups_cohorts_delete after delete on orders
    referencing old table as old_orders
    for each statement execute function orders_rollups_cohorts_changed();

create or replace trigger orders_rollups_cohorts_truncate after truncate on orders
    for each statement execute function orders_rollups_cohorts_truncated();

-- Folds the pending customer months and moves every customer they touch from their pairs
-- before to their pairs after. One folder at a time (fold_rollups()), so nothing moves under it.
create or replace function fold_cohorts_rollups() returns void
language plpgsql as $$
declare
    moved customer_month[];
    touched int[];
    before customer_month[];
begin
    with deleted as (
        delete from rollups.customer_months_pending returning *
    )
    select coalesce(array_agg(row(customer_id, month, orders)::customer_month), '{}') into moved from deleted;
    touched := array(select distinct customer_id from unnest(moved));
    before := array(select row(customer_id, month, orders)::customer_month
                    from rollups.customer_months_folded where customer_id = any (touched));

    insert into rollups.customer_months_folded as rollup (customer_id, month, orders)
    select customer_id, month, sum(orders)
    from unnest(moved)
    group by customer_id, month
    order by customer_id, month
    on conflict (customer_id, month) do update
        set orders = rollup.orders + excluded.orders;

    insert into rollups.cohort_months_folded as rollup (cohort_month, activity_month, customers)
    select cohort_month, activity_month, sum(sign)
    from (
        select cohort_month, activity_month, 1 as sign
        from cohort_pairs(before || moved)
        union all
        select cohort_month, activity_month, -1
        from cohort_pairs(before)
    ) as delta
    group by 1, 2
    having sum(sign) <> 0
    order by 1, 2
    on conflict (cohort_month, activity_month) do update
        set customers = rollup.customers + excluded.customers;
end
$$;

-- Recounts both tables from the raw orders (the caller's transaction; see rebuild_rollups()).
create or replace function rebuild_cohorts_rollups() returns void
language plpgsql
set work_mem = '256MB'
set enable_hashagg = off -- as rebuild_product_days()
as $$
begin
    perform lock_for_rebuild('cohorts', array['orders']);

    delete from rollups.customer_months_pending;
    delete from rollups.customer_months_folded;
    delete from rollups.cohort_months_folded;

    insert into rollups.customer_months_folded (customer_id, month, orders)
    select customer_id, shop_month(created_at), count(*)
    from orders
    where status not in ('cancelled', 'refunded')
    group by 1, 2;

    with cohorts as (
        select customer_id, min(month) as cohort_month
        from rollups.customer_months_folded
        group by customer_id
    )
    insert into rollups.cohort_months_folded (cohort_month, activity_month, customers)
    select cohorts.cohort_month, customer_months.month, count(*)
    from rollups.customer_months_folded customer_months
    join cohorts using (customer_id)
    group by 1, 2;
end
$$;
