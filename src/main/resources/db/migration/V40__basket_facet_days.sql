-- ============================================================
-- BASKET FACET DAYS (market_basket with order filters)
-- ============================================================
-- The market basket's counts keyed by the order's dimensions (channel, device, country, region,
-- customer kind, coupon: docs/filters.md), so that a filtered market_basket sums kept counts for
-- its candidate pairs instead of pairing every named order's lines.
--
-- A facet key: one combination of the six dimensions, numbered (the day rows hold its number).
create table rollups.basket_facet_keys (
    key_id    int generated always as identity primary key,
    channel   text not null,
    device    text not null,
    country   text not null,
    region    text not null,
    customer  text not null,
    coupon    text not null,
    unique (channel, device, country, region, customer, coupon)
);

-- Grain: one row per order with lines: its shop day, whether it is counted now (not cancelled or
-- refunded), its facet key and its distinct products (sorted). What the day rows below hold of it,
-- so that a change to the order takes out exactly what it put in.
create table rollups.basket_facet_orders_folded (
    order_id    int primary key,
    day         date not null,
    created_at  timestamptz not null,
    counted     boolean not null,
    key_id      int not null,
    products    int[] not null
);
create index idx_basket_facet_orders_day on rollups.basket_facet_orders_folded (day);

-- Grain: one row per (shop day, facet key): the counted orders with lines placed that day.
create table rollups.basket_facet_days_folded (
    day     date not null,
    key_id  int not null,
    orders  int not null,
    primary key (day, key_id)
);

-- Grain: one row per (product, shop day, facet key): the counted orders placed that day with it.
create table rollups.product_facet_days_folded (
    product_id  int not null,
    day         date not null,
    key_id      int not null,
    orders      int not null,
    primary key (product_id, day, key_id)
);

-- Grain: one row per (product pair, shop day, facet key), product_1_id < product_2_id: the counted
-- orders placed that day with both.
create table rollups.pair_facet_days_folded (
    product_1_id  int not null,
    product_2_id  int not null,
    day           date not null,
    key_id        int not null,
    orders        int not null,
    primary key (product_1_id, product_2_id, day, key_id)
);
