-- An import into a shop without orders loads a table's rows in one statement inside its
-- transaction (docs/import.md, "How it loads, and how fast"): a million order lines at once. Its
-- foreign keys and secondary indexes are dropped first and made again after the rows, one check
-- and one sort each instead of a lookup, a row lock and two index insertions per row (the
-- import's order lines: 80 s against 15 s + 5.5 s for a million at load 15). The definitions are
-- read from the catalog and kept in the temp table dropped_for_bulk_load until
-- restore_after_bulk_load() makes them again in the same transaction, so a failure rolls the
-- drop back with everything else. The keys (primary and unique) stay: other tables point at them.

create or replace function drop_for_bulk_load(p_table regclass) returns void
language plpgsql as $$
declare
    dropped record;
begin
    create temp table if not exists dropped_for_bulk_load (position serial, definition text not null) on commit drop;
    for dropped in
        select format('alter table %s drop constraint %I', k.conrelid::regclass, k.conname) as drop_it,
               format('alter table %s add constraint %I %s', k.conrelid::regclass, k.conname,
                      pg_get_constraintdef(k.oid)) as make_it
        from pg_constraint k
        where k.conrelid = p_table and k.contype = 'f'
        union all
        select format('drop index %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
        from pg_index i
        where i.indrelid = p_table
          and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
    loop
        execute dropped.drop_it;
        insert into dropped_for_bulk_load (definition) values (dropped.make_it);
    end loop;
end
$$;

-- Makes again what drop_for_bulk_load() dropped (indexes first, then foreign keys, each checked
-- once over the rows).
create or replace function restore_after_bulk_load() returns void
language plpgsql
set maintenance_work_mem = '256MB'
as $$
declare
    made record;
begin
    if to_regclass('pg_temp.dropped_for_bulk_load') is null then
        return;
    end if;
    for made in
        select position, definition from dropped_for_bulk_load
        order by definition like 'alter table%', position
    loop
        execute made.definition;
        delete from dropped_for_bulk_load where position = made.position;
    end loop;
end
$$;
