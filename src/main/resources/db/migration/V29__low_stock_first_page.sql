-- low_stock's first page from the rows out of stock now (low_stock.sql). As of a moment after
-- every movement with the default window, the page is led by the rows at zero stock with a
-- velocity (0.0 days of stock, REORDER NOW), sorted by sku and warehouse: a shop of any size has
-- more of them than a page. The report reads them in that order and stops at the page's end, with
-- the few rows that can rank among them, instead of every row that can be low.

-- the rows at zero stock, in the report's order
create index idx_rollup_stock_levels_out_now on rollups.stock_levels (sku, warehouse)
    where quantity = 0 and is_active;

-- among them, those that last shipped on a given shop day (on the window's first day, whether they
-- shipped in the window depends on its time of day)
create index idx_rollup_stock_levels_out_last_shipped on rollups.stock_levels ((days[cardinality(days)]))
    where quantity = 0 and is_active;

-- the rows in stock whose cover can round to 0.0 days: a cover_key under 2
create index idx_rollup_stock_levels_tiny_cover on rollups.stock_levels (product_id, warehouse)
    where quantity > 0 and cover_key < 2 and is_active;
