-- Whether the database can be distributed: Citus installed, and the ShopFlow schema migrated.
select exists (select 1 from pg_extension where extname = 'citus') as citus,
       to_regclass('orders') is not null as schema
