-- market_basket with filters (docs/filters.md): its pairs counted from the baskets of the window's
-- orders the filters name, read from the raw rows (orders, their lines), since the product_sales
-- rollups count pairs per day for every order alike. The definition is
-- reports/reference/market_basket.sql with the same filters; this is its reading for one window:
--
--   the orders   placed in [window_start, as_of] before window_stop, not cancelled or refunded at
--                as_of, with the dimensions the order filters name (the view order_facets'
--                (R__44_order_facets.sql), as the order_drill rows keep them; '' for a filter not given)
--   their lines  one per order and product; with a category, only its subtree's products
--                (category_filter(), R__45_category_filter.sql), so the orders counted are those
--                holding one of them: support and lift are then among the category's buyers
--
-- One row per pair of products in at least min_pair_orders of those orders, with each product's
-- orders and the orders counted (the report's support, confidence and lift come from them).
--
-- Without an order filter it returns nothing at once (a category alone is the report's path
-- through the rollups, restricted to the subtree): that path names the call but never runs it (plpgsql: PostgreSQL plans an opaque call for nothing, where an inlined SQL
-- body would be copied and prepared before being dropped), and a Citus coordinator, which runs a
-- report's CTEs one by one, the path not taken too, gets no rows. Its query is planned when it runs
-- with the filters' values (the report runner's plan_cache_mode=force_custom_plan), so the
-- dimensions not asked for drop out of the plan.
--
-- Its cost grows with the window's orders the filters name (an index probe for each one's lines,
-- then their pairs): measured in docs/measurements.md.
create or replace function market_basket_filtered_pairs(
    window_start timestamptz, as_of timestamptz, window_stop timestamptz, min_pair_orders int,
    want_channel text, want_device text, want_country text, want_region text,
    want_customer text, want_coupon text, want_category text)
returns table (product_1_id int, product_2_id int, orders_together bigint,
               product_1_orders bigint, product_2_orders bigint, window_orders bigint)
language plpgsql stable as $$
declare
    order_filters boolean := want_channel || want_device || want_country || want_region
                             || want_customer || want_coupon <> '';
begin
    if not order_filters then
        return;
    end if;
    if want_category <> '' then
        perform category_filter(want_category); -- an unknown category is refused, naming it, even on an empty window
    end if;
    return query
    with
    subtree as materialized (
        select p.product_id
        from products p
        where want_category <> '' and p.category_id in (select category_filter(want_category))
    ),
    -- The window's orders the order filters name, by their dimensions as the drill pages read them
    -- (R__55_rollup_order_drill.sql): the kept rows (one per order placed, with its order_facets
    -- dimensions) of the orders not marked, through the index of a filter's dimension and its
    -- moment, and the marked orders from the raw rows, each checked by order_in_filters()
    -- (order_drill_raw_rows(): none at once without marks). Not each window order's dimensions
    -- looked up in order_facets: its session's first page view alone was a probe of page_views per
    -- order, 0.7 s for 30 days at scale 1.
    named as materialized (
        select d.order_id
        from rollups.order_drill_rows_folded d
        where d.kind = 'order'
          and d.at >= window_start
          and d.at <= as_of
          and d.at < window_stop
          and (want_channel = '' or d.channel = want_channel)
          and (want_device = '' or d.device = want_device)
          and (want_country = '' or d.country = want_country)
          and (want_region = '' or d.region = want_region)
          and (want_customer = '' or d.customer = want_customer)
          and (want_coupon = '' or d.coupon = want_coupon)
          and not exists (select 1 from rollups.order_drill_marks m where m.order_id = d.order_id)
        union all
        select r.order_id
        from order_drill_raw_rows(window_start, least(as_of, window_stop - interval '1 microsecond'), false,
                                  '-infinity', 0, '', 2147483647, false,
                                  want_channel, want_device, want_country, want_region, want_customer,
                                  want_coupon) as r
    ),
    -- the window's orders counted at as_of: not cancelled or refunded now, or cancelled or refunded
    -- after as_of only (both are final: the status guard of R__21_order_lifecycle.sql)
    baskets as materialized (
        select o.order_id
        from orders o
        where o.created_at >= window_start
          and o.created_at <= as_of
          and o.created_at < window_stop
          and (o.status not in ('cancelled', 'refunded')
               or exists (select 1 from order_status_changes c
                          where c.order_id = o.order_id
                            and c.changed_at > as_of
                            and c.from_status not in ('cancelled', 'refunded')
                            and c.to_status in ('cancelled', 'refunded')))
          and o.order_id in (select n.order_id from named n)
    ),
    -- each order's lines looked up by its key (offset 0 keeps PostgreSQL from hashing every line
    -- of the shop to join them: a window is a few percent of them)
    lines as materialized (
        select distinct b.order_id, items.product_id
        from baskets b
        cross join lateral (select i.product_id from order_items i where i.order_id = b.order_id offset 0) as items
        where want_category = '' or items.product_id in (select s.product_id from subtree s)
    ),
    product_orders as (
        select l.product_id, count(*) as orders
        from lines l
        group by l.product_id
    ),
    pairs as (
        select first_line.product_id as product_1_id, second_line.product_id as product_2_id,
               count(*) as orders_together
        from lines first_line
        join lines second_line
          on second_line.order_id = first_line.order_id
         and second_line.product_id > first_line.product_id
        group by 1, 2
        having count(*) >= min_pair_orders
    )
    select pairs.product_1_id, pairs.product_2_id, pairs.orders_together,
           orders_1.orders, orders_2.orders,
           (select count(distinct l.order_id) from lines l)
    from pairs
    join product_orders orders_1 on orders_1.product_id = pairs.product_1_id
    join product_orders orders_2 on orders_2.product_id = pairs.product_2_id;
end
$$;
