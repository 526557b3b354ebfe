-- shop_vitals' buyer figures (repeat buyers, the year's active buyers, a window's new buyers)
-- without reading every buyer's row of rollups.customer_orders_folded: per shop day, the folded
-- customers with a counted order whose first counted order was on it, those whose last was on it,
-- and of the latter those with two or more. Kept by triggers on the folded rollup
-- (R__35_rollup_customer_orders.sql), so every fold, rebuild and truncate keeps it; a report
-- corrects it for the customers whose folded row is not their answer as of as_of, as it does the
-- folded rows.
create table rollups.buyer_days (
    day             date primary key,
    first_buyers    bigint not null,
    last_buyers     bigint not null,
    last_repeaters  bigint not null
);

insert into rollups.buyer_days (day, first_buyers, last_buyers, last_repeaters)
select day, sum(first_buyers), sum(last_buyers), sum(last_repeaters)
from (
    select shop_day(first_order_at) as day, 1 as first_buyers, 0 as last_buyers, 0 as last_repeaters
    from rollups.customer_orders_folded where orders > 0
    union all
    select shop_day(last_order_at), 0, 1, (orders >= 2)::int
    from rollups.customer_orders_folded where orders > 0
) as buyers
group by day;
