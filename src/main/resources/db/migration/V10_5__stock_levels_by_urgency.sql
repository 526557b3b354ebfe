-- low_stock's first page from a third of its rows (issue 7).
--
-- The dashboard shows the most urgent rows of low_stock: REORDER NOW first (stock at or under the
-- reorder level), fewest days of stock first. Since the report takes a limit, it computes the
-- REORDER NOW rows first and the Low Stock rows (up to twice the reorder level) only when the
-- first are fewer than the page: at scale 1, 825 rows rather than 2,630. V9_3's one partial index
-- over both made the first step read every row of the second from the heap to filter it out, so
-- it is split in two along the same line.
--
-- Objects: drops the index idx_rollup_stock_levels_low (V9_3); creates the partial indexes
-- idx_rollup_stock_levels_reorder_now and idx_rollup_stock_levels_low_stock.

drop index idx_rollup_stock_levels_low;

-- the report's predicates, word for word
create index idx_rollup_stock_levels_reorder_now on rollup_stock_levels (product_id, warehouse)
    where quantity <= reorder_level and is_active;

create index idx_rollup_stock_levels_low_stock on rollup_stock_levels (product_id, warehouse)
    where quantity > reorder_level and quantity <= 2 * reorder_level and is_active;
