-- shop_vitals' reads of the shop's own tables, each behind a function, so that the report's query
-- names only the rollups and category_ancestry: on a Citus cluster tables of the coordinator, and a
-- query naming no distributed or reference table is left to PostgreSQL's planner (no CTE run apart
-- as a subplan, no intermediate result sent to the workers: 30 of them, and 25 ms of Citus's own
-- planning, were most of the report there). fraud_review reads its page of orders the same way
-- (orders_shown_as_of(), R__22_sales_model.sql). Each function runs the read the report made
-- itself before; on one node a function call each. PL/pgSQL: a SQL function would be inlined
-- back into the report's query.

-- The last orders placed in [placed_from, placed_before), newest first, at most how_many of them,
-- whatever their status, each with the town, postcode and country it was shipped to (null without
-- an address). Two reads: the orders (on a cluster each shard's newest, merged on the
-- coordinator), then their addresses by key (a reference table: the coordinator's own copy).
create or replace function last_orders_shipped(placed_from timestamptz, placed_before timestamptz, how_many int)
returns table (order_id int, total_amount numeric, discount_amount numeric, city text, postcode text, country text)
language plpgsql stable as $$
#variable_conflict use_column
declare
    order_ids int[];
    totals numeric[];
    discounts numeric[];
    address_ids int[];
begin
    select array_agg(last.order_id), array_agg(last.total_amount), array_agg(last.discount_amount),
           array_agg(last.shipping_address_id)
    into order_ids, totals, discounts, address_ids
    from (
        select o.order_id, o.total_amount, o.discount_amount, o.shipping_address_id
        from orders o
        where o.created_at >= placed_from
          and o.created_at < placed_before
        order by o.created_at desc, o.order_id desc
        limit how_many
    ) as last;
    return query
    select last.order_id, last.total_amount, last.discount_amount, a.city::text, a.postcode::text, a.country::text
    from unnest(order_ids, totals, discounts, address_ids) as last (order_id, total_amount, discount_amount, address_id)
    left join addresses a on a.address_id = last.address_id;
end
$$;

-- How many products the catalogue holds, active or not.
create or replace function catalogue_size() returns bigint
language plpgsql stable as $$
begin
    return (select count(*) from products);
end
$$;

-- The category of each product named.
create or replace function product_categories(product_ids int[])
returns table (product_id int, category_id int)
language plpgsql stable as $$
#variable_conflict use_column
begin
    return query
    select p.product_id, p.category_id
    from products p
    where p.product_id = any (product_ids);
end
$$;

-- The stock moved after a moment, per warehouse row (units in, less units out): none for "now".
-- The movements the rollups hold (rollup_applied_id()), as the stock levels it corrects.
create or replace function stock_moved_after(as_of timestamptz)
returns table (product_id int, warehouse text, quantity bigint)
language plpgsql stable as $$
#variable_conflict use_column
declare
    applied_movements bigint := rollup_applied_id('stock_movements');
begin
    return query
    select m.product_id, m.warehouse::text, sum(m.quantity)::bigint
    from stock_movements m
    where m.moved_at > as_of and m.movement_id <= applied_movements
    group by m.product_id, m.warehouse;
end
$$;
