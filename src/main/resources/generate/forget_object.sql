-- A kept key, index or foreign key made again: no longer waiting.
-- params: 1 object_name
delete from generator.saved_ddl
where object_name = ?
