-- Whether orders is a Citus distributed table, i.e. `shopflow distribute` has run (pg_dist_partition
-- exists only where Citus is installed: ask citus_installed.sql first).
select exists (select 1 from pg_dist_partition where logicalrelid = to_regclass('orders'))
