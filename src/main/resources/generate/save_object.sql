-- A key, index or foreign key kept before a generate drops it, until it is made again (an
-- interrupted generate leaves it here for the next run to restore).
-- params: 1 table_name, 2 object_name, 3 kind (key, index, foreign_key), 4 definition
insert into generator.saved_ddl (table_name, object_name, kind, definition)
values (?, ?, ?, ?)
on conflict (object_name) do nothing
