-- Stock movements: the ledger behind one row of low_stock (a product in a warehouse), a page at a time.
--
-- question: What moved this product's stock in this warehouse during low_stock's velocity window, and what was left after each movement?
-- grain:    one row per stock movement in the window (as_of - days, as_of], newest first (moved_at, then movement_id); at most limit + 1 rows from the cursor on
-- audience: aggregate
-- param:    sku               | text    |    | any           | the product's stock-keeping unit (low_stock's sku); required
-- param:    warehouse         | text    |    | any           | the warehouse (low_stock's warehouse); required
-- param:    days              | integer | 30 | 1..365        | the velocity window, as low_stock: the movements of the N days before as_of
-- param:    limit             | integer | 50 | 1..1000       | rows per page (one more is read, to tell whether another page follows)
-- param:    after_moved_at    | text    |    | any           | keyset: start after (before, in time) the movement made at this moment (the API's cursor sets it; empty: the first page)
-- param:    after_movement_id | integer | 0  | 0..9223372036854775807 | keyset: ... and with this movement_id (ties of moved_at)
-- column:   movement_id       | id      | the movement
-- column:   moved_at          | timestamp | when the stock moved
-- column:   reason            | text    | ship (out to an order), return, restock or adjust
-- column:   quantity          | units   | units in (+) or out (-) of the warehouse
-- column:   order_id          | id      | the order that shipped or returned them (null: a restock or an adjustment)
-- column:   stock_after       | units   | units in the warehouse right after it
--
-- The stock at a moment is low_stock's: the row's quantity now less the movements after that
-- moment, so the first row's stock_after is low_stock's stock and the units of the list's ship rows
-- add up to its shipped_in_window (stock_movements_total.sql sums them). Keyset paging on the
-- index on (warehouse, product_id, moved_at): a page reads its rows and the movements after them
-- up to as_of (the window's at most), never the whole ledger.
-- psql: psql -v as_of="'2026-06-30 12:00'" -v sku="'SKU-000201'" -v warehouse="'London'" -f stock_movements.sql

\if :{?as_of} \else \set as_of 'now()' \endif
\if :{?sku} \else \set sku '' \endif
\if :{?warehouse} \else \set warehouse '' \endif
\if :{?days} \else \set days 30 \endif
\if :{?limit} \else \set limit 50 \endif
\if :{?after_moved_at} \else \set after_moved_at '' \endif
\if :{?after_movement_id} \else \set after_movement_id 0 \endif

with

params as (
    select
        :as_of::timestamptz                                                    as as_of,
        :as_of::timestamptz - make_interval(days => :days::int)                as window_start,
        coalesce(nullif(:'after_moved_at', '')::timestamptz, 'infinity')       as after_moved_at,
        :after_movement_id::bigint                                             as after_movement_id
),

stock_row as (
    select inventory.product_id, inventory.warehouse, inventory.quantity
    from inventory
    join products using (product_id)
    where products.sku = :'sku' and inventory.warehouse = :'warehouse'
),

page as (
    select m.movement_id, m.moved_at, m.reason, m.quantity, m.order_id
    from stock_movements m, stock_row
    -- the bounds as scalar subqueries, so that they bound the index scan (period_orders.sql says why)
    where m.warehouse = stock_row.warehouse
      and m.product_id = stock_row.product_id
      and m.moved_at > (select window_start from params)
      and m.moved_at <= (select least(as_of, after_moved_at) from params)
      and (m.moved_at, m.movement_id) < ((select after_moved_at from params), (select after_movement_id from params))
    order by m.moved_at desc, m.movement_id desc
    limit :limit::int + 1
),

-- what moved after each movement from the page's oldest on, up to as_of and beyond it (the
-- quantity is today's): a running sum, newest first, of the movements before it in that order (a
-- window partitioned by the product, which Citus runs on its shard; a correlated subquery per row
-- it refuses)
moved_after as (
    select
        m.movement_id,
        coalesce(sum(m.quantity) over (partition by m.product_id order by m.moved_at desc, m.movement_id desc
                                       rows between unbounded preceding and 1 preceding), 0) as quantity
    from stock_movements m, stock_row
    where m.warehouse = stock_row.warehouse
      and m.product_id = stock_row.product_id
      and m.moved_at >= (select min(page.moved_at) from page)
),

final as (
    select
        page.movement_id,
        page.moved_at,
        page.reason,
        page.quantity,
        page.order_id,
        (stock_row.quantity - moved_after.quantity)::int as stock_after
    from page
    cross join stock_row
    join moved_after using (movement_id)
)

select * from final
order by moved_at desc, movement_id desc;
