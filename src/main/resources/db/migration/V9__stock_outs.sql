-- low_stock's velocity over the days a warehouse row had stock (R__39_rollup_stock.sql).
--
-- Per rollups.stock_levels row, from its ledger and its quantity now (the stock at a moment is
-- the quantity less the movements after it):
--   out_until  when its last stock-out ended: its stock was above zero at every moment from then
--              on; 'infinity' when it is out of stock now, '-infinity' when it never was. A window
--              starting at or after it had no stock-out: every day of it was in stock.
--   cover_key  a lower bound of its days of stock over 30 days at any moment after its last
--              movement, while it had no stock-out in the window: quantity x 30 / the units shipped
--              in the 31 days up to its last movement; null when none were.
--   out_stale  set by every write that can change them (a quantity changed, a movement corrected);
--              the fold computes them again. Rows with pending shipments are read as stale too.
-- A row of an existing database starts stale: the first fold computes its figures.
alter table rollups.stock_levels
    add column out_until timestamptz not null default '-infinity',
    add column cover_key numeric,
    add column out_stale boolean not null default true;

-- low_stock's candidates as of now, with the rows at or under their reorder level (V2): the rows
-- whose cover can be under the low threshold, those with a stock-out that may reach into the
-- window, and the stale ones.
create index idx_rollup_stock_levels_cover on rollups.stock_levels (cover_key) where is_active;
create index idx_rollup_stock_levels_out_until on rollups.stock_levels (out_until)
    where out_until > '-infinity' and is_active;
create index idx_rollup_stock_levels_out_stale on rollups.stock_levels (product_id, warehouse) where out_stale;
-- The rows between the reorder level and twice it were the old Low Stock band: no longer read.
drop index rollups.idx_rollup_stock_levels_low_stock;
-- A warehouse row's movements by time with their units and reason, from the index alone: the fold
-- reads a stale row's whole ledger, low_stock the window's movements of rows with a stock-out.
drop index idx_stock_movements_warehouse_product_time;
create index idx_stock_movements_warehouse_product_time on stock_movements (warehouse, product_id, moved_at)
    include (quantity, reason);
