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

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?days} \else \set days 30 \endif
\if :{?lead_time_days} \else \set lead_time_days 7 \endif
\if :{?safety_days} \else \set safety_days 7 \endif
\if :{?cover_days} \else \set cover_days 30 \endif
\if :{?show} \else \set show low \endif
\if :{?limit} \else \set limit 50 \endif
\if :{?category} \else \set category '' \endif

with

params as (
    select
        :as_of::timestamptz                                          as as_of,
        :as_of::timestamptz - make_interval(days => :days::int)      as window_start,
        :days::int                                                   as days,
        :lead_time_days::int                                         as lead_time_days,
        :safety_days::int                                            as safety_days,
        :cover_days::int                                             as cover_days,
        :'show'::text                                                as show
    -- an unknown category is refused (category_filter() raises)
    where :'category' = '' or exists (select 1 from category_filter(:'category'))
),

movements as (
    select
        stock_movements.product_id,
        stock_movements.warehouse,
        -sum(stock_movements.quantity) filter (where stock_movements.reason = 'ship'
                                                 and stock_movements.moved_at <= params.as_of) as shipped_in_window,
        sum(stock_movements.quantity) filter (where stock_movements.moved_at > params.as_of)   as moved_after_as_of
    from stock_movements, params
    where stock_movements.moved_at > params.window_start
    group by stock_movements.product_id, stock_movements.warehouse
),

stock_levels as (
    select
        inventory.product_id,
        inventory.warehouse,
        products.sku,
        products.name                                                     as product_name,
        inventory.quantity - coalesce(movements.moved_after_as_of, 0)     as stock,
        coalesce(inventory.reorder_level, 0)                              as reorder_level,
        coalesce(movements.shipped_in_window, 0)                          as shipped_in_window
    from inventory
    join products using (product_id)
    left join movements using (product_id, warehouse)
    where products.is_active
      and (:'category' = '' or products.category_id in (select category_filter(:'category')))
),

-- The window cut at each moment a row's stock moved: from the window's start, then from each
-- moment, until the next one (or just after as_of: the window is (window_start, as_of]), with the
-- stock from that moment on.
moments as (
    select stock_movements.product_id, stock_movements.warehouse, stock_movements.moved_at,
           sum(stock_movements.quantity) as moved
    from stock_movements, params
    where stock_movements.moved_at > params.window_start and stock_movements.moved_at <= params.as_of
    group by 1, 2, 3
),

stretches as (
    select stock_levels.product_id, stock_levels.warehouse,
           params.window_start                                             as starts,
           coalesce(min(moments.moved_at), params.as_of + interval '1 microsecond')                   as ends,
           stock_levels.stock - coalesce(sum(moments.moved), 0)            as stock
    from stock_levels
    cross join params
    left join moments using (product_id, warehouse)
    group by stock_levels.product_id, stock_levels.warehouse, stock_levels.stock, params.window_start, params.as_of
    union all
    select moments.product_id, moments.warehouse,
           moments.moved_at,
           coalesce(lead(moments.moved_at) over later, params.as_of + interval '1 microsecond'),
           stock_levels.stock - coalesce(sum(moments.moved) over after_it, 0)
    from moments
    join stock_levels using (product_id, warehouse)
    cross join params
    window later as (partition by moments.product_id, moments.warehouse order by moments.moved_at),
           after_it as (partition by moments.product_id, moments.warehouse order by moments.moved_at
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


in_stock as (
    select stock_levels.*,
           params.days - coalesce(out_of_stock.days_out, 0)::int    as days_in_stock,
           params.lead_time_days, params.safety_days, params.cover_days
    from stock_levels
    cross join params
    left join out_of_stock using (product_id, warehouse)
),

velocity as (
    select in_stock.*, shipped_in_window > 0 and days_in_stock > 0 as has_velocity
    from in_stock
),

-- in integers: a / b rounded half away from zero to n decimals, for b > 0, is
-- (2 |a| 10^n + b) / (2 b) (integer division) with a's sign, times 10^-n
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
        case when has_velocity
             then case when stock < 0 then -1 else 1 end
                  * ((20 * abs(stock)::bigint * days_in_stock + shipped_in_window) / (2 * shipped_in_window)) * 0.1
        end                                                                             as days_of_stock,
        case when has_velocity
             then greatest(0, (shipped_in_window * (lead_time_days + safety_days + cover_days) + days_in_stock - 1)
                              / days_in_stock - stock)
        end                                                                             as suggested_reorder_qty,
        case
            when not has_velocity then case when stock <= reorder_level then 'REORDER NOW' else 'OK' end
            -- cover = stock x days_in_stock / shipped, compared without dividing
            when stock::bigint * days_in_stock < lead_time_days * shipped_in_window then 'REORDER NOW'
            when stock::bigint * days_in_stock < (lead_time_days + safety_days) * shipped_in_window then 'Low Stock'
            else 'OK'
        end                                                                             as status
    from velocity
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
