-- Stock movements, in total: what the list of stock_movements.sql adds up to, for the drill's first page.
--
-- question: How many movements did this low_stock row have in the window, how many units shipped, and what stock was left at as_of?
-- grain:    one row
-- audience: aggregate
-- param:    sku                | text    |    | any    | the product's stock-keeping unit; required
-- param:    warehouse          | text    |    | any    | the warehouse; required
-- param:    days               | integer | 30 | 1..365 | the velocity window, as low_stock
-- column:   movements          | count   | movements in the window (as_of - days, as_of]
-- column:   shipped_in_window  | units   | units shipped out in it (low_stock's shipped_in_window)
-- column:   stock              | units   | units in the warehouse at as_of (low_stock's stock)
--
-- psql: psql -v as_of="'2026-06-30 12:00'" -v sku="'SKU-000201'" -v warehouse="'London'" -f stock_movements_total.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?sku} \else \set sku '' \endif
\if :{?warehouse} \else \set warehouse '' \endif
\if :{?days} \else \set days 30 \endif

with

params as (
    select
        :as_of::timestamptz                                                    as as_of,
        :as_of::timestamptz - make_interval(days => :days::int)                as window_start
),

stock_row as (
    select inventory.product_id, inventory.warehouse, inventory.quantity
    from inventory
    join products using (product_id)
    where products.sku = :'sku' and inventory.warehouse = :'warehouse'
),

-- the row's movements from the window's start on, those after as_of included (to go back from today's quantity)
moved as (
    select m.moved_at, m.reason, m.quantity
    from stock_movements m, stock_row, params
    where m.warehouse = stock_row.warehouse
      and m.product_id = stock_row.product_id
      and m.moved_at > params.window_start
),

final as (
    select
        count(*) filter (where moved.moved_at <= params.as_of)                                       as movements,
        coalesce(-sum(moved.quantity) filter (where moved.reason = 'ship' and moved.moved_at <= params.as_of), 0)
                                                                                                     as shipped_in_window,
        (select quantity from stock_row)
            - coalesce(sum(moved.quantity) filter (where moved.moved_at > params.as_of), 0)          as stock
    from params
    left join moved on true
)

select * from final;
