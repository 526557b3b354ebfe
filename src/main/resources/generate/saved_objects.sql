-- The kept keys, indexes or foreign keys of the given kinds, largest tables first (their builds take
-- longest, so the parallel builds start them first).
-- params: 1 the kinds (text[]: key, index, foreign_key)
select d.table_name, d.object_name, d.kind, d.definition
from generator.saved_ddl as d
where d.kind = any (?::text[])
order by pg_total_relation_size(to_regclass(d.table_name)) desc, d.kind, d.object_name
