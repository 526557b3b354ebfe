-- The orders behind the new- and repeat-customer tiles, a page at a time
-- (drills/period_customer_orders.sql): the orders placed between two moments that were their
-- customer's first order (first_time) or came after an earlier one, newest first, each with its
-- place among its customer's orders (1 for a first order).
--
-- A customer's orders are ordered by when they were placed, then by order_id. Whether an order is
-- its customer's first is known only by counting that customer's earlier orders, so the orders are
-- walked newest first in batches, and each batch's customers' orders are read in one query and
-- counted here. On a Citus cluster a customer's orders lie on every shard (orders are distributed by
-- order_id): Citus refuses a count for each order of a lateral or correlated subquery, and inside
-- one of Citus's own tasks (where a report may run this function) a query whose parts Citus passes
-- on as intermediate results fails ("COPY file signature not recognized"): a join of the batch with
-- the orders, or an aggregate over a subquery with a limit. So both reads here are plain queries
-- whose rows are gathered a row at a time: the batch, and the batch's customers' orders by
-- customer id. The first batch is twice the rows wanted, each next one twice the last (a rare kind
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
    batch_order record;
    their_order record;
begin
    loop
        -- the next batch, from the last one's end (the index on created_at, backwards)
        ids := '{}';
        customers := '{}';
        placed := '{}';
        for batch_order in
            select o.order_id, o.customer_id, o.created_at
            from orders o
            where o.created_at >= starts_at
              and o.created_at <= least(ends_at, after_created_at)
              and (o.created_at, o.order_id) < (after_created_at, after_order_id)
            order by o.created_at desc, o.order_id desc
            limit batch_size
        loop
            ids := ids || batch_order.order_id;
            customers := customers || batch_order.customer_id;
            placed := placed || batch_order.created_at;
        end loop;
        exit when cardinality(ids) = 0;

        -- the batch's customers' orders up to the batch's newest (the index on (customer_id,
        -- created_at)), then each order's earlier ones counted among them
        their_customers := '{}';
        their_placed := '{}';
        their_ids := '{}';
        for their_order in
            select p.customer_id, p.created_at, p.order_id
            from orders p
            where p.customer_id = any (customers)
              and p.created_at <= placed[1]
        loop
            their_customers := their_customers || their_order.customer_id;
            their_placed := their_placed || their_order.created_at;
            their_ids := their_ids || their_order.order_id;
        end loop;

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
