-- The product reports take a window (top_products, category_sales, market_basket): their rollups
-- become per shop day, and the all-history ones, which nothing reads any more, go.
--
-- Grain: one row per (shop day, key). A window's figures are the sum of its days' rows (the
-- folded rows plus the pending changes), corrected at as_of's own day from the raw rows after
-- as_of (none for "now"). R__32_rollup_product_sales.sql and R__37_rollup_category_orders.sql keep
-- them; docs/rollups.md tells the design.

drop view if exists rollups.product_sales, rollups.product_pairs, rollups.basket_totals, rollups.category_orders;
drop table rollups.product_sales_folded, rollups.product_sales_pending,
           rollups.product_pairs_folded, rollups.product_pairs_pending,
           rollups.basket_totals_folded, rollups.basket_totals_pending,
           rollups.category_orders_folded, rollups.category_orders_pending;
-- the row types of their maintenance functions (and those functions, redefined by the repeatable files)
drop type basket_line cascade;
drop type order_category cascade;

-- ============================================================
-- PRODUCT DAYS (top_products, category_sales, market_basket)
-- ============================================================
-- Grain: one row per (shop day, product). Placed figures on the day the order was placed (whatever
-- its status), returns on the day of the cancellation or refund (order_returns.returned_at), the
-- sales model's measures (R__22_sales_model.sql). A row may fall to zeros.
create table rollups.product_days_folded (
    day             date not null,
    product_id      int not null,
    units           bigint not null,          -- units of its lines in orders placed that day
    orders          bigint not null,          -- orders placed that day with a line of it
    gross_sales     numeric(16, 2) not null,  -- unit_price x quantity of those lines
    discounts       numeric(16, 2) not null,  -- their line discounts + their share of the order's coupon
    returned_units  bigint not null,          -- units of its lines in orders returned that day
    returns         numeric(16, 2) not null,  -- net sales of those lines
    basket_orders   bigint not null,          -- orders placed that day with a line of it, not cancelled or refunded now
    primary key (day, product_id)
);
-- market_basket looks up the products of its pairs
create index idx_rollup_product_days_product on rollups.product_days_folded (product_id, day) include (basket_orders);
create table rollups.product_days_pending (like rollups.product_days_folded);

-- ============================================================
-- PAIR DAYS AND MONTHS (market_basket)
-- ============================================================
-- Grain: one row per (pair of products, shop day the order was placed), product_1_id < product_2_id:
-- orders placed that day with both, not cancelled or refunded now.
create table rollups.pair_days_folded (
    product_1_id  int not null,
    product_2_id  int not null,
    day           date not null,
    orders        bigint not null,
    primary key (product_1_id, product_2_id, day)
);
create table rollups.pair_days_pending (like rollups.pair_days_folded);
-- The same per shop month (folded only, by the fold from the pending days): a pair with N orders
-- in a window has at least N / k in one of the k months the window touches, so market_basket finds
-- its candidate pairs through this index instead of reading every pair of the window.
create table rollups.pair_months_folded (
    month         date not null,
    product_1_id  int not null,
    product_2_id  int not null,
    orders        bigint not null,
    primary key (month, product_1_id, product_2_id)
);
create index idx_rollup_pair_months_orders on rollups.pair_months_folded (month, orders desc) include (product_1_id, product_2_id);

-- ============================================================
-- BASKET DAYS (market_basket)
-- ============================================================
-- Grain: one row per shop day: orders placed that day with lines, not cancelled or refunded now.
create table rollups.basket_days_folded (
    day     date primary key,
    orders  bigint not null
);
create table rollups.basket_days_pending (like rollups.basket_days_folded);

-- ============================================================
-- CATEGORY DAYS (category_sales)
-- ============================================================
-- Grain: one row per (shop day, category, whole subtree): orders placed that day with a line of a
-- product in its subtree (each order once per category).
create table rollups.category_days_folded (
    day          date not null,
    category_id  int not null,
    orders       bigint not null,
    primary key (day, category_id)
);
create table rollups.category_days_pending (like rollups.category_days_folded);

grant select on all tables in schema rollups to shopflow_reader;
