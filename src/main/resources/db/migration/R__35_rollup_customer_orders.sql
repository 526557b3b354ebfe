-- The customer_orders family: each customer's counted orders, net sales, first and last order,
-- all history, in rollups.customer_orders, for customer_lifetime, rfm_segments and rfm_customers
-- (the RFM family scores from it: R__36_rollup_rfm.sql).
--
-- Counted orders: not cancelled or refunded. The rollup holds the current status; a report as of
-- a past moment recounts the customers whose orders had another status then (below). spend is
-- the orders' net sales (R__22_sales_model.sql: their lines' line_total less the order's
-- discount; no VAT, no shipping) less their partial refunds (order_refunds, R__23: money given
-- back on an order that stays live), so it follows the lines and the refunds too: an order's
-- status, customer, moment or discount changing moves its whole net sales (its lines as
-- order_items holds them then, less its refunds so far), a line added, changed or removed moves
-- its line_total for its order's customer when the order counts (rollup_customer_lines_apply),
-- and a partial refund takes its net sales from its order's customer when the order counts
-- (rollup_customer_refunds_apply). Placing an order inserts the order (no lines yet: minus its
-- discount) then its lines (plus their totals). A whole return (cancelled, refunded) removes the
-- order, so the rows that take its partial refunds back (kind 'taken_back') never count: the
-- order no longer does.
--
-- Sums fold, minimum and maximum do not: adding an order moves first/last outwards (least,
-- greatest), but removing one (cancelled, refunded, deleted, moved to another customer or another
-- moment) cannot be undone from the totals. So the maintenance function appends, per customer,
-- the signed change of orders and spend, the first and last of the orders it added, and how many
-- orders it removed. A customer with no removal pending reads folded + pending exactly; one with
-- a removal pending (a handful: the web server folds every second) is recounted from its raw
-- orders (idx_orders_customer_created), by the readers until the fold, then by the fold itself.
--
-- As of a past moment, with each order's status at that moment: the customers whose answer then
-- differs from the rollup's are those with counted orders placed after as_of, and those with an
-- order cancelled or refunded after as_of (idx_order_status_changes_returns; cancelled and
-- refunded are final, so an order counted now counted at every moment since it was placed), and
-- those with a partial refund after as_of (idx_order_refunds_time: not taken from them yet).
-- Both are none for the dashboard's "now" and few for a recent moment; they are recounted from
-- their raw orders with each order's status at as_of. customer_orders_as_of(as_of) below is that
-- answer. New orders and lines are appended by orders_rollups_inserted() and
-- order_items_rollups_inserted() (R__40_rollup_inserts.sql).

-- What reports read: sum by customer (a customer with a removal pending is recounted instead).
create or replace view rollups.customer_orders as
select customer_id, orders, spend, first_order_at, last_order_at, 0::bigint as removed from rollups.customer_orders_folded
union all
select customer_id, orders, spend, first_order_at, last_order_at, removed from rollups.customer_orders_pending;

-- ============================================================
-- MAINTENANCE
-- ============================================================
-- Applies changed orders: added rows count +1, removed rows -1, each with its net sales (its
-- lines as order_items holds them now, less its discount and its partial refunds so far: an
-- order moved to another customer takes them along). An order whose update leaves it
-- counted, with the same customer and moment (a status step from pending to delivered), nets out
-- to no removal (and, same net sales, no row at all).
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
        select delta.customer_id, delta.created_at, sum(delta.sign)::bigint as orders,
               sum(delta.sign * (coalesce(lines.line_total, 0) - coalesce(delta.discount_amount, 0)
                                 - coalesce(refunds.net_sales, 0))) as spend
        from (
            select order_id, customer_id, created_at, discount_amount, 1 as sign from unnest(added)
            where counts_as_sale(status)
            union all
            select order_id, customer_id, created_at, discount_amount, -1 from unnest(removed)
            where counts_as_sale(status)
        ) as delta
        left join lateral (
            select sum(order_items.line_total) as line_total from order_items where order_items.order_id = delta.order_id
        ) as lines on true
        left join lateral (
            select sum(order_refunds.net_sales) as net_sales from order_refunds where order_refunds.order_id = delta.order_id
        ) as refunds on true
        group by delta.customer_id, delta.created_at
        having sum(delta.sign) <> 0
            or sum(delta.sign * (coalesce(lines.line_total, 0) - coalesce(delta.discount_amount, 0)
                                 - coalesce(refunds.net_sales, 0))) <> 0
    ) as moments
    group by customer_id
    order by customer_id;
end
$$;

-- Applies changed lines: each added line adds its line_total to its order's customer, each
-- removed one takes it away, when the order counts (its status now). No order count, no moment.
create or replace function rollup_customer_lines_apply(added order_items[], removed order_items[]) returns void
language plpgsql as $$
begin
    insert into rollups.customer_orders_pending (customer_id, orders, spend, first_order_at, last_order_at, removed)
    select orders.customer_id, 0, sum(delta.line_total), null, null, 0
    from (
        select order_id, line_total from unnest(added)
        union all
        select order_id, -line_total from unnest(removed)
    ) as delta
    join orders on orders.order_id = delta.order_id
    where counts_as_sale(orders.status)
    group by orders.customer_id
    having sum(delta.line_total) <> 0
    order by orders.customer_id;
end
$$;

-- Applies new partial refunds, by their ids (never updated or deleted but with their order: a
-- deleted order is removed above, and its customer recounted): each takes its net sales from its
-- order's customer when the order counts now. A take-back row is written when the order is
-- returned whole, which removes it: it counts for nobody (before its order's status changes, as
-- order_transition() writes it, it adds back to a customer the change then recounts).
create or replace function rollup_customer_refunds_apply(refund_line_ids bigint[]) returns void
language plpgsql as $$
begin
    insert into rollups.customer_orders_pending (customer_id, orders, spend, first_order_at, last_order_at, removed)
    select orders.customer_id, 0, -sum(order_refunds.net_sales), null, null, 0
    from order_refunds
    join orders on orders.order_id = order_refunds.order_id
    where order_refunds.refund_line_id = any (refund_line_ids)
      and counts_as_sale(orders.status)
    group by orders.customer_id
    having sum(order_refunds.net_sales) <> 0
    order by orders.customer_id;
end
$$;

create or replace function order_refunds_customer_rollups_inserted() returns trigger
language plpgsql as $$
begin
    perform rollup_customer_refunds_apply(array(select n.refund_line_id from new_refunds n));
    return null;
end
$$;

create or replace trigger order_refunds_rollups_customers_insert after insert on order_refunds
    referencing new table as new_refunds
    for each statement execute function order_refunds_customer_rollups_inserted();

create or replace function order_items_customer_rollups_changed() returns trigger
language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        perform rollup_customer_lines_apply(array(select n::order_items from new_items n),
                                            array(select o::order_items from old_items o));
    else
        perform rollup_customer_lines_apply('{}', array(select o::order_items from old_items o));
    end if;
    return null;
end
$$;

create or replace trigger order_items_rollups_customers_update after update on order_items
    referencing old table as old_items new table as new_items
    for each statement execute function order_items_customer_rollups_changed();

create or replace trigger order_items_rollups_customers_delete after delete on order_items
    referencing old table as old_items
    for each statement execute function order_items_customer_rollups_changed();

-- All lines gone: every customer's net sales changes, recounted from the orders.
create or replace function order_items_customer_rollups_truncated() returns trigger
language plpgsql as $$
begin
    perform rebuild_customer_orders_rollups();
    return null;
end
$$;

create or replace trigger order_items_rollups_customers_truncate after truncate on order_items
    for each statement execute function order_items_customer_rollups_truncated();

-- The refunds truncated alone: every customer's net sales changes, recounted likewise.
create or replace trigger order_refunds_rollups_customers_truncate after truncate on order_refunds
    for each statement execute function order_items_customer_rollups_truncated();

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
        select count(*) as orders,
               sum(coalesce(lines.line_total, 0) - coalesce(orders.discount_amount, 0) - coalesce(refunds.net_sales, 0))
                   as spend,
               min(orders.created_at) as first_order_at, max(orders.created_at) as last_order_at
        from orders
        left join lateral (
            select sum(order_items.line_total) as line_total from order_items where order_items.order_id = orders.order_id
        ) as lines on true
        left join lateral (
            select sum(order_refunds.net_sales) as net_sales from order_refunds where order_refunds.order_id = orders.order_id
        ) as refunds on true
        where orders.customer_id = changed.customer_id
          and counts_as_sale(orders.status)
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
    perform lock_for_rebuild('customer_orders', array['orders', 'order_items', 'order_refunds']);

    delete from rollups.customer_orders_pending;
    delete from rollups.customer_orders_folded;
    insert into rollups.customer_orders_folded (customer_id, orders, spend, first_order_at, last_order_at)
    select orders.customer_id, count(*),
           sum(coalesce(lines.line_total, 0) - coalesce(orders.discount_amount, 0) - coalesce(refunds.net_sales, 0)),
           min(orders.created_at), max(orders.created_at)
    from orders
    left join (
        select order_id, sum(line_total) as line_total from order_items group by order_id
    ) as lines using (order_id)
    left join (
        select order_id, sum(net_sales) as net_sales from order_refunds group by order_id
    ) as refunds using (order_id)
    where counts_as_sale(orders.status)
    group by orders.customer_id
    order by orders.customer_id;
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

-- Each given customer's counted orders as of as_of (placed up to as_of, not cancelled or
-- refunded at as_of: the status each order left at its first change after as_of, as
-- orders_as_of() says, or its status now): how many (0 for none), their net sales less their
-- partial refunds made up to as_of (0 for none),
-- the first and the last (null for none). One row per distinct given customer; none for no ids
-- (null or empty), without reading orders (the usual case for "now"). More customers than
-- recount_by_id_limit() (a moment far back) are read from every customer's recount.
--   psql: select * from customer_orders_counted(array[1, 2, 3], now());
create or replace function customer_orders_counted(customer_ids int[], as_of timestamptz)
returns table (customer_id int, orders bigint, spend numeric, first_order_at timestamptz, last_order_at timestamptz)
language plpgsql stable as $$
#variable_conflict use_column
declare
    order_ids int[];
begin
    if coalesce(cardinality(customer_ids), 0) = 0 then
        return;
    end if;
    if cardinality(customer_ids) > recount_by_id_limit() then
        return query
        select ids.customer_id, coalesce(everyone.orders, 0), coalesce(everyone.spend, 0), everyone.first_order_at,
               everyone.last_order_at
        from (select distinct given.customer_id from unnest(customer_ids) as given (customer_id)) as ids
        left join customer_orders_recounted(as_of) as everyone using (customer_id);
        return;
    end if;
    -- the given customers' orders placed up to as_of, gathered first: their status changes and
    -- lines are then read by order_id (an index probe each; on a Citus cluster every shard joins
    -- the same ids with its own rows: orders, changes and lines are distributed by order_id)
    order_ids := array(
        select orders.order_id from orders
        where orders.customer_id = any (customer_ids) and orders.created_at <= as_of);
    -- (PL/pgSQL: planned once per connection; the statement runs alone, the ids a value)
    return query
    with

    ids as (
        select distinct given.customer_id from unnest(customer_ids) as given (customer_id)
    ),

    -- the orders whose status changed after as_of: the status each left at its first change then
    status_then as (
        select distinct on (changes.order_id) changes.order_id, changes.from_status
        from order_status_changes as changes
        where changes.order_id = any (order_ids) and changes.changed_at > as_of
        order by changes.order_id, changes.changed_at, changes.change_id
    ),

    line_totals as (
        select order_items.order_id, sum(order_items.line_total) as line_total
        from order_items
        where order_items.order_id = any (order_ids)
        group by order_items.order_id
    ),

    -- the partial refunds made up to as_of (a counted order's take-backs come after as_of: its
    -- whole return does)
    refunds_then as (
        select order_refunds.order_id, sum(order_refunds.net_sales) as net_sales
        from order_refunds
        where order_refunds.order_id = any (order_ids) and order_refunds.refunded_at <= as_of
        group by order_refunds.order_id
    ),

    counted as (
        select orders.customer_id, count(*) as orders,
               sum(coalesce(line_totals.line_total, 0) - coalesce(orders.discount_amount, 0)
                   - coalesce(refunds_then.net_sales, 0)) as spend,
               min(orders.created_at) as first_order_at, max(orders.created_at) as last_order_at
        from orders
        left join status_then using (order_id)
        left join line_totals using (order_id)
        left join refunds_then using (order_id)
        where orders.order_id = any (order_ids)
          and counts_as_sale(coalesce(status_then.from_status, orders.status))
        group by orders.customer_id
    )

    select ids.customer_id, coalesce(counted.orders, 0), coalesce(counted.spend, 0), counted.first_order_at,
           counted.last_order_at
    from ids
    left join counted using (customer_id);
end
$$;

-- Every customer's counted orders as of as_of, as customer_orders_counted() gives them, in one
-- pass over the orders placed up to as_of (hash joins with their changes since, lines and
-- refunds then; on a Citus cluster one query over the colocated shards, each sending its counts
-- by customer): what a moment far back reads, where naming the customers by id costs more.
--   psql: select * from customer_orders_recounted('2026-06-01 09:00') order by spend desc limit 10;
create or replace function customer_orders_recounted(as_of timestamptz)
returns table (customer_id int, orders bigint, spend numeric, first_order_at timestamptz, last_order_at timestamptz)
language plpgsql stable as $$
#variable_conflict use_column
begin
    return query
    with

    status_then as (
        select distinct on (changes.order_id) changes.order_id, changes.from_status
        from order_status_changes as changes
        where changes.changed_at > as_of
        order by changes.order_id, changes.changed_at, changes.change_id
    ),

    line_totals as (
        select order_items.order_id, sum(order_items.line_total) as line_total
        from order_items
        join orders using (order_id)
        where orders.created_at <= as_of
        group by order_items.order_id
    ),

    refunds_then as (
        select order_refunds.order_id, sum(order_refunds.net_sales) as net_sales
        from order_refunds
        where order_refunds.refunded_at <= as_of
        group by order_refunds.order_id
    )

    select orders.customer_id, count(*),
           sum(coalesce(line_totals.line_total, 0) - coalesce(orders.discount_amount, 0)
               - coalesce(refunds_then.net_sales, 0)),
           min(orders.created_at), max(orders.created_at)
    from orders
    left join status_then using (order_id)
    left join line_totals using (order_id)
    left join refunds_then using (order_id)
    where orders.created_at <= as_of
      and counts_as_sale(coalesce(status_then.from_status, orders.status))
    group by orders.customer_id;
end
$$;

-- The customers whose counted orders as of as_of may differ from what the rollup holds (current
-- status, all history): those with counted orders placed after as_of, those with an order
-- cancelled or refunded after as_of (counted then if placed by as_of), and those with a partial
-- refund after as_of (not made yet then). None for "now" (sales_changed_after() says so at once).
create or replace function customers_changed_after(as_of timestamptz) returns int[]
language plpgsql stable as $$
begin
    if not sales_changed_after(as_of) then
        return '{}';
    end if;
    return array(
        select orders.customer_id from orders
        where orders.created_at > as_of and counts_as_sale(orders.status)
        union
        select orders.customer_id
        from orders
        where orders.order_id = any (array(
            -- idx_order_status_changes_returns: an index-only scan of the changes after as_of
            select returns.order_id from order_status_changes as returns
            where returns.changed_at > as_of and returns.to_status in ('cancelled', 'refunded')
            union
            -- idx_order_refunds_time: an index-only scan of the refunds after as_of
            select refunds.order_id from order_refunds as refunds
            where refunds.refunded_at > as_of)));
end
$$;

-- Customers whose folded row is not their answer as of as_of, with their answer (0 orders: none
-- up to as_of): those with changes pending (added to their folded row, or recounted from their
-- raw orders when a change removed an order), and those customers_changed_after(as_of) names
-- (recounted as of as_of). A handful for the dashboard's "now".
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
    -- customers with a removal pending, or whose orders as of as_of differ (none for "now")
    recount := array(
        select pending.customer_id from rollups.customer_orders_pending as pending where pending.removed > 0
        union
        select unnest(customers_changed_after(as_of))
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

-- ============================================================
-- BUYER DAYS (shop_vitals)
-- ============================================================
-- rollups.buyer_days follows every change to the folded rollup (a fold, a rebuild, a truncate of
-- orders), whoever makes it: the rows taken out count -1 on their days, those put in +1. Named
-- without "_rollups_": a bulk load's suspension leaves them on, as it does the rebuild's writes.
-- A fold's updates: the old rows out, the new in.
create or replace function buyer_days_apply(removed rollups.customer_orders_folded[], added rollups.customer_orders_folded[])
returns void
language sql as $$
    insert into rollups.buyer_days as rollup (day, first_buyers, last_buyers, last_repeaters)
    select day, sum(first_buyers), sum(last_buyers), sum(last_repeaters)
    from (
        select shop_day(changed.first_order_at) as day, changed.sign as first_buyers, 0 as last_buyers, 0 as last_repeaters
        from (select *, -1 as sign from unnest(removed) union all select *, 1 from unnest(added)) as changed
        where changed.orders > 0
        union all
        select shop_day(changed.last_order_at), 0, changed.sign, changed.sign * (changed.orders >= 2)::int
        from (select *, -1 as sign from unnest(removed) union all select *, 1 from unnest(added)) as changed
        where changed.orders > 0
    ) as deltas
    group by day
    having sum(first_buyers) <> 0 or sum(last_buyers) <> 0 or sum(last_repeaters) <> 0
    order by day
    on conflict (day) do update
        set first_buyers = rollup.first_buyers + excluded.first_buyers,
            last_buyers = rollup.last_buyers + excluded.last_buyers,
            last_repeaters = rollup.last_repeaters + excluded.last_repeaters;
$$;

create or replace function rollup_buyer_days_inserted() returns trigger
language plpgsql as $$
begin
    -- straight from the transition table: a rebuild inserts every buyer at once
    insert into rollups.buyer_days as rollup (day, first_buyers, last_buyers, last_repeaters)
    select day, sum(first_buyers), sum(last_buyers), sum(last_repeaters)
    from (
        select shop_day(first_order_at) as day, 1 as first_buyers, 0 as last_buyers, 0 as last_repeaters
        from new_rows where orders > 0
        union all
        select shop_day(last_order_at), 0, 1, (orders >= 2)::int
        from new_rows where orders > 0
    ) as deltas
    group by day
    order by day
    on conflict (day) do update
        set first_buyers = rollup.first_buyers + excluded.first_buyers,
            last_buyers = rollup.last_buyers + excluded.last_buyers,
            last_repeaters = rollup.last_repeaters + excluded.last_repeaters;
    return null;
end
$$;

create or replace function rollup_buyer_days_updated() returns trigger
language plpgsql as $$
begin
    perform buyer_days_apply(array(select o::rollups.customer_orders_folded from old_rows o),
                             array(select n::rollups.customer_orders_folded from new_rows n));
    return null;
end
$$;

create or replace function rollup_buyer_days_deleted() returns trigger
language plpgsql as $$
begin
    -- straight from the transition table: a rebuild inserts every buyer at once
    insert into rollups.buyer_days as rollup (day, first_buyers, last_buyers, last_repeaters)
    select day, sum(first_buyers), sum(last_buyers), sum(last_repeaters)
    from (
        select shop_day(first_order_at) as day, -1 as first_buyers, 0 as last_buyers, 0 as last_repeaters
        from old_rows where orders > 0
        union all
        select shop_day(last_order_at), 0, -1, -(orders >= 2)::int
        from old_rows where orders > 0
    ) as deltas
    group by day
    order by day
    on conflict (day) do update
        set first_buyers = rollup.first_buyers + excluded.first_buyers,
            last_buyers = rollup.last_buyers + excluded.last_buyers,
            last_repeaters = rollup.last_repeaters + excluded.last_repeaters;
    return null;
end
$$;

create or replace function rollup_buyer_days_truncated() returns trigger
language plpgsql as $$
begin
    delete from rollups.buyer_days;
    return null;
end
$$;

create or replace trigger rollup_customer_orders_folded_buyer_days_insert after insert on rollups.customer_orders_folded
    referencing new table as new_rows
    for each statement execute function rollup_buyer_days_inserted();

create or replace trigger rollup_customer_orders_folded_buyer_days_update after update on rollups.customer_orders_folded
    referencing old table as old_rows new table as new_rows
    for each statement execute function rollup_buyer_days_updated();

create or replace trigger rollup_customer_orders_folded_buyer_days_delete after delete on rollups.customer_orders_folded
    referencing old table as old_rows
    for each statement execute function rollup_buyer_days_deleted();

create or replace trigger rollup_customer_orders_folded_buyer_days_truncate after truncate on rollups.customer_orders_folded
    for each statement execute function rollup_buyer_days_truncated();
