-- ============================================================
-- CATEGORY BASKET DAYS (market_basket with a category)
-- ============================================================
-- Grain: one row per (shop day, category, whole subtree): the orders placed that day, not
-- cancelled or refunded now, with a line of a product in its subtree (each order once per
-- category). market_basket with a category counts these as the orders of its window; its pairs
-- and their products' orders are the product_sales family's, restricted to the subtree.
create table rollups.category_basket_days_folded (
    day          date not null,
    category_id  int not null,
    orders       bigint not null,
    primary key (category_id, day)
);
create table rollups.category_basket_days_pending (like rollups.category_basket_days_folded);
