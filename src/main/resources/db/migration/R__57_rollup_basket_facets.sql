-- The basket facets: the market basket's counts keyed by the order's dimensions (docs/filters.md,
-- "Market basket: the baskets of the orders named"), for market_basket with an order filter
-- (market_basket_filtered_pairs(), R__56_market_basket_filters.sql). Per shop day and facet key
-- (one combination of channel, device, country, region, customer kind and coupon, numbered in
-- rollups.basket_facet_keys): the counted orders with lines (rollups.basket_facet_days_folded),
-- those with each product (product_facet_days_folded) and with each pair (pair_facet_days_folded).
-- "Counted" as the product_sales family's baskets: not cancelled or refunded now; the report
-- corrects them for the orders returned after its as_of.
--
-- How they stay exact: kept with the drill rows (R__55_rollup_order_drill.sql), from the same
-- marks. An order's dimensions change with the writes that mark it there (its moment, customer,
-- address, session or coupon; a customer's earlier order; a page view of its session; its shipping
-- address corrected); its basket with its lines and whether it counts, which the triggers below
-- mark too. The drill fold computes each marked order again, its drill rows then its basket
-- (rollup_basket_facets_apply()): rollups.basket_facet_orders_folded keeps what each order put in
-- the day rows (its day, whether counted, its key, its products), so the new basket goes in and the
-- old one comes out exactly. A report reads the day rows, and for the orders marked in its
-- snapshot takes out their kept basket and puts in their basket from the raw rows, as the drill
-- pages read marked orders raw. On a Citus cluster, where the drill rows are not kept, neither are
-- these (empty): there market_basket refuses an order filter, saying so.

-- The baskets of the given orders with lines, from the raw rows: each order's shop day, whether it
-- is counted now, its dimensions (order_facets, R__44_order_facets.sql) and its distinct products,
-- sorted.
create or replace function basket_facet_orders_of(order_ids int[])
returns table (order_id int, day date, created_at timestamptz, counted boolean, channel text, device text,
               country text, region text, customer text, coupon text, products int[])
language sql stable as $$
    select f.order_id, shop_day(f.created_at), f.created_at, counts_as_sale(o.status), f.channel, f.device,
           f.country, f.region, f.customer, f.coupon, lines.products
    from order_facets f
    join orders o on o.order_id = f.order_id
    cross join lateral (select array_agg(distinct i.product_id order by i.product_id) as products
                        from order_items i where i.order_id = f.order_id) as lines
    where f.order_id = any (order_ids)
      and lines.products is not null
$$;

-- The given orders' baskets computed again (the drill fold's marked orders, after their marks are
-- deleted): their kept rows replaced, and the day rows given the new baskets less the old. Rows
-- left at zero are dropped.
create or replace function rollup_basket_facets_apply(order_ids int[]) returns void
language plpgsql as $$
declare
    zero_days date[];
    zero_keys int[];
    zero_products int[];
    zero_product_days date[];
    zero_product_keys int[];
    zero_pairs_1 int[];
    zero_pairs_2 int[];
    zero_pair_days date[];
    zero_pair_keys int[];
begin
    with
    now_rows as materialized (
        select * from basket_facet_orders_of(order_ids)
    ),
    -- the keys not numbered yet (the statement's snapshot has the others; only those tried, so that
    -- the numbers stay dense: market_basket_filtered_pairs() indexes an array by them)
    new_keys as (
        insert into rollups.basket_facet_keys (channel, device, country, region, customer, coupon)
        select distinct n.channel, n.device, n.country, n.region, n.customer, n.coupon
        from now_rows n
        where not exists (select 1 from rollups.basket_facet_keys k
                          where (k.channel, k.device, k.country, k.region, k.customer, k.coupon)
                              = (n.channel, n.device, n.country, n.region, n.customer, n.coupon))
        on conflict do nothing
        returning *
    ),
    fresh as (
        select n.order_id, n.day, n.created_at, n.counted, k.key_id, n.products
        from now_rows n
        join (select * from rollups.basket_facet_keys union all select * from new_keys) as k
          using (channel, device, country, region, customer, coupon)
    ),
    old as (
        select b.* from rollups.basket_facet_orders_folded b where b.order_id = any (order_ids)
    ),
    kept as (
        insert into rollups.basket_facet_orders_folded as kept (order_id, day, created_at, counted, key_id, products)
        select * from fresh
        on conflict (order_id) do update
            set day = excluded.day, created_at = excluded.created_at, counted = excluded.counted,
                key_id = excluded.key_id, products = excluded.products
    ),
    gone as (
        delete from rollups.basket_facet_orders_folded b
        where b.order_id = any (order_ids) and b.order_id not in (select fresh.order_id from fresh)
    ),
    sides as (
        select -1 as sign, old.day, old.key_id, old.products from old where old.counted
        union all
        select 1, fresh.day, fresh.key_id, fresh.products from fresh where fresh.counted
    ),
    baskets as (
        insert into rollups.basket_facet_days_folded as rollup (day, key_id, orders)
        select sides.day, sides.key_id, sum(sides.sign) from sides
        group by 1, 2 having sum(sides.sign) <> 0
        order by 1, 2
        on conflict (day, key_id) do update set orders = rollup.orders + excluded.orders
        returning rollup.day, rollup.key_id, rollup.orders
    ),
    products as (
        insert into rollups.product_facet_days_folded as rollup (product_id, day, key_id, orders)
        select p.product_id, sides.day, sides.key_id, sum(sides.sign)
        from sides cross join unnest(sides.products) as p (product_id)
        group by 1, 2, 3 having sum(sides.sign) <> 0
        order by 1, 2, 3
        on conflict (product_id, day, key_id) do update set orders = rollup.orders + excluded.orders
        returning rollup.product_id, rollup.day, rollup.key_id, rollup.orders
    ),
    pairs as (
        insert into rollups.pair_facet_days_folded as rollup (product_1_id, product_2_id, day, key_id, orders)
        select sides.products[i], sides.products[j], sides.day, sides.key_id, sum(sides.sign)
        from sides
        cross join lateral generate_series(1, cardinality(sides.products) - 1) as i
        cross join lateral generate_series(i + 1, cardinality(sides.products)) as j
        group by 1, 2, 3, 4 having sum(sides.sign) <> 0
        order by 1, 2, 3, 4
        on conflict (product_1_id, product_2_id, day, key_id) do update set orders = rollup.orders + excluded.orders
        returning rollup.product_1_id, rollup.product_2_id, rollup.day, rollup.key_id, rollup.orders
    )
    select (select array_agg(day) from baskets where orders = 0), (select array_agg(key_id) from baskets where orders = 0),
           (select array_agg(product_id) from products where orders = 0),
           (select array_agg(day) from products where orders = 0),
           (select array_agg(key_id) from products where orders = 0),
           (select array_agg(product_1_id) from pairs where orders = 0),
           (select array_agg(product_2_id) from pairs where orders = 0),
           (select array_agg(day) from pairs where orders = 0),
           (select array_agg(key_id) from pairs where orders = 0)
      into zero_days, zero_keys, zero_products, zero_product_days, zero_product_keys,
           zero_pairs_1, zero_pairs_2, zero_pair_days, zero_pair_keys;

    delete from rollups.basket_facet_days_folded d
    using unnest(zero_days, zero_keys) as z (day, key_id)
    where d.day = z.day and d.key_id = z.key_id and d.orders = 0;
    delete from rollups.product_facet_days_folded d
    using unnest(zero_products, zero_product_days, zero_product_keys) as z (product_id, day, key_id)
    where d.product_id = z.product_id and d.day = z.day and d.key_id = z.key_id and d.orders = 0;
    delete from rollups.pair_facet_days_folded d
    using unnest(zero_pairs_1, zero_pairs_2, zero_pair_days, zero_pair_keys) as z (product_1_id, product_2_id, day, key_id)
    where d.product_1_id = z.product_1_id and d.product_2_id = z.product_2_id and d.day = z.day
      and d.key_id = z.key_id and d.orders = 0;
end
$$;

-- ============================================================
-- TRIGGERS
-- ============================================================
-- What changes a basket but not an order's drill rows: its lines written, and its status moved in or
-- out of counting (a status change alone, without its history row). Both mark the order in
-- rollups.order_drill_marks, which the drill fold and the report read.
create or replace function order_items_rollups_basket_facets_written() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform order_drill_mark(array(select distinct order_id from new_items));
    elsif tg_op = 'UPDATE' then
        perform order_drill_mark(array(select order_id from new_items union select order_id from old_items));
    else
        perform order_drill_mark(array(select distinct order_id from old_items));
    end if;
    return null;
end
$$;

create or replace trigger order_items_rollups_insert_basket_facets after insert on order_items
    referencing new table as new_items
    for each statement execute function order_items_rollups_basket_facets_written();

create or replace trigger order_items_rollups_update_basket_facets after update on order_items
    referencing old table as old_items new table as new_items
    for each statement execute function order_items_rollups_basket_facets_written();

create or replace trigger order_items_rollups_delete_basket_facets after delete on order_items
    referencing old table as old_items
    for each statement execute function order_items_rollups_basket_facets_written();

create or replace function orders_rollups_basket_facets_counted() returns trigger
language plpgsql as $$
begin
    perform order_drill_mark(array(
        select n.order_id
        from new_orders n
        join old_orders o using (order_id)
        where counts_as_sale(n.status) <> counts_as_sale(o.status)));
    return null;
end
$$;

create or replace trigger orders_rollups_update_basket_facets after update on orders
    referencing old table as old_orders new table as new_orders
    for each statement execute function orders_rollups_basket_facets_counted();

-- Order lines truncated: every basket computed again.
create or replace function order_items_rollups_basket_facets_truncated() returns trigger
language plpgsql as $$
begin
    perform rebuild_basket_facets();
    return null;
end
$$;

create or replace trigger order_items_rollups_truncate_basket_facets after truncate on order_items
    for each statement execute function order_items_rollups_basket_facets_truncated();

-- ============================================================
-- REBUILD
-- ============================================================
-- Every basket from the raw rows, in the caller's transaction, after the drill rows (their
-- dimensions are read from the order rows just computed: rebuild_order_drill_rollups() calls it).
-- One pass over the lines, each order one basket row holding its sorted products, the pairs from
-- positions i < j of each basket, as rebuild_market_baskets() pairs them.
create or replace function rebuild_basket_facets() returns void
language plpgsql
set work_mem = '256MB'
set enable_nestloop = off -- as rebuild_market_baskets()
set enable_hashagg = off  -- as rebuild_product_days()
as $$
declare
    month_start date;
begin
    delete from rollups.basket_facet_orders_folded;
    delete from rollups.basket_facet_days_folded;
    delete from rollups.product_facet_days_folded;
    delete from rollups.pair_facet_days_folded;
    if rollups_kept_by_job() then
        return; -- not kept on a Citus cluster (nothing marks there)
    end if;
    perform lock_for_rebuild('basket_facets', array['orders', 'order_items']);

    insert into rollups.basket_facet_keys (channel, device, country, region, customer, coupon)
    select distinct d.channel, d.device, d.country, d.region, d.customer, d.coupon
    from rollups.order_drill_rows_folded d
    where d.kind = 'order'
      and not exists (select 1 from rollups.basket_facet_keys k
                      where (k.channel, k.device, k.country, k.region, k.customer, k.coupon)
                          = (d.channel, d.device, d.country, d.region, d.customer, d.coupon));

    insert into rollups.basket_facet_orders_folded (order_id, day, created_at, counted, key_id, products)
    select d.order_id, shop_day(d.at), d.at, counts_as_sale(o.status), k.key_id, baskets.products
    from (select i.order_id, array_agg(distinct i.product_id order by i.product_id) as products
          from order_items i group by i.order_id) as baskets
    join orders o on o.order_id = baskets.order_id
    join rollups.order_drill_rows_folded d on d.order_id = baskets.order_id and d.kind = 'order'
    join rollups.basket_facet_keys k
      on (k.channel, k.device, k.country, k.region, k.customer, k.coupon)
       = (d.channel, d.device, d.country, d.region, d.customer, d.coupon);

    insert into rollups.basket_facet_days_folded (day, key_id, orders)
    select b.day, b.key_id, count(*)
    from rollups.basket_facet_orders_folded b
    where b.counted
    group by 1, 2;

    insert into rollups.product_facet_days_folded (product_id, day, key_id, orders)
    select p.product_id, b.day, b.key_id, count(*)
    from rollups.basket_facet_orders_folded b
    cross join unnest(b.products) as p (product_id)
    where b.counted
    group by 1, 2, 3
    order by 1, 2, 3;

    -- the pairs one month at a time, as rebuild_market_baskets() (R__32_rollup_product_sales.sql): a
    -- month's pairs fit work_mem, all at once they spilled to disk
    if to_regclass('pg_temp.counted_facet_baskets') is not null then
        drop table pg_temp.counted_facet_baskets; -- a second rebuild in the transaction
    end if;
    create temporary table counted_facet_baskets on commit drop as
    select b.day, b.key_id, b.products
    from rollups.basket_facet_orders_folded b
    where b.counted
    order by b.day;
    create index on counted_facet_baskets (day);
    analyze counted_facet_baskets;
    for month_start in
        select distinct date_trunc('month', day)::date from counted_facet_baskets order by 1
    loop
        insert into rollups.pair_facet_days_folded (product_1_id, product_2_id, day, key_id, orders)
        select b.products[i], b.products[j], b.day, b.key_id, count(*)
        from counted_facet_baskets b
        cross join lateral generate_series(1, cardinality(b.products) - 1) as i
        cross join lateral generate_series(i + 1, cardinality(b.products)) as j
        where b.day >= month_start
          and b.day < (month_start + interval '1 month')::date
        group by 1, 2, 3, 4
        order by 1, 2, 3, 4;
    end loop;

    analyze rollups.basket_facet_keys;
    analyze rollups.basket_facet_orders_folded;
    analyze rollups.basket_facet_days_folded;
    analyze rollups.product_facet_days_folded;
    analyze rollups.pair_facet_days_folded;
end
$$;

-- A database migrated to these rows has them computed here once (not on a cluster, where they are
-- not kept), from its drill rows.
do $$
begin
    if not rollups_kept_by_job()
       and not exists (select 1 from rollups.basket_facet_orders_folded)
       and exists (select 1 from rollups.order_drill_rows_folded) then
        perform rebuild_basket_facets();
    end if;
end
$$;
