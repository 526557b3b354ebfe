-- shop_vitals' concentration of sales: the best-selling product's share of the window's sales and
-- the top 1 % of the catalogue's (sales: gross sales less discounts of the orders placed, no
-- returns). The kept window rows in that order, so the report reads its first products through
-- this index instead of summing a row per product sold (82,000 at scale 10). Only products with
-- an order in the window rank (those without have no sales).
create index product_windows_folded_sales
    on rollups.product_windows_folded (window_id, (gross_sales - discounts) desc)
    where orders > 0;

-- shop_vitals' stock-out share: how many warehouse rows of active products there are, and how
-- many of them have no stock, kept beside rollups.stock_levels rather than counted from its rows
-- at every read (21,000 at scale 1, ten times that at scale 10). Only appended to, one row of
-- signed changes per statement that changes a count (triggers on rollups.stock_levels), so
-- writers never wait for each other here; the fold sums the rows into one. The figures are the
-- sums of the rows.
create table rollups.stock_level_counts (
    active_rows  bigint not null,   -- rows with is_active
    out_rows     bigint not null    -- of them, rows with quantity <= 0
);

insert into rollups.stock_level_counts (active_rows, out_rows)
select count(*) filter (where is_active), count(*) filter (where is_active and quantity <= 0)
from rollups.stock_levels;

grant select on rollups.stock_level_counts to shopflow_reader;
