-- The values `verify` and `bench reports --filters` try the region and category filters with
-- (docs/filters.md): the region with the most orders in the order_facets rollup, and the top-level
-- category (by id) with a slug. Nulls on an empty shop. And whether this is a Citus cluster, where
-- the filtered reports are not checked: they read their raw rows there, not a rollup.
select
    rollups_kept_by_job()                              as on_cluster,
    (select region
     from rollups.order_facet_days
     where cut = 2 and region <> 'unknown'
     group by region
     order by sum(orders) desc, region
     limit 1)                                          as region,
    (select slug
     from categories
     where parent_id is null and slug is not null
     order by category_id
     limit 1)                                          as category;
