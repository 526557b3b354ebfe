-- The rare values `bench api --filters` walks the filtered drills with (docs/filters.md, "Drill-downs"):
-- the region with the fewest orders in the order_facets rollup (null on an empty shop), for a pair
-- that names few orders (with device=tablet), whose pages once read thousands of orders each.
select
    (select region
     from rollups.order_facet_days
     where cut = 2 and region <> 'unknown'
     group by region
     order by sum(orders), region
     limit 1)                                          as smallest_region;
