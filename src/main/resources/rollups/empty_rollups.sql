-- Before the rollups are rebuilt for a whole new shop, in the loader's transaction (an import into
-- an empty shop, the generator; then restore_rollup_indexes.sql): empties their folded and pending
-- tables with one truncate and drops their secondary indexes, to be built again once the rows are
-- in. The market basket's product pairs are most of the rebuild's rows
-- (3.7 million for 200,000 order lines of about 20 products an order): rows inserted into a table
-- truncated in the same transaction skip the write-ahead log (wal_level minimal, as the embedded
-- server runs), and one index build after the inserts is cheaper than millions of inserts into it.
-- The keys (primary and unique) stay: the rebuild relies on them. Readers wait for the commit
-- instead of reading the old rollups. Not on a Citus cluster, where a job keeps the rollups and
-- its own rebuild marks their watermarks.
create temp table dropped_rollup_indexes on commit drop as
select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
from pg_index i
join pg_class t on t.oid = i.indrelid
where t.relnamespace = 'rollups'::regnamespace
  and (t.relname like '%\_folded' or t.relname like '%\_pending')
  and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
  and not rollups_kept_by_job();

do $$
declare
    idx record;
begin
    if not rollups_kept_by_job() then
        execute (
            select 'truncate ' || string_agg(oid::regclass::text, ', ')
            from pg_class
            where relkind = 'r' and relnamespace = 'rollups'::regnamespace
              and (relname like '%\_folded' or relname like '%\_pending'));
        for idx in select name from dropped_rollup_indexes loop
            execute 'drop index ' || idx.name;
        end loop;
    end if;
end
$$;
