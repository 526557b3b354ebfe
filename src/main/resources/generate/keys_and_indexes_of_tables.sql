-- What a generate drops before its COPY and builds again after it, for the given tables: the
-- foreign keys on or into them, their primary and unique keys, and their other indexes, each with
-- the definition that makes it again. Foreign keys first: the keys they point at cannot go before them.
-- params: 1 the tables (text[])
with tables as (
    select to_regclass(t) as rel
    from unnest(?::text[]) as t
)
select conrelid::regclass::text as table_name, conname::text as object_name, 'foreign_key' as kind,
       pg_get_constraintdef(oid) as definition, 1 as drop_order
from pg_constraint
where contype = 'f'
  and (conrelid in (select rel from tables) or confrelid in (select rel from tables))
union all
select conrelid::regclass::text, conname::text, 'key', pg_get_constraintdef(oid), 2
from pg_constraint
where contype in ('p', 'u')
  and conrelid in (select rel from tables)
union all
select i.indrelid::regclass::text, i.indexrelid::regclass::text, 'index', pg_get_indexdef(i.indexrelid), 3
from pg_index as i
where i.indrelid in (select rel from tables)
  and not exists (select 1 from pg_constraint as k where k.conindid = i.indexrelid)
order by drop_order
