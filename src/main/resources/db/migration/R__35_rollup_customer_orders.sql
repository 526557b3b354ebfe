-- The customer_orders family: each customer's counted orders, spend, first and last order, all
-- history, in rollups.customer_orders, for customer_lifetime, rfm_segments and rfm_customers (the
-- RFM family scores from it: R__36_rollup_rfm.sql).
--
-- Counted orders: current status not cancelled or refunded, as the three reports' reference SQL
-- says. An order moving in or out of those statuses adds or removes it.
--
-- Sums fold, minimum and maximum do not: adding an order moves first/last outwards (least,
-- greatest), but removing one (cancelled, refunded, deleted, moved to another customer or another
-- moment) cannot be undone from the totals. So the maintenance function appends, per customer,
-- the signed change of orders and spend, the first and last of the orders it added, and how many
-- orders it removed. A customer with no removal pending reads folded + pending exactly; one with
-- a removal pending (a handful: the web server folds every second) is recounted from its raw
-- orders (idx_orders_customer_created), by the readers until the fold, then by the fold itself.
--
-- As of a past moment: the rollup holds all history, so the customers with counted orders placed
-- after as_of (none for the dashboard's "now", few for a recent moment) are recounted from their
-- raw orders up to as_of too. customer_orders_as_of(as_of) below is that answer. New orders are
-- appended by orders_rollups_inserted() (R__40_rollup_inserts.sql).

-- What reports read: sum by customer (a customer with a removal pending is recounted instead).
create or replace view rollups.customer_orders as
select customer_id, orders, spend, first_order_at, last_order_at, 0::bigint as removed from rollups.customer_orders_folded
union all
select customer_id, orders, spend, first_order_at, last_order_at, removed from rollups.customer_orders_pending;

-- ============================================================
-- MAINTENANCE
-- ============================================================
-- Applies changed orders: added rows count +1, removed rows -1. An order whose update leaves it
-- counted, with the same customer and moment (a status step from pending to delivered, a new
-- total), nets out to no removal (and, same total, no row at all).
-- (PL/pgSQL for its cached plan, see rollup_orders_apply().)
create or replace function rollup_customer_orders_apply(added orders[], removed orders[]) returns void
language plpgsql as $$
begin
    insert into rollups.customer_orders_pending (customer_id, orders, spend, first_order_at, last_order_at, removed)
    select
        customer_id,
        sum(orders),
        sum(spend),
        min(created_at) filter (where orders > 0),
        max(created_at) filter (where orders > 0),
        coalesce(-sum(orders) filter (where orders < 0), 0)
    from (
        -- net change per (customer, moment): the multiset of order moments is what first/last read
        select customer_id, created_at, sum(sign)::bigint as orders, sum(sign * total_amount) as spend
        from (
            select customer_id, created_at, total_amount, 1 as sign from unnest(added)
            where status not in ('cancelled', 'refunded')
            union all
            select customer_id, created_at, total_amount, -1 from unnest(removed)
            where status not in ('cancelled', 'refunded')
        ) as delta
        group by customer_id, created_at
        having sum(sign) <> 0 or sum(sign * total_amount) <> 0
    ) as moments
    group by customer_id
    order by customer_id;
end
$$;

create or replace function orders_customer_rollups_updated() returns trigger
language plpgsql as $$
begin
    perform rollup_customer_orders_apply(array(select n::orders from new_orders n),
                                         array(select o::orders from old_orders o));
    return null;
end
$$;

create or replace function orders_customer_rollups_deleted() returns trigger
language plpgsql as $$
begin
    perform rollup_customer_orders_apply('{}', array(select o::orders from old_orders o));
    return null;
end
$$;

create or replace function orders_customer_rollups_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollups.customer_orders_folded;
    delete from rollups.customer_orders_pending;
    return null;
end
$$;

create or replace trigger orders_rollups_customers_update after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_customer_rollups_updated();

create or replace trigger orders_rollups_customers_delete after delete on orders
    referencing old table as old_orders
    for each statement execute function orders_customer_rollups_deleted();

create or replace trigger orders_rollups_customers_truncate after truncate on orders
    for each statement execute function orders_customer_rollups_truncated();

-- ============================================================
-- FOLD, REBUILD
-- ============================================================
-- One statement, so one snapshot: the pending rows it moves are exactly those of the
-- transactions whose order changes it sees, and a customer with a removal is recounted from
-- those same orders (rows appended by transactions it does not see stay pending, and add to the
-- recount later).
create or replace function fold_customer_orders_rollups() returns void
language plpgsql as $$
begin
    with moved as (
        delete from rollups.customer_orders_pending returning *
    ),
    changed as (
        select customer_id, sum(orders)::bigint as orders, sum(spend) as spend, min(first_order_at) as first_order_at,
               max(last_order_at) as last_order_at, sum(removed)::bigint as removed
        from moved
        group by customer_id
    ),
    added as (
        insert into rollups.customer_orders_folded as rollup (customer_id, orders, spend, first_order_at, last_order_at)
        select customer_id, orders, spend, first_order_at, last_order_at
        from changed
        where removed = 0
        order by customer_id
        on conflict (customer_id) do update
            set orders = rollup.orders + excluded.orders,
                spend = rollup.spend + excluded.spend,
                first_order_at = least(rollup.first_order_at, excluded.first_order_at),
                last_order_at = greatest(rollup.last_order_at, excluded.last_order_at)
    )
    insert into rollups.customer_orders_folded as rollup (customer_id, orders, spend, first_order_at, last_order_at)
    select changed.customer_id, recount.orders, coalesce(recount.spend, 0), recount.first_order_at, recount.last_order_at
    from changed
    cross join lateral (
        select count(*) as orders, sum(total_amount) as spend, min(created_at) as first_order_at,
               max(created_at) as last_order_at
        from orders
        where orders.customer_id = changed.customer_id
          and orders.status not in ('cancelled', 'refunded')
    ) as recount
    where changed.removed > 0
    order by changed.customer_id
    on conflict (customer_id) do update
        set orders = excluded.orders,
            spend = excluded.spend,
            first_order_at = excluded.first_order_at,
            last_order_at = excluded.last_order_at;
end
$$;

create or replace function rebuild_customer_orders_rollups() returns void
language plpgsql as $$
begin
    lock table orders in share row exclusive mode;

    delete from rollups.customer_orders_pending;
    delete from rollups.customer_orders_folded;
    insert into rollups.customer_orders_folded (customer_id, orders, spend, first_order_at, last_order_at)
    select customer_id, count(*), sum(total_amount), min(created_at), max(created_at)
    from orders
    where status not in ('cancelled', 'refunded')
    group by customer_id
    order by customer_id;
end
$$;

-- ============================================================
-- READING: EACH CUSTOMER AS OF A MOMENT
-- ============================================================
-- The customers to recount are gathered first, into an array, and joined with orders as a set
-- (customer_orders_counted()): on one node a probe of idx_orders_customer_created per customer
-- (a nested loop over the ids); on a Citus cluster, where orders is distributed by order_id and a
-- subquery correlated on another column is refused ("cannot push down this subquery"), every
-- shard joins the same ids with its own orders and sends its partial counts, which the
-- coordinator adds up. So customer_lifetime, rfm_segments and rfm_customers read their rollups on
-- a cluster too.

-- Each given customer's counted orders placed up to as_of: how many (0 for none), their total
-- (0 for none), the first and the last (null for none). One row per distinct given customer; none
-- for no ids (null or empty), without reading orders (the usual case for "now").
--   psql: select * from customer_orders_counted(array[1, 2, 3], now());
create or replace function customer_orders_counted(customer_ids int[], as_of timestamptz)
returns table (customer_id int, orders bigint, spend numeric, first_order_at timestamptz, last_order_at timestamptz)
language plpgsql stable as $$
#variable_conflict use_column
begin
    if coalesce(cardinality(customer_ids), 0) = 0 then
        return;
    end if;
    -- (PL/pgSQL: planned once per connection; the statement runs alone, the ids a value)
    return query
    with

    ids as (
        select distinct given.customer_id from unnest(customer_ids) as given (customer_id)
    ),

    counted as (
        select ids.customer_id, count(*) as orders, sum(orders.total_amount) as spend,
               min(orders.created_at) as first_order_at, max(orders.created_at) as last_order_at
        from ids
        join orders on orders.customer_id = ids.customer_id
        where orders.status not in ('cancelled', 'refunded')
          and orders.created_at <= as_of
        group by ids.customer_id
    )

    select ids.customer_id, coalesce(counted.orders, 0), coalesce(counted.spend, 0), counted.first_order_at,
           counted.last_order_at
    from ids
    left join counted using (customer_id);
end
$$;

-- Customers whose folded row is not their answer as of as_of, with their answer (0 orders: none
-- up to as_of): those with changes pending (added to their folded row, or recounted from their
-- raw orders when a change removed an order), and those with counted orders placed after as_of
-- (recounted up to as_of; the rollup holds all history). A handful for the dashboard's "now".
-- PL/pgSQL rather than SQL: a SQL function with a query body of several CTEs is not inlined, and
-- PostgreSQL plans it again at each call (~1-3 ms at scale 1, where the query itself takes a
-- fraction of that, paid by customer_lifetime and both RFM reports on every read); PL/pgSQL
-- keeps its statements' plans for the session.
create or replace function customer_orders_changed(as_of timestamptz)
returns table (customer_id int, orders bigint, spend numeric, first_order_at timestamptz, last_order_at timestamptz)
language plpgsql stable as $$
#variable_conflict use_column
declare
    recount int[];
begin
    -- customers with a removal pending, or with counted orders after as_of (none for "now")
    recount := array(
        select pending.customer_id from rollups.customer_orders_pending as pending where pending.removed > 0
        union
        select orders.customer_id from orders
        where orders.created_at > as_of and orders.status not in ('cancelled', 'refunded')
    );

    return query
    with

    pending as (
        select customer_id, sum(orders)::bigint as orders, sum(spend) as spend, min(first_order_at) as first_order_at,
               max(last_order_at) as last_order_at
        from rollups.customer_orders_pending
        where customer_id not in (select unnest(recount))  -- hashed, not a scan of the array per row
        group by customer_id
    ),

    added_to as (
        select
            pending.customer_id,
            coalesce(folded.orders, 0) + pending.orders                 as orders,
            coalesce(folded.spend, 0) + pending.spend                   as spend,
            least(folded.first_order_at, pending.first_order_at)        as first_order_at,
            greatest(folded.last_order_at, pending.last_order_at)       as last_order_at
        from pending
        left join rollups.customer_orders_folded as folded using (customer_id)
    )

    select * from added_to
    union all
    select * from customer_orders_counted(recount, as_of);
end
$$;

-- Each customer with at least one counted order placed up to as_of: how many, their total, the
-- first and the last (exactly the aggregate of the reference SQL over the raw orders), and the
-- RFM sort keys (see the folded table).
--   psql: select * from customer_orders_as_of(now()) order by spend desc limit 10;
create or replace function customer_orders_as_of(as_of timestamptz)
returns table (customer_id int, orders bigint, spend numeric, first_order_at timestamptz, last_order_at timestamptz,
               recency_key bigint, frequency_key bigint, monetary_key bigint)
language sql stable
begin atomic
    with

    changed as (
        select * from customer_orders_changed(as_of)
    )

    select customer_id, orders, spend, first_order_at, last_order_at, recency_key, frequency_key, monetary_key
    from rollups.customer_orders_folded
    where orders > 0
      and customer_id not in (select customer_id from changed)
    union all
    select
        customer_id, orders, spend, first_order_at, last_order_at,
        rfm_key(shop_day(last_order_at) - date '2000-01-01', customer_id),
        rfm_key(orders, customer_id),
        rfm_key((spend * 100)::bigint, customer_id)
    from changed
    where orders > 0;
end;
