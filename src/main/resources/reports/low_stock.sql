-- Low stock: what to reorder, warehouse by warehouse.
--
-- question: Which products are running low in which warehouse, how fast is each warehouse shipping them, and how much should we reorder?
-- grain:    one row per active product and warehouse, most urgent first, the top N
-- audience: aggregate
-- param:    days       | integer | 30  | 1..365  | the velocity window: shipments in the N days before as_of
-- param:    cover_days | integer | 30  | 1..365  | days of demand a reorder should cover
-- param:    show       | text    | low | low, all | low: only REORDER NOW and Low Stock rows; all: every row
-- param:    limit      | integer | 50  | 1..10000000 | the number of rows to show, most urgent first
-- column:   sku                    | text       | the product's stock-keeping unit
-- column:   product_name           | text       | its name
-- column:   warehouse              | text       | the warehouse
-- column:   stock                  | units      | units in that warehouse at as_of
-- column:   reorder_level          | units      | the level at or below which to reorder (none set: 0)
-- column:   shipped_in_window      | units      | units shipped out of that warehouse for orders in the window
-- column:   daily_velocity         | units/day  | shipped_in_window / days, two decimals
-- column:   days_of_stock          | days       | stock / daily velocity, one decimal; null when nothing shipped
-- column:   suggested_reorder_qty  | units      | units to order so stock covers cover_days of demand above the reorder level: ceil(shipped_in_window x cover_days / days) + reorder_level - stock, at least 0
-- column:   status                 | text       | REORDER NOW (stock <= reorder level), Low Stock (<= twice the level) or OK
--
-- Velocity is the warehouse's own outflow: the units of its stock_movements with reason 'ship'
-- in the window (moved_at after as_of minus N days, up to as_of). Returns, restocks and
-- adjustments are not demand. The brief divided one warehouse's stock by the product's sales in
-- all warehouses, so every warehouse looked as if it sold the whole shop's volume.
-- Stock at as_of is inventory.quantity less the movements recorded after as_of (for as_of now,
-- simply the current quantity). Inactive products are left out.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -v cover_days=30 -v show=low -v limit=50 -f low_stock.sql
--
-- Reads rollups.stock_levels (R__39_rollup_stock.sql): one row per warehouse row with its
-- product's sku, name and active flag, its stock and reorder level now, and the running total of
-- units shipped through each shop day it shipped on. The rows at or under their reorder level, and
-- those between it and twice it, are two partial indexes of it: the first page usually
-- needs only the first. Stock as of is the row's quantity less the movements after
-- as_of (none for "now"). Shipments in the window are counted by whole shop days from the running
-- totals (the total at as_of's day less the total at the day before the first whole day), plus the
-- days not folded in yet, corrected at the two ends from the ledger by time: the first day's
-- shipments are taken out up to window_start, or, when window_start is past midday, the first day
-- is left out and its shipments after window_start put in (the smaller half-day either way);
-- as_of's day's shipments after as_of are taken out (none for "now").
-- The figures are computed in integers where exact (units are never negative), rounding as
-- round() does, then scaled: the same values as the reference, at a fraction of the cost.
-- The full-scan version is reference/low_stock.sql.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
\if :{?cover_days} \else \set cover_days 30 \endif
\if :{?show} \else \set show low \endif
\if :{?limit} \else \set limit 50 \endif

with

moments as (
    select
        :as_of::timestamptz                                           as as_of,
        :as_of::timestamptz - make_interval(days => :days::int)       as window_start,
        :days::int                                                    as days,
        :cover_days::int                                              as cover_days,
        :'show'::text                                                 as show,
        :limit::int                                                   as row_limit
),

-- the session's time zone is the shop's: these are shop days and midnights
params as (
    select
        moments.*,
        date_trunc('day', window_start)                               as first_day_start,
        date_trunc('day', window_start) + interval '1 day'            as first_day_end,
        date_trunc('day', as_of) + interval '1 day'                   as last_day_end,
        as_of::date                                                   as last_day,
        -- the first day is counted whole when window_start is before its midday
        window_start < date_trunc('day', window_start) + interval '12 hours'
                                                                      as first_day_whole,
        -- the days counted whole are those after this one, up to last_day
        window_start::date
          - case when window_start < date_trunc('day', window_start) + interval '12 hours'
                 then 1 else 0 end                                    as whole_days_after
    from moments
),

-- Per row, what the rollup row does not say, all from one join: the units moved after as_of
-- (taken back out of the stock now to give the stock then: none for "now"), and the shipments
-- the running totals miss: the whole days' shipments not folded in yet (a second's worth) and, at
-- the window's two ends, what the whole days miss or overcount (a shipment's quantity is negative).
besides_rollup as (
    select besides.product_id, besides.warehouse,
           sum(besides.moved_after_as_of) as moved_after_as_of,
           sum(besides.shipped)::bigint   as shipped
    from (
        -- after as_of; those shipped on as_of's own day are counted there whole
        select stock_movements.product_id, stock_movements.warehouse, stock_movements.quantity as moved_after_as_of,
               case when stock_movements.reason = 'ship' and stock_movements.moved_at < params.last_day_end
                    then stock_movements.quantity else 0 end as shipped
        from stock_movements, params
        where stock_movements.moved_at > params.as_of
        union all
        select rollups.stock_days_pending.product_id, rollups.stock_days_pending.warehouse, 0,
               rollups.stock_days_pending.shipped
        from rollups.stock_days_pending, params
        where rollups.stock_days_pending.day > params.whole_days_after
          and rollups.stock_days_pending.day <= params.last_day
        union all
        -- the first day counted whole: its shipments up to window_start are not in the window
        select stock_movements.product_id, stock_movements.warehouse, 0, stock_movements.quantity
        from stock_movements, params
        where params.first_day_whole
          and stock_movements.moved_at >= params.first_day_start and stock_movements.moved_at <= params.window_start
          and stock_movements.reason = 'ship'
        union all
        -- the first day left out: its shipments after window_start are in the window
        select stock_movements.product_id, stock_movements.warehouse, 0, -stock_movements.quantity
        from stock_movements, params
        where not params.first_day_whole
          and stock_movements.moved_at > params.window_start and stock_movements.moved_at < params.first_day_end
          and stock_movements.reason = 'ship'
    ) as besides
    group by besides.product_id, besides.warehouse
),

-- The rows that can show, with their stock at as_of and their shipments in the window: the days
-- counted whole from the row's running totals (as of the last fold) plus what besides_rollup adds.
-- For show=all, every active row. Otherwise, in two steps, so that the usual page (the most
-- urgent rows, all REORDER NOW when there are enough of them) computes a third of the rows:
-- first the rows at or under their reorder level now (a partial index) and every row whose stock
-- moved after as_of (its status then may be anything); then, only when those hold fewer REORDER
-- NOW rows than the page, the rest of the rows under twice their reorder level now, which are Low
-- Stock at as_of (their stock did not move since). Each branch joins besides_rollup itself: its
-- few rows are hashed, where one join over all the branches sorted every row to merge them.
first_rows as (
    select rollup.sku, rollup.product_name, rollup.warehouse,
           rollup.quantity - coalesce(besides_rollup.moved_after_as_of, 0) as stock,
           rollup.reorder_level,
           stock_shipped_between(rollup.days, rollup.shipped_through, params.whole_days_after, params.last_day)
               + coalesce(besides_rollup.shipped, 0) as shipped_in_window
    from rollups.stock_levels as rollup
    cross join params
    left join besides_rollup
           on besides_rollup.product_id = rollup.product_id and besides_rollup.warehouse = rollup.warehouse
    where params.show = 'all'
      and rollup.is_active
    union all
    select rollup.sku, rollup.product_name, rollup.warehouse,
           rollup.quantity - coalesce(besides_rollup.moved_after_as_of, 0),
           rollup.reorder_level,
           stock_shipped_between(rollup.days, rollup.shipped_through, params.whole_days_after, params.last_day)
               + coalesce(besides_rollup.shipped, 0)
    from rollups.stock_levels as rollup
    cross join params
    left join besides_rollup
           on besides_rollup.product_id = rollup.product_id and besides_rollup.warehouse = rollup.warehouse
    where params.show <> 'all'
      and rollup.quantity <= rollup.reorder_level and rollup.is_active
    union all
    select rollup.sku, rollup.product_name, rollup.warehouse,
           rollup.quantity - besides_rollup.moved_after_as_of,
           rollup.reorder_level,
           stock_shipped_between(rollup.days, rollup.shipped_through, params.whole_days_after, params.last_day)
               + besides_rollup.shipped
    from besides_rollup
    join rollups.stock_levels as rollup using (product_id, warehouse)
    cross join params
    where params.show <> 'all'
      and besides_rollup.moved_after_as_of <> 0
      and not rollup.quantity <= rollup.reorder_level and rollup.is_active
),

more_rows as (
    select rollup.sku, rollup.product_name, rollup.warehouse,
           rollup.quantity as stock,
           rollup.reorder_level,
           stock_shipped_between(rollup.days, rollup.shipped_through, params.whole_days_after, params.last_day)
               + coalesce(besides_rollup.shipped, 0) as shipped_in_window
    from rollups.stock_levels as rollup
    cross join params
    left join besides_rollup
           on besides_rollup.product_id = rollup.product_id and besides_rollup.warehouse = rollup.warehouse
    where params.show <> 'all'
      and rollup.quantity > rollup.reorder_level and rollup.quantity <= 2 * rollup.reorder_level and rollup.is_active
      and coalesce(besides_rollup.moved_after_as_of, 0) = 0
      and (select count(*) from first_rows where first_rows.stock <= first_rows.reorder_level) < params.row_limit
),

stock_levels as (
    select shown.*, params.days, params.cover_days
    from (
        select * from first_rows
        union all
        select * from more_rows
    ) as shown, params
    where params.show = 'all'
       or shown.stock <= 2 * shown.reorder_level
),

-- The reference's round(1.0 * a / b, n) and ceil(), in integers: for b > 0, a / b rounded half
-- away from zero to n decimals is (2 * |a| * 10^n + b) / (2 * b) (integer division) with a's sign,
-- then times 10^-n (a numeric with exactly n decimals, as round() gives).
figures as (
    select
        stock_levels.*,
        (200 * shipped_in_window + days) / (2 * days)                     as velocity_hundredths,
        case
            when shipped_in_window = 0 then null
            when stock >= 0 then (20 * stock * days + shipped_in_window) / (2 * shipped_in_window)
            else -((-20 * stock * days + shipped_in_window) / (2 * shipped_in_window))
        end                                                               as days_of_stock_tenths,
        case
            when stock <= reorder_level     then 0
            when stock <= reorder_level * 2 then 1
            else 2
        end                                                               as urgency
    from stock_levels
),

final as (
    select
        sku,
        product_name,
        warehouse,
        stock,
        reorder_level,
        shipped_in_window,
        velocity_hundredths * 0.01                                                    as daily_velocity,
        -- from the counts, not the rounded velocity: 2 units in 30 days cover 30 days with exactly 2
        days_of_stock_tenths * 0.1                                                    as days_of_stock,
        greatest(0, ((shipped_in_window * cover_days + days - 1) / days)::int
                    + reorder_level - stock)                                          as suggested_reorder_qty,
        case urgency when 0 then 'REORDER NOW' when 1 then 'Low Stock' else 'OK' end  as status,
        urgency,
        days_of_stock_tenths
    from figures
)

-- Sorted on the integer keys placed first: a sort compares its second and later keys by reading
-- them from each row, and PostgreSQL finds a column at a fixed offset only when no column of
-- variable width or null precedes it (after sku and product_name, every comparison walked them).
-- The outer select keeps the subquery's order (a plain select over it never reorders).
select
    sorted.sku,
    sorted.product_name,
    sorted.warehouse,
    sorted.stock,
    sorted.reorder_level,
    sorted.shipped_in_window,
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
        final.daily_velocity,
        final.days_of_stock,
        final.suggested_reorder_qty,
        final.status
    from final, params
    where params.show = 'all' or final.urgency < 2
    order by 1, 2, final.sku, final.warehouse
    limit (select row_limit from params)
) as sorted;
