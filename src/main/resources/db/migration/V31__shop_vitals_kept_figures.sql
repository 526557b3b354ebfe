-- shop_vitals' concentration of sales: the best-selling product's share of the window's sales and
-- the top 1 % of the catalogue's (sales: gross sales less discounts of the orders placed, no
-- returns). The kept window rows in that order, so the report reads its first products through
-- this index instead of summing a row per product sold (82,000 at scale 10). Only products with
-- an order in the window rank (those without have no sales).
create index product_windows_folded_sales
    on rollups.product_windows_folded (window_id, (gross_sales - discounts) desc)
    where orders > 0;
