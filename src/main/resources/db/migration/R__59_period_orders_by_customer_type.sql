-- The orders behind the new- and repeat-customer tiles, a page at a time
-- (drills/period_customer_orders.sql): the orders placed between two moments that were their
-- customer's first order (first_time) or came after an earlier one, newest first, each with its
-- place among its customer's orders (1 for a first order).
--
-- A customer's orders are ordered by when they were placed, then by order_id. Whether an order is
-- its customer's first is known only by counting that customer's earlier orders, so the orders are
-- walked newest first in batches, and each batch's customers' orders are read in one query and
-- counted here. On a Citus cluster a customer's orders lie on every shard (orders are distributed by
-- order_id): Citus refuses a count for each order of a lateral or correlated subquery, and a join of
-- the batch with the orders (its rows sent to the workers as an intermediate result) failed when a
-- report ran the function inside one of Citus's own tasks; a read by customer ids runs on every
-- shard as it is. The first batch is twice the rows wanted, each next one twice the last (a rare kind
-- of order takes a few more rounds, not thousands of rows at once).
create or replace function period_orders_by_customer_type(
    starts_at timestamptz, ends_at timestamptz, first_time boolean,
    after_created_at timestamptz, after_order_id bigint, wanted int)
returns table (order_id int, customer_order bigint)
language plpgsql stable as $$
declare
    batch_size int := greatest(wanted, 1) * 2;
    ids int[];
    customers int[];
    placed timestamptz[];
    their_customers int[];
    their_placed timestamptz[];
    their_ids int[];
    counted_ids int[];
    counted_earlier bigint[];
    found int;
begin
    loop
        -- the next batch, from the last one's end (the index on created_at, backwards)
        select array_agg(b.order_id order by b.created_at desc, b.order_id desc),
               array_agg(b.customer_id order by b.created_at desc, b.order_id desc),
               array_agg(b.created_at order by b.created_at desc, b.order_id desc)
        into ids, customers, placed
        from (
            select o.order_id, o.customer_id, o.created_at
            from orders o
            where o.created_at >= starts_at
              and o.created_at <= least(ends_at, after_created_at)
              and (o.created_at, o.order_id) < (after_created_at, after_order_id)
            order by o.created_at desc, o.order_id desc
            limit batch_size
        ) as b;
        exit when ids is null;

        -- the batch's customers' orders up to the batch's newest (the index on (customer_id,
        -- created_at)), then each order's earlier ones counted among them
        select array_agg(p.customer_id), array_agg(p.created_at), array_agg(p.order_id)
        into their_customers, their_placed, their_ids
        from orders p
        where p.customer_id = any (customers)
          and p.created_at <= placed[1];

        select array_agg(counted.order_id), array_agg(counted.earlier)
        into counted_ids, counted_earlier
        from (
            select b.order_id, count(*) as earlier
            from unnest(ids, customers, placed) as b (order_id, customer_id, created_at)
            join unnest(their_customers, their_placed, their_ids) as p (customer_id, created_at, order_id)
              on p.customer_id = b.customer_id and (p.created_at, p.order_id) < (b.created_at, b.order_id)
            group by b.order_id
        ) as counted;

        return query
        select b.order_id, coalesce(c.earlier, 0) + 1
        from unnest(ids, customers, placed) with ordinality as b (order_id, customer_id, created_at, position)
        left join unnest(counted_ids, counted_earlier) as c (order_id, earlier) on c.order_id = b.order_id
        where (c.earlier is null) = first_time
        order by b.position
        limit wanted;
        get diagnostics found = row_count;
        wanted := wanted - found;
        exit when wanted <= 0 or cardinality(ids) < batch_size;

        after_created_at := placed[cardinality(placed)];
        after_order_id := ids[cardinality(ids)];
        batch_size := least(batch_size * 2, 100000);
    end loop;
end
$$;
