-- The tables a backup holds: the shop's own data (public, api, generator, imports, alerts), without what is derived
-- from it (the rollups, category_ancestry, the catch-up job's copies: rebuilt on restore) and
-- without Flyway's history (the restored database is migrated by ShopFlow itself). One row per
-- table with the columns a COPY writes (not the generated ones), in the order a restore loads
-- them: every table after the tables its foreign keys reference.
-- psql: psql -f tables.sql

with recursive

backed_up as (
    select tables.oid, namespaces.nspname as schema_name, tables.relname as table_name
    from pg_class as tables
    join pg_namespace as namespaces on namespaces.oid = tables.relnamespace
    where tables.relkind = 'r'
      and namespaces.nspname in ('public', 'api', 'generator', 'imports', 'alerts')
      and (namespaces.nspname, tables.relname) not in (('public', 'flyway_schema_history'),
                                                        ('public', 'category_ancestry'))
),

references_between as (
    select distinct constraints.conrelid as child, constraints.confrelid as parent
    from pg_constraint as constraints
    where constraints.contype = 'f' and constraints.conrelid <> constraints.confrelid
),

-- each table's depth: 0 for a table referencing none, else one more than its deepest parent
depths (oid, depth) as (
    select oid, 0 from backed_up
    union all
    select references_between.child, depths.depth + 1
    from depths
    join references_between on references_between.parent = depths.oid
    where depths.depth < 100
),

final as (
    select
        backed_up.schema_name,
        backed_up.table_name,
        max(depths.depth) as load_order,
        (select string_agg(quote_ident(columns.attname), ', ' order by columns.attnum)
         from pg_attribute as columns
         where columns.attrelid = backed_up.oid and columns.attnum > 0 and not columns.attisdropped
           and columns.attgenerated = '') as columns
    from backed_up
    join depths using (oid)
    group by backed_up.oid, backed_up.schema_name, backed_up.table_name
)

select * from final
order by load_order, schema_name, table_name;
