-- Whether this database has Citus (a coordinator, before or after `shopflow distribute`).
select exists (select 1 from pg_extension where extname = 'citus')
