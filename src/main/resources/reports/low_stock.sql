-- Low stock: what to reorder, warehouse by warehouse, from demand while in stock.
--
-- question: Which products will run out in which warehouse before a reorder arrives, and how much should we reorder?
-- grain:    one row per active product and warehouse, most urgent first, the top N
-- audience: aggregate
-- param:    days           | integer | 30  | 1..365  | the velocity window: shipments in the N days before as_of
-- param:    lead_time_days | integer | 7   | 0..365  | days a reorder takes to arrive: REORDER NOW when the stock covers fewer
-- param:    safety_days    | integer | 7   | 0..365  | safety stock in days of demand: Low Stock when the stock covers fewer than lead time + safety days
-- param:    cover_days     | integer | 30  | 0..365  | days of demand a reorder covers beyond the lead time and safety days
-- param:    show           | text    | low | low, all | low: only REORDER NOW and Low Stock rows; all: every row
-- param:    limit          | integer | 50  | 1..10000000 | the number of rows to show, most urgent first
-- param:    category       | text    |     | any     | filter: only the products of this category and every category below it (its category_id or slug, e.g. laptops)
-- column:   sku                    | text       | the product's stock-keeping unit
-- column:   product_name           | text       | its name
-- column:   warehouse              | text       | the warehouse
-- column:   stock                  | units      | units in that warehouse at as_of
-- column:   reorder_level          | units      | the level set by hand (none set: 0); decides only rows with no velocity
-- column:   shipped_in_window      | units      | units shipped out of that warehouse in the window
-- column:   days_in_stock          | days       | the window's days on which the row had stock at some moment
-- column:   daily_velocity         | units/day  | shipped_in_window / days_in_stock, two decimals; null when never in stock in the window
-- column:   days_of_stock          | days       | stock / daily velocity (the cover), one decimal; null with no velocity (nothing shipped, or never in stock)
-- column:   suggested_reorder_qty  | units      | velocity x (lead_time_days + safety_days + cover_days) less stock, rounded up, at least 0; null with no velocity
-- column:   status                 | text       | REORDER NOW (cover < lead time), Low Stock (cover < lead time + safety days) or OK; with no velocity REORDER NOW at or under the reorder level, else OK
--
-- Demand, not what happened to ship: a row out of stock sells nothing, so its velocity counts only
-- the days it had stock. The window is (as_of - N days, as_of]; its days are (as_of - j - 1 days,
-- as_of - j days] for j from 0 to N - 1 (shop days' lengths, as_of's time of day). The stock at a
-- moment is the row's quantity now less the movements after that moment; a day counts as in stock
-- when the stock was above zero at some moment of it (at its start or after one of its movements):
-- the days a planner could have sold from, so a day that sold out at 10:00, or was restocked at
-- 16:00, counts (as does, in a consistent ledger, any day with a shipment). days_in_stock = N less the days at or under
-- zero throughout.
-- Velocity is the warehouse's own outflow: the units of its stock_movements with reason 'ship'
-- in the window. Returns, restocks and adjustments are not demand.
-- No velocity (nothing shipped in the window, or no stock in it at all): the cover is unknown, so
-- the only signal left is the planner's own reorder level: REORDER NOW at or under it (a row out of
-- stock the whole window is one), else OK; no quantity is suggested without a demand to size it.
-- The figures are computed from integers, rounding half away from zero.
-- Inactive products are left out.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -v lead_time_days=7 -v safety_days=7 -v cover_days=30 -v show=low -v limit=50 -f low_stock.sql
--       (-v category=laptops: the rows of that category's products and those of every category below it)
--
-- Reads rollups.stock_levels (R__39_rollup_stock.sql): one row per warehouse row with its
-- product's sku, name and active flag, its stock and reorder level now, the running total of
-- units shipped through each shop day it shipped on, and when its last stock-out ended; the
-- ledger (stock_movements) and the category's products through functions
-- (R__65_low_stock_raw_reads.sql), so that on a Citus cluster the query names only the
-- coordinator's rollups and PostgreSQL plans it whole.
-- Shipments in the window are counted by whole shop days from the running totals (the total at
-- as_of's day less the total at the day before the first whole day), plus the days not folded in
-- yet, corrected at the two ends from the ledger by time: the first day's shipments are taken out
-- up to window_start, or, when window_start is past midday, the first day is left out and its
-- shipments after window_start put in (the smaller half-day either way); as_of's day's shipments
-- after as_of are taken out (none for "now"). Stock as of is the row's quantity less the movements
-- after as_of. A row whose last stock-out ended by window_start was in stock the whole window; the
-- days out of stock of the others are counted from the stock-outs the fold kept (out_ranges), and
-- those of rows written since the last fold from the ledger.
-- Which rows: as of a moment after every movement with the default 30-day window (the dashboard),
-- only the rows that can be low: at or under their reorder level, with a stock-out reaching into
-- the window, written since the last fold, or whose cover_key (a lower bound of the cover kept by
-- the fold) is under lead time + safety days; otherwise every active row. In that case, with a lead
-- time of a day or more, a page is led by the rows at zero stock with a velocity (0.0 days of
-- stock), read in the page's order until the page is full, with the few rows that can rank among
-- them (zero_stock_lead, below): the page then costs what it holds, not what the shop holds.
-- The figures are computed from integers as in the reference.
-- The category filter (docs/filters.md): the rows of the products of the category and of every
-- category below it (category_filter(), R__45_category_filter.sql), ranked among themselves; the
-- page's lead is read among them, so it stops at a page of the category's rows. An unknown
-- category is refused (SQLSTATE 22023 naming the parameter).
-- The full-scan version is reference/low_stock.sql, with the same filter.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
\if :{?lead_time_days} \else \set lead_time_days 7 \endif
\if :{?safety_days} \else \set safety_days 7 \endif
\if :{?cover_days} \else \set cover_days 30 \endif
\if :{?show} \else \set show low \endif
\if :{?limit} \else \set limit 50 \endif
\if :{?category} \else \set category '' \endif

with

moments as (
    select
        :as_of::timestamptz                                           as as_of,
        :as_of::timestamptz - make_interval(days => :days::int)       as window_start,
        :days::int                                                    as days,
        :lead_time_days::int                                          as lead_time_days,
        :safety_days::int                                             as safety_days,
        :cover_days::int                                              as cover_days,
        :'show'::text                                                 as show,
        :limit::int                                                   as row_limit
),

-- What the ledger says beside the rollup after as_of, per warehouse row (none for "now"; none at
-- all is what by_cover_key asks): the units moved after as_of (stock_moved_after(),
-- R__64_shop_vitals_raw_reads.sql), and those shipped after it on as_of's own day (counted there
-- whole; none when nothing moved: stock_shipped_in(), R__65_low_stock_raw_reads.sql). The movements are those the rollups hold (on a Citus cluster
-- those the catch-up job applied; one written since is in neither, and is not taken out).
moved_after as materialized (
    select * from stock_moved_after(:as_of::timestamptz)
),

shipped_after as materialized (
    select *
    from stock_shipped_in(:as_of::timestamptz,
                          date_trunc('day', :as_of::timestamptz) + interval '1 day' - interval '1 microsecond',
                          case when exists (select 1 from moved_after) then null else '{}'::int[] end)
),

-- the session's time zone is the shop's: these are shop days and midnights
params as (
    select
        moments.*,
        date_trunc('day', as_of) + interval '1 day'                   as last_day_end,
        as_of::date                                                   as last_day,
        -- the first day is counted whole when window_start is before its midday
        window_start < date_trunc('day', window_start) + interval '12 hours'
                                                                      as first_day_whole,
        -- the days counted whole are those after this one, up to last_day
        window_start::date
          - case when window_start < date_trunc('day', window_start) + interval '12 hours'
                 then 1 else 0 end                                    as whole_days_after,
        -- the cover keys bound the cover over 30 days at any moment after the row's last movement
        show <> 'all' and days = 30
          and not exists (select 1 from moved_after)
                                                                      as by_cover_key,
        -- the window's day ends, ascending, window_start first and as_of last (kept_days_out)
        array(select as_of - (days - i) * interval '1 day' from generate_series(0, days) as i order by i)
                                                                      as day_bounds
    from moments
    -- an unknown category is refused here (category_filter() raises), even when no row would show
    where :'category' = '' or exists (select 1 from category_filter(:'category'))
),

-- the category filter: the products of the category and of every category below it (none without one)
category_products as (
    select category_filter_products(:'category') as product_id
),

-- by_cover_key with a lead time of a day or more: the page may be led by the rows out of stock
-- with a velocity (below)
first_page as (
    select params.by_cover_key and params.lead_time_days >= 1 as may_lead
    from params
),

-- Per row, what the rollup row does not say, all from one join: the units moved after as_of
-- (taken back out of the stock now to give the stock then: none for "now"), and the shipments
-- the running totals miss on the whole days: those not folded in yet (a second's worth), less
-- those after as_of on as_of's day. The window's first day is first_day_half's.
besides_rollup as (
    select besides.product_id, besides.warehouse,
           sum(besides.moved_after_as_of) as moved_after_as_of,
           sum(besides.shipped)::bigint   as shipped
    from (
        select moved_after.product_id, moved_after.warehouse, moved_after.quantity as moved_after_as_of, 0 as shipped
        from moved_after
        union all
        select shipped_after.product_id, shipped_after.warehouse, 0, -shipped_after.shipped
        from shipped_after
        union all
        select rollups.stock_days_pending.product_id, rollups.stock_days_pending.warehouse, 0,
               rollups.stock_days_pending.shipped
        from rollups.stock_days_pending, params
        where rollups.stock_days_pending.day > params.whole_days_after
          and rollups.stock_days_pending.day <= params.last_day
    ) as besides
    group by besides.product_id, besides.warehouse
),

-- rows with movements not folded in yet: their last stock-out may have moved
pending as (
    select distinct rollups.stock_days_pending.product_id, rollups.stock_days_pending.warehouse
    from rollups.stock_days_pending
),

-- The page's lead (may_lead): the rows at zero stock now (= at as_of), in the sort's order (sku,
-- warehouse) through idx_rollup_stock_levels_out_now, that certainly have a velocity, the first
-- "limit" of them: not written since the last fold, a shipment on a whole day of the window (their
-- last shipping day after window_start's: a shipment is a positive number of units) and a day in
-- stock in it. Each is REORDER NOW with 0.0 days of stock (with a lead time of a day or more), and
-- only a row with 0.0 days of stock too ranks before or among them (by sku, warehouse). The scan
-- stops at the page's end: a few rows of any shop, where the rows that can be low grow with it.
zero_stock_lead as (
    select rollup.product_id, rollup.warehouse, rollup.sku, rollup.product_name, rollup.quantity,
           rollup.reorder_level, rollup.days, rollup.shipped_through, rollup.out_until, rollup.out_ranges,
           rollup.out_stale
    from rollups.stock_levels as rollup
    where (select may_lead from first_page)
      and rollup.quantity = 0 and rollup.is_active
      and not rollup.out_stale
      and (rollup.product_id, rollup.warehouse) not in (select pending.product_id, pending.warehouse from pending)
      and rollup.days[cardinality(rollup.days)] > (select params.window_start::date from params)
      -- the category filter before the page's limit: a full page of the category's rows
      and (:'category' = '' or rollup.product_id in (select category_products.product_id from category_products))
      -- a day in stock: its days out of stock, as kept_days_out counts them, fewer than the window's
      and (select coalesce(sum(greatest(0,
                      least(params.days, width_bucket(upper(stock_out) - interval '1 microsecond', params.day_bounds) - 1)
                    - greatest(1, 1 + width_bucket(lower(stock_out) - interval '2 microseconds', params.day_bounds))
                    + 1)), 0)
           from params, unnest(rollup.out_ranges) as stock_out)
          < (select params.days from params)
    order by rollup.sku, rollup.warehouse
    limit (select params.row_limit from params)
),

-- With a full page of them, the page is among them and the rows that can rank before or among
-- them (none is below zero: inventory's quantity never is): at zero, whose shipments in the window
-- depend on window_start's time of day (last shipped on its day); in stock with a cover that can
-- round to 0.0 days (20 x stock x days in stock < shipped: their shipments in the window are at
-- most the 31 days' of their cover_key, so stock x 30 < 1.5 x those, a cover_key under 2); written
-- since the last fold. Otherwise the rows that can be low, as below.
lead_rows as (
    select (select may_lead from first_page) and count(*) = (select params.row_limit from params) as enough
    from zero_stock_lead
),

-- The rows that can show: every active row; the page's lead and the rows that can rank before or
-- among it (lead_rows.enough); or (by_cover_key) those that can be low, each branch from its index
-- and none twice: at or under the reorder level; a cover_key under lead time + safety days; a
-- stock-out that may reach into the window; written since the last fold (stale, or pending).
shown_rows as (
    select rollup.product_id, rollup.warehouse, rollup.sku, rollup.product_name, rollup.quantity,
           rollup.reorder_level, rollup.days, rollup.shipped_through, rollup.out_until, rollup.out_ranges,
           rollup.out_stale
    from params
    join rollups.stock_levels as rollup on rollup.is_active
    where not params.by_cover_key
    union all
    select * from zero_stock_lead
    where (select enough from lead_rows)
    union all
    select rollup.product_id, rollup.warehouse, rollup.sku, rollup.product_name, rollup.quantity,
           rollup.reorder_level, rollup.days, rollup.shipped_through, rollup.out_until, rollup.out_ranges,
           rollup.out_stale
    from rollups.stock_levels as rollup
    where (select enough from lead_rows)
      and rollup.is_active
      -- one scan of three partial indexes (a bitmap of each), not three branches to plan
      and (rollup.out_stale
           or not rollup.out_stale
              and (rollup.product_id, rollup.warehouse) not in (select pending.product_id, pending.warehouse from pending)
              and (rollup.quantity = 0
                      and rollup.days[cardinality(rollup.days)] = (select params.window_start::date from params)
                   or rollup.quantity > 0 and rollup.cover_key < 2))
    union all
    select rollup.product_id, rollup.warehouse, rollup.sku, rollup.product_name, rollup.quantity,
           rollup.reorder_level, rollup.days, rollup.shipped_through, rollup.out_until, rollup.out_ranges,
           rollup.out_stale
    from pending
    join rollups.stock_levels as rollup using (product_id, warehouse)
    where (select enough from lead_rows)
      and rollup.is_active and not rollup.out_stale
    union all
    select rollup.product_id, rollup.warehouse, rollup.sku, rollup.product_name, rollup.quantity,
           rollup.reorder_level, rollup.days, rollup.shipped_through, rollup.out_until, rollup.out_ranges,
           rollup.out_stale
    from params
    join rollups.stock_levels as rollup on rollup.quantity <= rollup.reorder_level and rollup.is_active
    where params.by_cover_key and not (select enough from lead_rows)
    union all
    select rollup.product_id, rollup.warehouse, rollup.sku, rollup.product_name, rollup.quantity,
           rollup.reorder_level, rollup.days, rollup.shipped_through, rollup.out_until, rollup.out_ranges,
           rollup.out_stale
    from params
    join rollups.stock_levels as rollup
      -- a range (cover keys are never negative): PostgreSQL then expects a few rows from it and reads
      -- the index, where an upper bound alone, unknown to a cached plan, looks like a third of the table
      on rollup.cover_key >= 0 and rollup.cover_key < (select params.lead_time_days + params.safety_days from params)
     and rollup.is_active
    where params.by_cover_key and not (select enough from lead_rows)
      and not rollup.quantity <= rollup.reorder_level
    union all
    select rollup.product_id, rollup.warehouse, rollup.sku, rollup.product_name, rollup.quantity,
           rollup.reorder_level, rollup.days, rollup.shipped_through, rollup.out_until, rollup.out_ranges,
           rollup.out_stale
    from params
    join rollups.stock_levels as rollup
      on rollup.out_until > params.window_start and rollup.out_until > '-infinity' and rollup.is_active
    where params.by_cover_key and not (select enough from lead_rows)
      and not rollup.quantity <= rollup.reorder_level
      and not coalesce(rollup.cover_key < (select params.lead_time_days + params.safety_days from params), false)
    union all
    select rollup.product_id, rollup.warehouse, rollup.sku, rollup.product_name, rollup.quantity,
           rollup.reorder_level, rollup.days, rollup.shipped_through, rollup.out_until, rollup.out_ranges,
           rollup.out_stale
    from params
    join rollups.stock_levels as rollup on rollup.out_stale
    where params.by_cover_key and not (select enough from lead_rows) and rollup.is_active
      and not rollup.quantity <= rollup.reorder_level
      and not coalesce(rollup.cover_key < (select params.lead_time_days + params.safety_days from params), false)
      and not rollup.out_until > params.window_start
    union all
    select rollup.product_id, rollup.warehouse, rollup.sku, rollup.product_name, rollup.quantity,
           rollup.reorder_level, rollup.days, rollup.shipped_through, rollup.out_until, rollup.out_ranges,
           rollup.out_stale
    from params
    cross join pending
    join rollups.stock_levels as rollup using (product_id, warehouse)
    where params.by_cover_key and not (select enough from lead_rows) and rollup.is_active
      and not rollup.quantity <= rollup.reorder_level
      and not coalesce(rollup.cover_key < (select params.lead_time_days + params.safety_days from params), false)
      and not rollup.out_until > params.window_start
      and not rollup.out_stale
),

levels as (
    select shown_rows.product_id, shown_rows.warehouse, shown_rows.sku, shown_rows.product_name,
           shown_rows.quantity - coalesce(besides_rollup.moved_after_as_of, 0) as stock,
           shown_rows.reorder_level,
           stock_shipped_between(shown_rows.days, shown_rows.shipped_through, params.whole_days_after, params.last_day)
               + coalesce(besides_rollup.shipped, 0) as shipped_whole_days,
           shown_rows.out_until,
           shown_rows.out_ranges,
           -- the kept stock-outs are of the ledger as the last fold saw it
           shown_rows.out_stale or pending.product_id is not null             as reads_ledger
    from shown_rows
    cross join params
    left join besides_rollup using (product_id, warehouse)
    left join pending using (product_id, warehouse)
    -- the category filter: every other branch of shown_rows holds every row that can show, so the
    -- category's are among them
    where :'category' = '' or shown_rows.product_id in (select category_products.product_id from category_products)
),

-- The units shipped in the smaller half of the window's first day, by window_start
-- (params.first_day_whole): [its midnight, window_start] when window_start is before midday, else
-- (window_start, the next midnight), one index range (a microsecond is a timestamp's step). The
-- window starts a day or more before as_of, so this never meets shipped_after. Of the shown rows'
-- products only when by_cover_key (a page's few hundred rows, where every row that shipped in that
-- half day was 9,578 rows at scale 10); of every row otherwise, when every row shows.
first_day_half as materialized (
    select half.*
    from params
    cross join lateral stock_shipped_in(
        case when params.first_day_whole then date_trunc('day', params.window_start) - interval '1 microsecond'
             else params.window_start end,
        case when params.first_day_whole then params.window_start
             else date_trunc('day', params.window_start) + interval '1 day' - interval '1 microsecond' end,
        case when params.by_cover_key then array(select distinct levels.product_id from levels) end) as half
),

-- The days out of stock of the rows that may have some, from the ledger, as in the reference:
-- the window cut at each moment the row's stock moved, with the stock from that moment on.
ledger_rows as materialized (
    select product_id, warehouse, stock from levels where reads_ledger
),

-- (their stock_moments(), R__65_low_stock_raw_reads.sql)
ledger_moments as materialized (
    select moments.*
    from params
    cross join lateral stock_moments(array(select ledger_rows.product_id from ledger_rows),
                                     array(select distinct ledger_rows.warehouse::text from ledger_rows),
                                     params.window_start, params.as_of) as moments
    join ledger_rows using (product_id, warehouse)
),

stretches as (
    select ledger_rows.product_id, ledger_rows.warehouse,
           params.window_start                                             as starts,
           coalesce(min(ledger_moments.moved_at), params.as_of + interval '1 microsecond')            as ends,
           ledger_rows.stock - coalesce(sum(ledger_moments.moved), 0)      as stock
    from ledger_rows
    cross join params
    left join ledger_moments using (product_id, warehouse)
    group by ledger_rows.product_id, ledger_rows.warehouse, ledger_rows.stock, params.window_start, params.as_of
    union all
    select ledger_moments.product_id, ledger_moments.warehouse,
           ledger_moments.moved_at,
           coalesce(lead(ledger_moments.moved_at) over later, params.as_of + interval '1 microsecond'),
           ledger_rows.stock - coalesce(sum(ledger_moments.moved) over after_it, 0)
    from ledger_moments
    join ledger_rows using (product_id, warehouse)
    cross join params
    window later as (partition by ledger_moments.product_id, ledger_moments.warehouse order by ledger_moments.moved_at),
           after_it as (partition by ledger_moments.product_id, ledger_moments.warehouse order by ledger_moments.moved_at
                        rows between 1 following and unbounded following)
),

-- the stretches at or under zero run together: the row's stock-outs, each from a moment to the
-- moment the stock came back above zero (or just after as_of)
stock_outs as (
    select marked.product_id, marked.warehouse, min(marked.starts) as starts, max(marked.ends) as ends
    from (
        select stretches.*,
               count(*) filter (where stretches.stock > 0)
                   over (partition by stretches.product_id, stretches.warehouse order by stretches.starts) as stocked_before
        from stretches
    ) as marked
    where marked.stock <= 0
    group by marked.product_id, marked.warehouse, marked.stocked_before
),

-- the window's days: (as_of - j - 1 days, as_of - j days] for j from 0 to days - 1 (computed once,
-- not for every stock-out they are compared with)
window_days as materialized (
    select params.as_of - (j + 1) * interval '1 day' as day_start,
           params.as_of - j * interval '1 day'       as day_end
    from params, generate_series(0, params.days - 1) as j
),

-- a day out of stock: at or under zero at every moment of it, from its first microsecond to its end
out_of_stock as (
    select stock_outs.product_id, stock_outs.warehouse, count(*) as days_out
    from stock_outs
    join window_days
      on stock_outs.starts <= window_days.day_start + interval '1 microsecond'
     and stock_outs.ends > window_days.day_end
    group by stock_outs.product_id, stock_outs.warehouse
),


-- The other rows' days out of stock, for those with a stock-out reaching into the window, from the
-- stock-outs the fold kept: day k of the window is (day_bounds[k], day_bounds[k + 1]], and a
-- stock-out [lo, hi) covers it (as out_of_stock counts) when lo <= day_bounds[k] + 1 microsecond and
-- hi > day_bounds[k + 1], for k from 1 + (the bounds before lo - 1 microsecond) to (the bounds
-- before hi) - 1: two binary searches per stock-out (width_bucket counts the bounds up to a
-- moment), not a comparison with every day. The kept stock-outs are disjoint and never touch (a
-- multirange), so no day counts twice; their infinite ends fall outside every bound.
-- (Written out here and in zero_stock_lead rather than as a function: a SQL function with a query
-- is not inlined, and its call cost four times the count.)
kept_days_out as (
    select levels.product_id, levels.warehouse,
           (select coalesce(sum(greatest(0,
                       least(params.days, width_bucket(upper(stock_out) - interval '1 microsecond', params.day_bounds) - 1)
                     - greatest(1, 1 + width_bucket(lower(stock_out) - interval '2 microseconds', params.day_bounds))
                     + 1)), 0)
            from unnest(levels.out_ranges) as stock_out)                 as days_out
    from levels
    cross join params
    where not levels.reads_ledger and levels.out_until > params.window_start
),

-- the first day's half: when the day is counted whole, its shipments up to window_start are not in
-- the window; when it is left out, those after window_start are
velocity as (
    select levels.sku, levels.product_name, levels.warehouse, levels.stock, levels.reorder_level,
           levels.shipped_whole_days
               + case when params.first_day_whole then -1 else 1 end * coalesce(first_day_half.shipped, 0)
                                                                                 as shipped_in_window,
           params.days - coalesce(out_of_stock.days_out, kept_days_out.days_out, 0)::int as days_in_stock,
           params.lead_time_days, params.safety_days, params.cover_days
    from levels
    cross join params
    left join first_day_half using (product_id, warehouse)
    left join out_of_stock using (product_id, warehouse)
    left join kept_days_out using (product_id, warehouse)
),

-- in integers, as in the reference: a / b rounded half away from zero to n decimals, for b > 0, is
-- (2 |a| 10^n + b) / (2 b) (integer division) with a's sign, times 10^-n
figures as (
    select
        velocity.*,
        shipped_in_window > 0 and days_in_stock > 0                                    as has_velocity,
        case when shipped_in_window > 0 and days_in_stock > 0
             then case when stock < 0 then -1 else 1 end
                  * ((20 * abs(stock)::bigint * days_in_stock + shipped_in_window) / (2 * shipped_in_window))
        end                                                                             as days_of_stock_tenths,
        case
            when not (shipped_in_window > 0 and days_in_stock > 0) then case when stock <= reorder_level then 0 else 2 end
            -- cover = stock x days_in_stock / shipped, compared without dividing
            when stock::bigint * days_in_stock < lead_time_days * shipped_in_window then 0
            when stock::bigint * days_in_stock < (lead_time_days + safety_days) * shipped_in_window then 1
            else 2
        end                                                                             as urgency
    from velocity
),

final as (
    select
        sku,
        product_name,
        warehouse,
        stock,
        reorder_level,
        shipped_in_window,
        days_in_stock,
        case when days_in_stock > 0
             then (200 * shipped_in_window + days_in_stock) / (2 * days_in_stock) * 0.01
        end                                                                             as daily_velocity,
        days_of_stock_tenths * 0.1                                                      as days_of_stock,
        case when has_velocity
             then greatest(0, (shipped_in_window * (lead_time_days + safety_days + cover_days) + days_in_stock - 1)
                              / days_in_stock - stock)
        end                                                                             as suggested_reorder_qty,
        case urgency when 0 then 'REORDER NOW' when 1 then 'Low Stock' else 'OK' end   as status,
        urgency,
        days_of_stock_tenths
    from figures
)

-- Sorted on the keys placed first: a sort compares its second and later keys by reading them
-- from each row, and PostgreSQL finds a column at a fixed offset only when no column of variable
-- width or null precedes it. The outer select keeps the subquery's order.
select
    sorted.sku,
    sorted.product_name,
    sorted.warehouse,
    sorted.stock,
    sorted.reorder_level,
    sorted.shipped_in_window,
    sorted.days_in_stock,
    sorted.daily_velocity,
    sorted.days_of_stock,
    sorted.suggested_reorder_qty,
    sorted.status
from (
    select
        final.urgency,
        coalesce(final.days_of_stock_tenths, 9223372036854775807) as days_of_stock_key, -- nulls last
        final.sku,
        final.warehouse,
        final.product_name,
        final.stock,
        final.reorder_level,
        final.shipped_in_window,
        final.days_in_stock,
        final.daily_velocity,
        final.days_of_stock,
        final.suggested_reorder_qty,
        final.status
    from final, params
    where params.show = 'all' or final.urgency < 2
    order by 1, 2, final.sku, final.warehouse
    limit (select row_limit from params)
) as sorted;
