-- Whether a table is a Citus table (distributed or reference), i.e. the database is a cluster
-- that `shopflow distribute` set up. False without Citus. Dynamic SQL: pg_dist_partition exists
-- only where Citus is installed.
--   psql: select distributed_table('public.orders');
create or replace function distributed_table(table_name text) returns boolean
language plpgsql stable as $$
declare
    distributed boolean;
begin
    if to_regclass('pg_catalog.pg_dist_partition') is null then
        return false;
    end if;
    execute 'select exists (select 1 from pg_catalog.pg_dist_partition where logicalrelid = to_regclass($1))'
        into distributed using table_name;
    return distributed;
end
$$;
