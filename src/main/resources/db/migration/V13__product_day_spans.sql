-- top_products and category_sales sum every product's days over their window: 86,688 day rows for
-- the default 30 days at scale 1 in November 2026, seven times more over a year. Spans of 2, 4, ...,
-- 1,024 days, each aligned on a multiple of its length counted from 2000-01-01, cut any window
-- into at most two spans of each length plus single days (day_spans()), a third of the rows for
-- 30 days, a twelfth for a year. R__32_rollup_product_sales.sql keeps them with the days;
-- docs/rollups.md tells the design.

-- ============================================================
-- PRODUCT SPANS (top_products, category_sales)
-- ============================================================
-- Grain: one row per (span of span_days shop days starting span_start, product): the sum of its
-- rows of rollups.product_days_folded over those days (folded only: pending day rows join them
-- when they are folded). span_days is a power of two from 2 to 1,024.
create table rollups.product_spans_folded (
    span_days       int not null,
    span_start      date not null,
    product_id      int not null,
    units           bigint not null,
    orders          bigint not null,
    gross_sales     numeric(16, 2) not null,
    discounts       numeric(16, 2) not null,
    returned_units  bigint not null,
    returns         numeric(16, 2) not null,
    primary key (span_days, span_start, product_id)
);

grant select on rollups.product_spans_folded to shopflow_reader;

-- The spans of the days already folded, each length from the one half its length.
do $$
declare
    level int;
begin
    for level in 1..10 loop
        insert into rollups.product_spans_folded (span_days, span_start, product_id, units, orders, gross_sales,
                                                  discounts, returned_units, returns)
        select 1 << level, date '2000-01-01' + (((day - date '2000-01-01') >> level) << level), product_id,
               sum(units), sum(orders), sum(gross_sales), sum(discounts), sum(returned_units), sum(returns)
        from (
            select day, product_id, units, orders, gross_sales, discounts, returned_units, returns
            from rollups.product_days_folded
            where level = 1
            union all
            select span_start, product_id, units, orders, gross_sales, discounts, returned_units, returns
            from rollups.product_spans_folded
            where level > 1 and span_days = 1 << (level - 1)
        ) as halves
        group by 1, 2, 3
        order by 1, 2, 3;
    end loop;
end
$$;
