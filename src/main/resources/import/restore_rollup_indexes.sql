-- After an import's rollup rebuild: builds the rollups' secondary indexes that
-- empty_rollups.sql dropped, as they were defined, before the import commits.
set local maintenance_work_mem = '256MB';

do $$
declare
    idx record;
begin
    for idx in select definition from import_rollup_indexes loop
        execute idx.definition;
    end loop;
end
$$;
