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

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
\if :{?cover_days} \else \set cover_days 30 \endif
\if :{?show} \else \set show low \endif
\if :{?limit} \else \set limit 50 \endif

with

params as (
    select
        :as_of::timestamptz                                          as as_of,
        :as_of::timestamptz - make_interval(days => :days::int)      as window_start,
        :days::int                                                   as days,
        :cover_days::int                                             as cover_days,
        :'show'::text                                                as show
),

movements as (
    select
        stock_movements.product_id,
        stock_movements.warehouse,
        -sum(stock_movements.quantity) filter (where stock_movements.reason = 'ship'
                                                 and stock_movements.moved_at > params.window_start
                                                 and stock_movements.moved_at <= params.as_of) as shipped_in_window,
        sum(stock_movements.quantity) filter (where stock_movements.moved_at > params.as_of)   as moved_after_as_of
    from stock_movements, params
    where stock_movements.moved_at > params.window_start
    group by stock_movements.product_id, stock_movements.warehouse
),

stock_levels as (
    select
        products.sku,
        products.name                                                     as product_name,
        inventory.warehouse,
        inventory.quantity - coalesce(movements.moved_after_as_of, 0)     as stock,
        coalesce(inventory.reorder_level, 0)                              as reorder_level,
        coalesce(movements.shipped_in_window, 0)                          as shipped_in_window,
        1.0 * coalesce(movements.shipped_in_window, 0) / params.days      as daily_velocity,
        params.days,
        params.cover_days
    from inventory
    join products using (product_id)
    cross join params
    left join movements
           on movements.product_id = inventory.product_id
          and movements.warehouse = inventory.warehouse
    where products.is_active
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
    final.warehouse
limit :limit;
