-- The customers recounted from their raw orders (customer_orders_changed, V6_3 then V8_2) in a
-- form Citus can plan, so that customer_lifetime, rfm_segments and rfm_customers read their
-- rollups on a cluster too (issue 8). One version serves both.
--
-- V8_2 recounted each customer in a lateral join over orders (a probe of
-- idx_orders_customer_created per customer). On a cluster orders is distributed by order_id, and
-- Citus refuses a subquery correlated on another column ("cannot push down this subquery").
-- Here the customers to recount are gathered first, into an array, and joined with orders as a
-- set: on one node the same probe per customer (a nested loop over the ids); on a cluster every
-- shard joins the same ids with its own orders and sends its partial counts, which the
-- coordinator adds up.

-- Each given customer's counted orders placed up to as_of: how many (0 for none), their total
-- (0 for none), the first and the last (null for none). One row per distinct given customer; none
-- for no ids (null or empty), without reading orders (the usual case for "now").
--   psql: select * from customer_orders_counted(array[1, 2, 3], now());
create function customer_orders_counted(customer_ids int[], as_of timestamptz)
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

-- As V8_2, the customers to recount read through customer_orders_counted() rather than a
-- lateral join per customer.
create or replace function customer_orders_changed(as_of timestamptz)
returns table (customer_id int, orders bigint, spend numeric, first_order_at timestamptz, last_order_at timestamptz)
language plpgsql stable as $$
#variable_conflict use_column
declare
    recount int[];
begin
    -- customers with a removal pending, or with counted orders after as_of (none for "now")
    recount := array(
        select pending.customer_id from rollup_customer_orders_pending as pending where pending.removed > 0
        union
        select orders.customer_id from orders
        where orders.created_at > as_of and orders.status not in ('cancelled', 'refunded')
    );

    return query
    with

    pending as (
        select customer_id, sum(orders)::bigint as orders, sum(spend) as spend, min(first_order_at) as first_order_at,
               max(last_order_at) as last_order_at
        from rollup_customer_orders_pending
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
        left join rollup_customer_orders_folded as folded using (customer_id)
    )

    select * from added_to
    union all
    select * from customer_orders_counted(recount, as_of);
end
$$;
