-- The category tree's functions (V9_1) are parallel safe: they only read categories.
--
-- Left at the default (parallel unsafe), a single one of them in a statement keeps the whole
-- statement on one core: category_sales, which reads them, lost its parallel scan of the 100,000
-- product rollup rows at scale 10 and went from 73 ms to 125 ms when it moved from recursive CTEs
-- to these functions (measured with psql on an idle machine, the same shop, five runs each).
alter function category_paths() parallel safe;
alter function category_descendants() parallel safe;
