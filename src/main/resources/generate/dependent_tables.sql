-- The tables outside the given ones whose foreign keys lead into them, directly or through others:
-- the rows that describe the data a generate replaces (stock movements, status history, ...).
-- params: 1 the tables (text[]), 2 the same tables again
with recursive dependent (rel) as (
    select conrelid
    from pg_constraint
    where contype = 'f'
      and confrelid = any (select to_regclass(t) from unnest(?::text[]) as t)
    union
    select k.conrelid
    from pg_constraint as k
    join dependent as d on k.confrelid = d.rel
    where k.contype = 'f'
)
select distinct rel::regclass::text
from dependent
where rel <> all (select to_regclass(t) from unnest(?::text[]) as t)
