-- The indexes of the tables a backup holds (tables.sql) that no key or constraint owns, with their
-- definitions from the catalog: a restore drops them before loading the rows and builds each once
-- afterwards, in the same transaction (a sort per index instead of an index insert per row).
-- psql: psql -f secondary_indexes.sql

select
    indexes.indexrelid::regclass::text      as index_name,
    pg_get_indexdef(indexes.indexrelid)     as definition
from pg_index as indexes
join pg_class as tables on tables.oid = indexes.indrelid
join pg_namespace as namespaces on namespaces.oid = tables.relnamespace
where tables.relkind = 'r'
  and namespaces.nspname in ('public', 'api', 'generator', 'imports', 'alerts')
  and (namespaces.nspname, tables.relname) not in (('public', 'flyway_schema_history'),
                                                    ('public', 'category_ancestry'))
  and not exists (select 1 from pg_constraint as constraints where constraints.conindid = indexes.indexrelid)
order by 1;
