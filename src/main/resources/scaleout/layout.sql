-- The distributed and reference tables, as Citus lists them (what `shopflow distribute` prints).
select table_name::text, citus_table_type, distribution_column, colocation_id, shard_count
from citus_tables
order by citus_table_type, colocation_id, table_name::text
