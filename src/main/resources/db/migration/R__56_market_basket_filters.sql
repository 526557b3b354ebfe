-- market_basket with order filters (docs/filters.md): its pairs' counts among the window's orders the
-- filters name, from the basket facets (R__57_rollup_basket_facets.sql), kept counts per shop day and
-- facet key. The definition is reports/reference/market_basket.sql with the same filters; this is
-- its reading for one window:
--
--   the orders   placed in [window_start, as_of] before window_stop, not cancelled or refunded at
--                as_of, with the dimensions the order filters name (the view order_facets',
--                R__44_order_facets.sql; '' for a filter not given)
--   their lines  one per order and product; with a category, only its subtree's products
--                (category_filter(), R__45_category_filter.sql), so the orders counted are those
--                holding one of them: support and lift are then among the category's buyers
--
-- The pairs asked about are the report's candidates (candidate_1[i], candidate_2[i]): every pair with
-- at least min_pair_orders orders of the window among all orders, from the product_sales rollups as
-- the report's path without filters reads them. A pair with N orders among those named has at least
-- N among all, so no other pair can qualify. Each candidate's count is its facet days in the window
-- with a key the filters name, its products' orders the same, and the window's orders the basket
-- days (with a category, the kept baskets holding a product of its subtree, one by one).
--
-- What the days do not hold as of as_of is corrected order by order, as the path without filters
-- does: an order's kept basket (rollups.basket_facet_orders_folded) taken out and its basket at
-- as_of put in, for the orders marked since the last fold (rollups.order_drill_marks, their basket
-- and dimensions from the raw rows: basket_facet_orders_of()), those of the window cancelled or
-- refunded after as_of (counted then) and those placed on as_of's day after as_of (not yet placed
-- then); none of the last two for "now".
--
-- One row per pair with at least min_pair_orders of the named orders, with each product's orders and
-- the orders counted (the report's support, confidence and lift come from them). Without an order
-- filter it returns nothing at once (the report's other path answers): that path names the call but
-- never runs it (plpgsql: PostgreSQL plans an opaque call for nothing), and a Citus coordinator,
-- which runs a report's CTEs one by one, gets no rows. Its query is planned when it runs with the
-- filters' values (the report runner's plan_cache_mode=force_custom_plan).
drop function if exists market_basket_filtered_pairs(timestamptz, timestamptz, timestamptz, int, text, text, text,
                                                     text, text, text, text);
create or replace function market_basket_filtered_pairs(
    first_day date, last_day date, window_start timestamptz, as_of timestamptz, window_stop timestamptz,
    cut_after timestamptz, cut_until timestamptz, candidate_1 int[], candidate_2 int[], min_pair_orders int,
    want_channel text, want_device text, want_country text, want_region text,
    want_customer text, want_coupon text, want_category text)
returns table (product_1_id int, product_2_id int, orders_together bigint,
               product_1_orders bigint, product_2_orders bigint, window_orders bigint)
language plpgsql stable
set plan_cache_mode = force_custom_plan as $$
#variable_conflict use_column
declare
    order_filters boolean := want_channel || want_device || want_country || want_region
                             || want_customer || want_coupon <> '';
    subtree int[];
    wanted boolean[];  -- wanted[key_id]: whether the facet key is one the filters name
    marked_now jsonb;  -- the marked orders' baskets from the raw rows (null without marks)
begin
    if not order_filters then
        return;
    end if;
    if rollups_kept_by_job() then
        -- (22023 with the filter as its column: the report runner answers 400 naming it)
        raise exception 'market_basket takes no order filter on a Citus cluster (its basket facets are not kept there)'
            using errcode = '22023',
                  column = case when want_channel <> '' then 'channel' when want_device <> '' then 'device'
                                when want_country <> '' then 'country' when want_region <> '' then 'region'
                                when want_customer <> '' then 'customer' else 'coupon' end;
    end if;
    if want_category <> '' then
        -- (an unknown category is refused, naming it, even on an empty window)
        subtree := array(select p.product_id from products p
                         where p.category_id in (select category_filter(want_category)));
    end if;
    -- The facet keys the filters name, as an array indexed by key: a constant when the query below is
    -- planned, each kept row checked by one subscript (as a set of keys joined to every row read, a
    -- nested loop over the keys per row was most of the time: 2 ms a candidate pair at scale 1).
    select array_agg(k.key_id is not null order by g.key_id) into wanted
    from generate_series(1, (select max(key_id) from rollups.basket_facet_keys)) as g (key_id)
    left join rollups.basket_facet_keys k
      on k.key_id = g.key_id
     and (want_channel = '' or k.channel = want_channel)
     and (want_device = '' or k.device = want_device)
     and (want_country = '' or k.country = want_country)
     and (want_region = '' or k.region = want_region)
     and (want_customer = '' or k.customer = want_customer)
     and (want_coupon = '' or k.coupon = want_coupon);
    -- The orders marked since the last fold, from the raw rows (their dimensions looked up one by one
    -- in order_facets): only when there are some, as planning that view costs milliseconds.
    if exists (select 1 from rollups.order_drill_marks) then
        select jsonb_agg(to_jsonb(r)) into marked_now
        from basket_facet_orders_of(array(select distinct m.order_id from rollups.order_drill_marks m)) as r;
    end if;
    return query
    with

    candidates as materialized (
        select c.product_1_id, c.product_2_id
        from unnest(candidate_1, candidate_2) as c (product_1_id, product_2_id)
    ),

    -- the orders whose kept basket need not be theirs as of as_of: marked since the last fold,
    -- counted at as_of and cancelled or refunded since (both final: the status guard of
    -- R__21_order_lifecycle.sql), placed on as_of's day after as_of
    marked as materialized (
        select distinct m.order_id from rollups.order_drill_marks m
    ),
    returned as materialized (
        select distinct c.order_id
        from order_status_changes c
        cross join lateral (select o.created_at from orders o where o.order_id = c.order_id offset 0) as placed
        where c.changed_at > as_of
          and c.to_status in ('cancelled', 'refunded')
          and c.from_status not in ('cancelled', 'refunded')
          and placed.created_at >= window_start
          and placed.created_at <= as_of
          and placed.created_at < window_stop
    ),
    touched as materialized (
        select marked.order_id from marked
        union
        select returned.order_id from returned
        union
        select o.order_id from orders o where o.created_at > cut_after and o.created_at < cut_until
    ),
    kept_touched as materialized (
        select b.order_id, b.day, b.created_at, b.counted, b.key_id, b.products,
               k.channel, k.device, k.country, k.region, k.customer, k.coupon
        from rollups.basket_facet_orders_folded b
        join rollups.basket_facet_keys k on k.key_id = b.key_id
        where b.order_id in (select touched.order_id from touched)
    ),
    -- their baskets as of as_of: the marked orders' from the raw rows, the others' as kept
    touched_now as (
        select r.order_id, r.created_at, r.counted, r.products,
               r.channel, r.device, r.country, r.region, r.customer, r.coupon
        from jsonb_to_recordset(marked_now) as r (order_id int, created_at timestamptz, counted boolean,
                                                  products int[], channel text, device text, country text,
                                                  region text, customer text, coupon text)
        union all
        select t.order_id, t.created_at, t.counted, t.products, t.channel, t.device, t.country, t.region,
               t.customer, t.coupon
        from kept_touched t
        where t.order_id not in (select marked.order_id from marked)
    ),
    -- what the days hold of them (-1) and what they count as of as_of (+1), among the orders named
    corrections as materialized (
        select -1 as sign, t.order_id, t.products
        from kept_touched t
        where t.counted
          and t.day between first_day and last_day
          and wanted[t.key_id]
        union all
        select 1, t.order_id, t.products
        from touched_now t
        where (t.counted or t.order_id in (select returned.order_id from returned))
          and t.created_at >= window_start
          and t.created_at <= as_of
          and t.created_at < window_stop
          and (want_channel = '' or t.channel = want_channel)
          and (want_device = '' or t.device = want_device)
          and (want_country = '' or t.country = want_country)
          and (want_region = '' or t.region = want_region)
          and (want_customer = '' or t.customer = want_customer)
          and (want_coupon = '' or t.coupon = want_coupon)
    ),
    correction_lines as materialized (
        select c.sign, c.order_id, p.product_id
        from corrections c
        cross join unnest(c.products) as p (product_id)
        where want_category = '' or p.product_id = any (subtree)
    ),
    correction_pairs as (
        select first_line.product_id as product_1_id, second_line.product_id as product_2_id,
               sum(first_line.sign) as orders
        from correction_lines first_line
        join correction_lines second_line
          on second_line.sign = first_line.sign
         and second_line.order_id = first_line.order_id
         and second_line.product_id > first_line.product_id
        group by 1, 2
    ),

    -- each candidate's facet days of the window (through the key), corrected
    pairs as materialized (
        select candidates.product_1_id, candidates.product_2_id, counts.orders_together
        from candidates
        left join correction_pairs using (product_1_id, product_2_id)
        cross join lateral (
            select coalesce((select sum(d.orders) from rollups.pair_facet_days_folded d
                             where d.product_1_id = candidates.product_1_id
                               and d.product_2_id = candidates.product_2_id
                               and d.day between first_day and last_day
                               and wanted[d.key_id]), 0)
                   + coalesce(correction_pairs.orders, 0) as orders_together
        ) as counts
        where counts.orders_together >= min_pair_orders
    ),

    product_orders as (
        select paired.product_id,
               coalesce((select sum(d.orders) from rollups.product_facet_days_folded d
                         where d.product_id = paired.product_id
                           and d.day between first_day and last_day
                           and wanted[d.key_id]), 0)
               + coalesce((select sum(c.sign) from correction_lines c where c.product_id = paired.product_id), 0)
                 as orders
        from (select pairs.product_1_id as product_id from pairs union select pairs.product_2_id from pairs) as paired
    ),

    -- the window's orders named (with a category: those holding a product of its subtree)
    order_count as (
        select case when want_category = ''
                    then (select coalesce(sum(d.orders), 0) from rollups.basket_facet_days_folded d
                          where d.day between first_day and last_day
                            and wanted[d.key_id])
                    else (select count(*) from rollups.basket_facet_orders_folded b
                          where b.day between first_day and last_day
                            and b.counted
                            and wanted[b.key_id]
                            and b.products && subtree)
               end
               + (select coalesce(sum(c.sign), 0) from (select distinct l.sign, l.order_id from correction_lines l) as c)
                 as orders
    )

    select pairs.product_1_id, pairs.product_2_id, pairs.orders_together::bigint,
           orders_1.orders::bigint, orders_2.orders::bigint, order_count.orders::bigint
    from pairs
    cross join order_count
    join product_orders orders_1 on orders_1.product_id = pairs.product_1_id
    join product_orders orders_2 on orders_2.product_id = pairs.product_2_id;
end
$$;
