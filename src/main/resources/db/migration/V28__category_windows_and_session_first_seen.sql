-- The kept product windows summed per category, so category_sales reads a few hundred category
-- rows for a default window instead of one row per product with sales in it (82,640 for 30 days at
-- scale 10). Kept beside rollups.product_windows_folded, in the same transactions, by triggers on
-- it and on products (R__42_rollup_category_windows.sql).

-- Per window and category: the kept rows of the products whose category it is NOW (its own
-- products, not its subtree's: the tree is applied when read), with their cost price now.
-- Products without a category have no row.
create table rollups.category_windows_folded (
    window_id         smallint not null references rollups.product_windows,
    category_id       int not null,
    units             bigint not null,
    returned_units    bigint not null,
    gross_sales       numeric(20, 2) not null,
    discounts         numeric(20, 2) not null,
    returns           numeric(20, 2) not null,
    -- the net sales of its products that have a cost price, and their (units - returned_units) x cost_price
    costed_net_sales  numeric(20, 2) not null,
    cost              numeric(24, 2) not null,
    primary key (window_id, category_id)
);

grant select on rollups.category_windows_folded to shopflow_reader;

-- The tiles' conversion rate in the last hour of a window (kpi_window(), R__28_kpi_windows.sql):
-- the sessions first seen in that hour, found by this index, rather than the sessions of the
-- hour's page views, cart events and orders looked up one by one (about 3,000 page views and 1,200
-- lookups at scale 1: 100 ms at load 20, most of kpi_tiles' time). Keyed by the hour first, so
-- only a query naming the hour uses it: on first_seen_at alone it drew shop_vitals' 30 days of
-- sessions (726,578 index rows, a second) away from the index on last_reached_at.
create index idx_rollup_funnel_sessions_first_seen on rollups.funnel_sessions (shop_hour(first_seen_at), first_seen_at);
