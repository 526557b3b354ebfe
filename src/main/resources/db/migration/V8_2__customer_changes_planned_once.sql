-- customer_orders_changed(as_of) (V6_3) in PL/pgSQL: the same query, planned once per connection
-- instead of on every call. A SQL function with a query body of several CTEs is not inlined, and
-- PostgreSQL plans it again at each call: ~1-3 ms at scale 1 where the query itself (a handful of
-- customers for "now") takes a fraction of that, paid by customer_lifetime and both RFM reports
-- on every read. PL/pgSQL keeps its statements' plans for the session (issue 7).
create or replace function customer_orders_changed(as_of timestamptz)
returns table (customer_id int, orders bigint, spend numeric, first_order_at timestamptz, last_order_at timestamptz)
language plpgsql stable as $$
#variable_conflict use_column
begin
    return query
    with

    pending as (
        select customer_id, sum(orders)::bigint as orders, sum(spend) as spend, min(first_order_at) as first_order_at,
               max(last_order_at) as last_order_at, sum(removed)::bigint as removed
        from rollup_customer_orders_pending
        group by customer_id
    ),

    recount as (
        select customer_id from pending where removed > 0
        union
        select customer_id from orders
        where created_at > as_of and status not in ('cancelled', 'refunded')
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
        where pending.customer_id not in (select customer_id from recount)
    ),

    recounted as (
        select recount.customer_id, counted.orders, coalesce(counted.spend, 0) as spend, counted.first_order_at,
               counted.last_order_at
        from recount
        cross join lateral (
            select count(*) as orders, sum(total_amount) as spend, min(created_at) as first_order_at,
                   max(created_at) as last_order_at
            from orders
            where orders.customer_id = recount.customer_id
              and orders.status not in ('cancelled', 'refunded')
              and orders.created_at <= as_of
        ) as counted
    )

    select * from added_to
    union all
    select * from recounted;
end
$$;
