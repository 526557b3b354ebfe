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
