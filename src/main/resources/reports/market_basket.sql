-- Market basket: which products are bought together more often than by chance, in a window?
--
-- question: Which pairs of products, bought together in enough orders of the window, go together most strongly (lift)?
-- grain:    one row per pair of products (product_1 < product_2) in at least min_pair_orders orders of the window, highest lift first
-- audience: aggregate
-- param:    days            | integer | 30 | 1..3660    | the window: this many shop days, ending with its last day (as_of's day unless `to` is given)
-- param:    from            | date    |    | any        | the window's first shop day, inclusive (instead of `days`)
-- param:    to              | date    |    | any        | the window's last shop day, inclusive (default: as_of's day); the window never goes past as_of
-- param:    min_pair_orders | integer | 20 | 1..1000000 | only pairs bought together in at least this many orders of the window
-- param:    limit           | integer | 20 | 1..10000   | number of pairs to show
-- param:    category        | text    |    | any        | filter: only pairs of products both in this category or a category below it (its category_id or slug, e.g. laptops), among the orders holding one of its products
-- param:    channel         | text    |    | direct, search, social, email, referral, unknown | filter: orders whose session came from this channel (the referrer of its first page view; unknown: no session or no page views)
-- param:    device          | text    |    | desktop, mobile, tablet, unknown | filter: orders whose session's first page view was on this device
-- param:    country         | text    |    | any        | filter: orders shipped to this country (ISO code, e.g. GB; unknown: no shipping address)
-- param:    region          | text    |    | any        | filter: orders shipped to this region (the address's state or county, e.g. Greater London)
-- param:    customer        | text    |    | new, returning | filter: new (the customer's first order) or returning customers' orders
-- param:    coupon          | text    |    | yes, no    | filter: orders with or without a coupon (an order discount)
-- window:   from | to | days | 3660
-- column:   product_1_id           | id     | the first product (the lower id), A
-- column:   product_1              | text   | its name
-- column:   product_2_id           | id     | the second product, B
-- column:   product_2              | text   | its name
-- column:   orders_together        | orders | orders of the window with both A and B
-- column:   support_pct            | %      | support(A,B) = orders with both / orders of the window, two decimals
-- column:   confidence_1_to_2_pct  | %      | confidence A->B = orders with both / orders with A, one decimal
-- column:   confidence_2_to_1_pct  | %      | confidence B->A = orders with both / orders with B, one decimal
-- column:   lift                   | ratio  | support(A,B) / (support(A) x support(B)), two decimals: how many times more often they come together than if bought independently (1 = chance)
-- column:   window_start           | time   | the window's start: midnight starting its first shop day
-- column:   window_end             | time   | the window's end: as_of, or the midnight ending `to` when that comes first (excluded)
--
-- The orders of the window: placed in it and not cancelled or refunded at as_of (their status then,
-- orders_as_of()), with at least one line; an order counts once per product and once per pair
-- even when a product is on several of its lines. Ranking by lift among pairs with enough orders
-- together keeps best-sellers, which pair with everything, from filling the list.
--
-- Filters (docs/filters.md): the order filters keep the baskets of the orders they name (their values
-- are the view order_facets', R__44_order_facets.sql); the category keeps, of each basket, its lines
-- of the category's subtree (category_filter(), R__45), so the orders counted are those holding one
-- of its products and support and lift say how two products go together among the category's
-- buyers. An unknown category is refused, naming it.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -v min_pair_orders=20 -v limit=20 -f market_basket.sql
-- psql: psql -v as_of="'2026-06-30 12:00'" -v device=mobile -v min_pair_orders=5 -f market_basket.sql
--
-- Without a filter it reads the product_sales rollups (R__32_rollup_product_sales.sql), which count the orders not
-- cancelled or refunded now, per shop day: rollups.basket_days (orders), rollups.product_days
-- (basket_orders: orders with the product) and rollups.pair_days (orders with both), folded rows
-- plus pending changes. Two corrections from the raw rows make them as of as_of: the orders of the
-- window cancelled or refunded after as_of are added back (counted then: cancelled and refunded
-- are final, the status guard of R__21_order_lifecycle.sql), and the orders placed on as_of's day
-- after as_of are taken out; both none for the dashboard's "now".
-- A pair with N orders in the window has at least N / k of them in one of the k months the window
-- touches, so the candidate pairs are read through the index of rollups.pair_months_folded (pairs
-- with at least min_pair_orders / k orders in a month; it keeps those with two or more, so with
-- one enough, the window's pair days are read instead), plus the pairs with pending changes or in
-- a corrected order; each candidate's count is then summed from its days. A category alone reads
-- the same rollups restricted to its subtree (its pairs, their products' orders, the corrections'
-- lines of it), and as the window's orders rollups.category_basket_days, the counted orders holding
-- a product of the subtree per day (R__58_rollup_category_baskets.sql). With an order filter the
-- same candidates are counted among the orders it names by market_basket_filtered_pairs()
-- (R__56_market_basket_filters.sql), from the basket facets: the same counts per day and facet key
-- (the orders' dimensions, R__57_rollup_basket_facets.sql). The two paths meet in `scored_pairs`,
-- guarded by whether an order filter is given. The full-scan version is reference/market_basket.sql,
-- with the same filters.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
\if :{?from} \else \set from '' \endif
\if :{?to} \else \set to '' \endif
\if :{?min_pair_orders} \else \set min_pair_orders 20 \endif
\if :{?limit} \else \set limit 20 \endif
\if :{?category} \else \set category '' \endif
\if :{?channel} \else \set channel '' \endif
\if :{?device} \else \set device '' \endif
\if :{?country} \else \set country '' \endif
\if :{?region} \else \set region '' \endif
\if :{?customer} \else \set customer '' \endif
\if :{?coupon} \else \set coupon '' \endif

with

-- the window: [first day's midnight, as_of], cut at the midnight ending its last day
params as (
    select
        :as_of::timestamptz                                                    as as_of,
        coalesce(nullif(:'to', '')::date, shop_day(:as_of::timestamptz))       as last_day,
        nullif(:'from', '')::date                                              as from_day
),

bounds as (
    select
        as_of,
        coalesce(from_day, last_day - (:days::int - 1))                        as first_day,
        least(last_day, shop_day(as_of))                                       as last_day,
        coalesce(from_day, last_day - (:days::int - 1))::timestamptz           as window_start,
        least(as_of, (last_day + 1)::timestamptz)                              as window_end,
        (last_day + 1)::timestamptz                                            as window_stop,
        case when shop_day(as_of) between coalesce(from_day, last_day - (:days::int - 1)) and last_day
             then as_of end                                                    as cut_after,
        (least(last_day, shop_day(as_of)) + 1)::timestamptz                    as cut_until,
        rollup_applied_id('orders')                                            as applied_orders,
        rollup_applied_id('order_status_changes')                              as applied_changes
    from params
    -- an unknown category is refused here (category_filter() raises), even when the window is empty
    where :'category' = '' or exists (select 1 from category_filter(:'category'))
),

-- With a category (and no order filter) the same rollups restricted to the category's subtree:
-- its products (category_filter(), R__45_category_filter.sql) and the subtree's root (one row: a
-- value, so its days are read through the key), under which rollups.category_basket_days counts the
-- orders holding one of them (R__58_rollup_category_baskets.sql).
-- (Without one every condition naming them is `'' = '' or ...`, which PostgreSQL folds away.)
subtree_categories as materialized (
    select category_filter(:'category') as category_id
),

subtree as materialized (
    select products.product_id
    from products
    where products.category_id in (select category_id from subtree_categories)
),

subtree_root as (
    select categories.category_id
    from categories
    where categories.category_id in (select category_id from subtree_categories)
      and (categories.parent_id is null
           or categories.parent_id not in (select category_id from subtree_categories))
),

-- orders whose count in the rollups is not theirs as of as_of: +1 for an order of the window
-- counted then and cancelled or refunded since, -1 for an order placed later on as_of's day and
-- counted now; of the changes and orders the rollups hold (rollup_applied_id(): on a Citus cluster
-- those the catch-up job applied, the rows written since being in neither)
corrected_orders as (
    -- Each order looked up by its key (offset 0 keeps PostgreSQL from turning the lookups into a
    -- join that reads every order of the window, or every line): the returns after as_of are
    -- none for "now" and a few thousand a month back, the window's orders tens of thousands.
    select returned.order_id, 1 as sign
    from order_status_changes as returned
    cross join bounds
    cross join lateral (select orders.created_at from orders where orders.order_id = returned.order_id offset 0) as placed
    -- Its change into cancelled or refunded from a status that was neither: the order was still
    -- counted at as_of (both are final, the status guard of R__21_order_lifecycle.sql; a creation
    -- row, from_status null, is dated at its placing, after as_of). Read from the change itself,
    -- not by looking for an earlier one: PostgreSQL planned that as an anti join over every
    -- return of the shop (540,561 index rows, 200 ms at scale 10 as of 11 hours back).
    -- (as_of written out, not read from bounds: on a Citus cluster bounds reaches the shards as a
    -- subplan's result, which the workers planned as a full scan of every return, 1.8 s a report at
    -- scale 10; the value itself is an index bound there, as on one node)
    where returned.to_status in ('cancelled', 'refunded')
      and returned.from_status not in ('cancelled', 'refunded')
      and returned.changed_at > :as_of::timestamptz
      and returned.change_id <= bounds.applied_changes
      and placed.created_at >= bounds.window_start
      and placed.created_at <= :as_of::timestamptz
      and placed.created_at < bounds.window_stop
    union
    select orders.order_id, -1
    from orders
    cross join bounds
    -- its return by a change the rollups do not hold yet, if any: counted there still (joined by
    -- order_id, a probe of the order's own changes; on a Citus cluster on its own shard)
    left join order_status_changes as unapplied_return
      on unapplied_return.order_id = orders.order_id
     and unapplied_return.change_id > bounds.applied_changes
     and unapplied_return.to_status in ('cancelled', 'refunded')
    where orders.created_at > bounds.cut_after
      and orders.created_at < bounds.cut_until
      -- (cut_after is as_of or null: as_of written out too, as above, so that the planner sees how
      -- few orders come after it; from bounds alone it joined every order of a shard with its
      -- unapplied return first, 120 ms on a scale-1 cluster)
      and orders.created_at > :as_of::timestamptz
      and orders.order_id <= bounds.applied_orders
      and (counts_as_sale(orders.status) or unapplied_return.order_id is not null)
),

corrected_lines as (
    select distinct corrected_orders.sign, corrected_orders.order_id, lines.product_id
    from corrected_orders
    cross join lateral (select order_items.product_id from order_items
                        where order_items.order_id = corrected_orders.order_id offset 0) as lines
    where :'category' = '' or lines.product_id in (select product_id from subtree)
),

corrected_pairs as (
    select first_line.product_id as product_1_id, second_line.product_id as product_2_id,
           sum(first_line.sign) as orders
    from corrected_lines first_line
    join corrected_lines second_line
      on second_line.order_id = first_line.order_id
     and second_line.product_id > first_line.product_id
    group by 1, 2
),

-- The months the window touches, and the count a candidate pair reaches in one of them. A pair
-- with N orders together as of as_of, no pending change and a correction of c has N - c in its
-- folded days, so at least (N - c) / k in one of the k months; c is at most the largest
-- correction (none for "now"). Pairs with pending changes, or corrected to the minimum on their
-- own, are candidates as they are.
months as (
    select array_agg(month::date) as months,
           ceil(greatest(:min_pair_orders::int - (select greatest(coalesce(max(orders), 0), 0) from corrected_pairs), 1)
                / greatest(count(*), 1)::numeric)::bigint as per_month
    from bounds, generate_series(date_trunc('month', bounds.first_day), bounds.last_day, interval '1 month') as month
),

corrected_products as (
    select product_id, sum(sign) as orders
    from corrected_lines
    group by product_id
),

-- the window's orders: all of them, or with a category those holding a product of its subtree
order_count as (
    select coalesce(sum(orders), 0) as orders
    from (
        select folded.orders from rollups.basket_days_folded as folded, bounds
        where :'category' = ''
          and folded.day between bounds.first_day and bounds.last_day
        union all
        select pending.orders from rollups.basket_days_pending as pending, bounds
        where :'category' = ''
          and pending.day between bounds.first_day and bounds.last_day
        union all
        select folded.orders from rollups.category_basket_days_folded as folded, bounds
        where :'category' <> ''
          and folded.category_id = (select category_id from subtree_root)
          and folded.day between bounds.first_day and bounds.last_day
        union all
        select pending.orders from rollups.category_basket_days_pending as pending, bounds
        where :'category' <> ''
          and pending.category_id = (select category_id from subtree_root)
          and pending.day between bounds.first_day and bounds.last_day
        union all
        select sum(sign) from (select distinct sign, order_id from corrected_lines) as corrected
    ) as days
),

pending_pairs as (
    select pending.product_1_id, pending.product_2_id, sum(pending.orders) as orders
    from rollups.pair_days_pending as pending, bounds
    where pending.day between bounds.first_day and bounds.last_day
      and (:'category' = '' or (pending.product_1_id in (select product_id from subtree)
                                and pending.product_2_id in (select product_id from subtree)))
    group by 1, 2
),

-- One order in a month is enough when min_pair_orders is at most the months touched, and the month
-- rows keep only two or more: then every pair of the window's days with its folded orders there,
-- summed once (pairs_of_window(), R__32_rollup_product_sales.sql; not called otherwise).
window_pairs as (
    select summed.*
    from months, bounds,
         pairs_of_window(bounds.first_day, bounds.last_day,
                         case when :'category' <> '' then array(select product_id from subtree) end) as summed
    where months.per_month < 2
),

candidates as (
    select folded.product_1_id, folded.product_2_id
    from rollups.pair_months_folded as folded, months
    where folded.month = any (months.months)
      and folded.orders >= months.per_month
      and (:'category' = '' or (folded.product_1_id in (select product_id from subtree)
                                and folded.product_2_id in (select product_id from subtree)))
    union
    select product_1_id, product_2_id from window_pairs
    union
    select product_1_id, product_2_id from pending_pairs
    union
    select product_1_id, product_2_id from corrected_pairs where orders >= :min_pair_orders::int
),

-- each candidate's folded days (looked up through their key; or, when the window's pairs were
-- summed, its sum there, none for a pair not there) + pending + corrections
pairs as (
    select candidates.product_1_id, candidates.product_2_id, counts.orders_together
    from candidates
    cross join months
    left join window_pairs using (product_1_id, product_2_id)
    left join pending_pairs using (product_1_id, product_2_id)
    left join corrected_pairs using (product_1_id, product_2_id)
    cross join bounds
    cross join lateral (
        select case when months.per_month < 2 then coalesce(window_pairs.orders, 0)
                    else coalesce((select sum(folded.orders) from rollups.pair_days_folded as folded
                                   where folded.product_1_id = candidates.product_1_id
                                     and folded.product_2_id = candidates.product_2_id
                                     and folded.day between bounds.first_day and bounds.last_day), 0) end
               + coalesce(pending_pairs.orders, 0)
               + coalesce(corrected_pairs.orders, 0) as orders_together
    ) as counts
    where counts.orders_together >= :min_pair_orders::int
),

-- orders with each paired product: its folded days + pending + corrections
product_orders as (
    select
        paired.product_id,
        coalesce((select sum(folded.basket_orders) from rollups.product_days_folded as folded
                  where folded.product_id = paired.product_id
                    and folded.day between bounds.first_day and bounds.last_day), 0)
        + coalesce((select sum(pending.basket_orders) from rollups.product_days_pending as pending
                    where pending.product_id = paired.product_id
                      and pending.day between bounds.first_day and bounds.last_day), 0)
        + coalesce(corrected_products.orders, 0) as orders
    from (select product_1_id as product_id from pairs union select product_2_id from pairs) as paired
    cross join bounds
    left join corrected_products using (product_id)
),

-- without an order filter: each pair with its products' orders and the window's orders
all_orders_pairs as (
    select pairs.product_1_id, pairs.product_2_id, pairs.orders_together,
           orders_1.orders as product_1_orders, orders_2.orders as product_2_orders,
           order_count.orders as window_orders
    from pairs
    cross join order_count
    cross join lateral (select orders from product_orders where product_id = pairs.product_1_id) as orders_1
    cross join lateral (select orders from product_orders where product_id = pairs.product_2_id) as orders_2
),

-- with an order filter: the same among the orders it names, for the same candidate pairs (a pair
-- with N orders among them has at least N among all), from the basket facets, counts kept per day
-- and the orders' dimensions (market_basket_filtered_pairs(), R__56_market_basket_filters.sql)
filtered_pairs as (
    select filtered.*
    from bounds,
         market_basket_filtered_pairs(bounds.first_day, bounds.last_day, bounds.window_start, bounds.as_of,
                                      bounds.window_stop, bounds.cut_after, bounds.cut_until,
                                      array(select product_1_id from candidates order by product_1_id, product_2_id),
                                      array(select product_2_id from candidates order by product_1_id, product_2_id),
                                      :min_pair_orders::int,
                                      :'channel', :'device', :'country', :'region', :'customer', :'coupon',
                                      :'category') as filtered
),

-- One path or the other: the guard is a constant when the report runs (psql's variables, or the
-- runner's bound values with custom plans), so the planner drops the path not taken before
-- planning it, and the path without filters costs what it cost alone.
scored_pairs as (
    select product_1_id, product_2_id, orders_together, product_1_orders, product_2_orders, window_orders
    from (
        -- (each path fenced, offset 0, so that the path not taken is dropped whole)
        select 'all_orders' as path, * from (select * from all_orders_pairs offset 0) as all_orders
        union all
        select 'filtered', * from (select * from filtered_pairs offset 0) as filtered
    ) as paths
    where paths.path = case when :'channel' || :'device' || :'country' || :'region' || :'customer' || :'coupon' = ''
                            then 'all_orders' else 'filtered' end
),

final as (
    select
        pairs.product_1_id,
        (select name from products where product_id = pairs.product_1_id)      as product_1,
        pairs.product_2_id,
        (select name from products where product_id = pairs.product_2_id)      as product_2,
        pairs.orders_together,
        round(100.0 * pairs.orders_together / pairs.window_orders, 2)           as support_pct,
        round(100.0 * pairs.orders_together / pairs.product_1_orders, 1)        as confidence_1_to_2_pct,
        round(100.0 * pairs.orders_together / pairs.product_2_orders, 1)        as confidence_2_to_1_pct,
        round(1.0 * pairs.orders_together * pairs.window_orders
              / (pairs.product_1_orders * pairs.product_2_orders), 2)           as lift,
        bounds.window_start,
        bounds.window_end
    from scored_pairs as pairs
    cross join bounds
)

select * from final
order by lift desc, orders_together desc, product_1_id, product_2_id
limit :limit;
