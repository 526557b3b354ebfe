-- Low stock: what to reorder, warehouse by warehouse.
--
-- question: Which products are running low in which warehouse, how fast is each warehouse shipping them, and how much should we reorder?
-- grain:    one row per active product and warehouse, most urgent first
-- audience: aggregate
-- param:    days       | integer | 30  | 1..365  | the velocity window: shipments in the N days before as_of
-- param:    cover_days | integer | 30  | 1..365  | days of demand a reorder should cover
-- param:    show       | text    | low | low, all | low: only REORDER NOW and Low Stock rows; all: every row
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
-- psql: psql -v as_of="'2026-06-30 12:00'" -v days=30 -v cover_days=30 -v show=low -f low_stock.sql
--
-- Reads rollup_stock_days (V8_7__stock_rollups.sql): each shown row's shipments per shop day
-- over the window's days, less those of the window's first and last day that fall outside it
-- (from the ledger, by time: before window_start, after as_of). Rows are shown from inventory
-- (stock as of, reorder level) before any shipment is summed, so only the shown rows' days are
-- read. The full-scan version is reference/low_stock.sql.

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
\if :{?cover_days} \else \set cover_days 30 \endif
\if :{?show} \else \set show low \endif

with

params as (
    select
        :as_of::timestamptz                                                         as as_of,
        :as_of::timestamptz - make_interval(days => :days::int)                     as window_start,
        -- the window's first and last shop days, whole
        date_trunc('day', :as_of::timestamptz - make_interval(days => :days::int))  as first_day_start,
        date_trunc('day', :as_of::timestamptz) + interval '1 day'                   as last_day_end,
        :days::int                                                                  as days,
        :cover_days::int                                                            as cover_days,
        :'show'::text                                                               as show
),

-- taken back out of today's stock to give the stock at as_of (nothing after "now")
moved_after_as_of as (
    select stock_movements.product_id, stock_movements.warehouse, sum(stock_movements.quantity) as quantity
    from stock_movements, params
    where stock_movements.moved_at > params.as_of
    group by stock_movements.product_id, stock_movements.warehouse
),

-- the rows that can show: every one for show=all; otherwise those at or under twice their reorder
-- level now (a partial index: a few per cent of inventory), and those not, whose stock moved after
-- as_of (none for "now")
candidates as (
    select inventory.product_id, inventory.warehouse, inventory.quantity, inventory.reorder_level
    from inventory, params
    where params.show = 'all'
    union all
    select inventory.product_id, inventory.warehouse, inventory.quantity, inventory.reorder_level
    from inventory, params
    where params.show <> 'all'
      and inventory.quantity <= 2 * coalesce(inventory.reorder_level, 0)
    union all
    select inventory.product_id, inventory.warehouse, inventory.quantity, inventory.reorder_level
    from moved_after_as_of
    join inventory using (product_id, warehouse)
    cross join params
    where params.show <> 'all'
      and not inventory.quantity <= 2 * coalesce(inventory.reorder_level, 0)
),

-- the rows to show: status depends on stock and reorder level only
shown as (
    select
        candidates.product_id,
        candidates.warehouse,
        products.sku,
        products.name                                                     as product_name,
        candidates.quantity - coalesce(moved_after_as_of.quantity, 0)     as stock,
        coalesce(candidates.reorder_level, 0)                             as reorder_level
    from candidates
    join products using (product_id)
    cross join params
    left join moved_after_as_of
           on moved_after_as_of.product_id = candidates.product_id
          and moved_after_as_of.warehouse = candidates.warehouse
    where products.is_active
      and (params.show = 'all'
           or candidates.quantity - coalesce(moved_after_as_of.quantity, 0) <= 2 * coalesce(candidates.reorder_level, 0))
),

-- the shown rows' shipments on the window's days, whole: each row's days through the folded
-- rollup's key (an index range per row, not a scan of every row's days), plus the few pending rows
shipped_on_window_days as (
    select days.product_id, days.warehouse, sum(days.shipped)::bigint as units
    from (
        select shown.product_id, shown.warehouse, folded.shipped
        from shown
        cross join params
        cross join lateral (
            select rollup_stock_days_folded.shipped
            from rollup_stock_days_folded
            where rollup_stock_days_folded.product_id = shown.product_id
              and rollup_stock_days_folded.warehouse = shown.warehouse
              and rollup_stock_days_folded.day >= params.window_start::date
              and rollup_stock_days_folded.day <= params.as_of::date
            offset 0 -- one index range per shown row, never a hash of the whole window
        ) as folded
        union all
        select shown.product_id, shown.warehouse, rollup_stock_days_pending.shipped
        from shown
        join rollup_stock_days_pending using (product_id, warehouse)
        cross join params
        where rollup_stock_days_pending.day >= params.window_start::date
          and rollup_stock_days_pending.day <= params.as_of::date
    ) as days
    group by days.product_id, days.warehouse
),

-- shipments on the window's first and last days that are not in the window
shipped_outside as (
    select outside.product_id, outside.warehouse, -sum(outside.quantity) as units
    from (
        select stock_movements.product_id, stock_movements.warehouse, stock_movements.quantity, stock_movements.reason
        from stock_movements, params
        where stock_movements.moved_at >= params.first_day_start and stock_movements.moved_at <= params.window_start
        union all
        select stock_movements.product_id, stock_movements.warehouse, stock_movements.quantity, stock_movements.reason
        from stock_movements, params
        where stock_movements.moved_at > params.as_of and stock_movements.moved_at < params.last_day_end
    ) as outside
    where outside.reason = 'ship'
    group by outside.product_id, outside.warehouse
),

stock_levels as (
    select
        shown.sku,
        shown.product_name,
        shown.warehouse,
        shown.stock,
        shown.reorder_level,
        shipped.units                                                     as shipped_in_window,
        1.0 * shipped.units / params.days                                 as daily_velocity,
        params.days,
        params.cover_days
    from shown
    cross join params
    left join shipped_on_window_days
           on shipped_on_window_days.product_id = shown.product_id
          and shipped_on_window_days.warehouse = shown.warehouse
    left join shipped_outside
           on shipped_outside.product_id = shown.product_id
          and shipped_outside.warehouse = shown.warehouse
    cross join lateral (
        select coalesce(shipped_on_window_days.units, 0) - coalesce(shipped_outside.units, 0) as units
    ) as shipped
),

final as (
    select
        sku,
        product_name,
        warehouse,
        stock,
        reorder_level,
        shipped_in_window,
        round(daily_velocity, 2)                                                      as daily_velocity,
        -- from the counts, not the rounded velocity: 2 units in 30 days cover 30 days with exactly 2
        round(1.0 * stock * days / nullif(shipped_in_window, 0), 1)                   as days_of_stock,
        greatest(0, ceil(1.0 * shipped_in_window * cover_days / days)::int
                    + reorder_level - stock)                                          as suggested_reorder_qty,
        case
            when stock <= reorder_level     then 'REORDER NOW'
            when stock <= reorder_level * 2 then 'Low Stock'
            else 'OK'
        end                                                                           as status
    from stock_levels
)

select final.*
from final, params
where params.show = 'all' or final.status <> 'OK'
order by
    case final.status when 'REORDER NOW' then 0 when 'Low Stock' then 1 else 2 end,
    final.days_of_stock nulls last,
    final.sku,
    final.warehouse;
