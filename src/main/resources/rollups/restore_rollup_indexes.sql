-- After the rollups' rebuild for a whole new shop: builds the secondary indexes that
-- empty_rollups.sql dropped, as they were defined, before the loader commits.
set local maintenance_work_mem = '256MB';

do $$
declare
    idx record;
begin
    for idx in select definition from dropped_rollup_indexes loop
        execute idx.definition;
    end loop;
end
$$;
