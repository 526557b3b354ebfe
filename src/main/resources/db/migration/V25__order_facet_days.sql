-- The order_facets rollup family (R__44_order_facets.sql): the sales model per shop day, keyed by
-- the dimensions the report filters name (docs/filters.md), so that a filtered revenue summary or
-- daily chart sums a few hundred rows a day instead of valuing every order of its window.
--
-- Grain: one row per (cut, shop day, combination of dimension values with orders placed or
-- returned that day). A cut is a set of dimensions kept together; the others read '*':
--   cut 1  country, channel, device, customer, coupon      (region '*')
--   cut 2  country, region, customer, coupon               (channel, device '*')
--   cut 3  country, region, channel, device                (customer, coupon '*')
-- so every single filter and every pair of filters is answered by one cut (region, the one
-- dimension with many values, is kept only with two others at a time).
create table rollups.order_facet_days (
    cut               smallint not null check (cut between 1 and 3),
    day               date not null,
    country           text not null,
    region            text not null,
    channel           text not null,
    device            text not null,
    customer          text not null,
    coupon            text not null,
    -- placed that day (order_sales): orders, gross sales, discounts, shipping, taxes
    orders            bigint not null,
    gross_sales       numeric not null,
    discounts         numeric not null,
    shipping          numeric not null,
    taxes             numeric not null,
    -- returned that day (order_returns): net sales, shipping and taxes taken back
    returns           numeric not null,
    returned_shipping numeric not null,
    returned_taxes    numeric not null,
    primary key (cut, day, country, region, channel, device, customer, coupon)
);

-- a region's rows without reading the other regions' (cuts 2 and 3)
create index idx_order_facet_days_region on rollups.order_facet_days (cut, region, day);

-- The same per shop hour, for the part of a window's last day before its end (the whole hours;
-- the raw rows of its last hour): revenue_summary's windows end at four moments of four days.
create table rollups.order_facet_hours (
    cut               smallint not null check (cut between 1 and 3),
    hour              timestamptz not null,
    country           text not null,
    region            text not null,
    channel           text not null,
    device            text not null,
    customer          text not null,
    coupon            text not null,
    orders            bigint not null,
    gross_sales       numeric not null,
    discounts         numeric not null,
    shipping          numeric not null,
    taxes             numeric not null,
    returns           numeric not null,
    returned_shipping numeric not null,
    returned_taxes    numeric not null,
    primary key (cut, hour, country, region, channel, device, customer, coupon)
);

create index idx_order_facet_hours_region on rollups.order_facet_hours (cut, region, hour);

-- Days whose rows no longer match the raw tables: writers append one row per day their statement
-- touched (never updating a row, so they never wait on one another); the fold moves them to
-- order_facet_dirty_days (one row per day) and computes the days before today again. Reports read
-- a dirty day from the raw rows.
create table rollups.order_facet_marks (
    day  date not null
);

create table rollups.order_facet_dirty_days (
    day  date primary key
);
