-- The product reports' default windows kept whole: per product, the sales model's figures summed
-- over the folded days of each window below, so top_products, category_sales, its
-- category_products drill and shop_vitals read one row per product instead of the window's span
-- and day rows (a 30-day window at scale 10: 82,647 products, 209,394 span and day rows).
-- Kept by the fold and rolled to the next day when the shop day turns (R__41_rollup_product_windows.sql);
-- a window not rolled yet, or any other window, is read from the spans and days as before.

-- The kept windows: window_days shop days ending days_before days before the current shop day,
-- as of the last roll (first_day .. last_day; null until the first fold builds them).
create table rollups.product_windows (
    window_id       smallint primary key,
    window_days     int not null check (window_days > 0),
    days_before     int not null check (days_before >= 0),
    first_day       date,
    last_day        date,
    unique (window_days, days_before)
);

-- the dashboard's top_products and category_sales (30 days, also picked as 7 and 90) and
-- shop_vitals (the 30 whole days before as_of's day)
insert into rollups.product_windows (window_id, window_days, days_before) values
    (1, 7, 0),
    (2, 30, 0),
    (3, 90, 0),
    (4, 30, 1);

-- When it holds a day, the windows end on it rather than on the current shop day: for a shop whose
-- history is made up and in the past (the tests').
create table rollups.product_windows_pinned_day (
    day             date primary key
);

-- Per window and product: the sum of its folded days in the window (pending days are read beside
-- them, as for the day rollups). net_sales and sales are derived, for the rankings' indexes.
create table rollups.product_windows_folded (
    window_id       smallint not null references rollups.product_windows,
    product_id      int not null,
    units           bigint not null,
    orders          bigint not null,
    gross_sales     numeric(16, 2) not null,
    discounts       numeric(16, 2) not null,
    returned_units  bigint not null,
    returns         numeric(16, 2) not null,
    net_sales       numeric(16, 2) generated always as (gross_sales - discounts - returns) stored,
    primary key (window_id, product_id)
);

-- top_products' order (highest net sales first, then product_id)
create index product_windows_folded_net_sales
    on rollups.product_windows_folded (window_id, net_sales desc, product_id);

grant select on rollups.product_windows, rollups.product_windows_pinned_day, rollups.product_windows_folded
    to shopflow_reader;
