-- Run by every migration's transaction before the migration itself (shopflow.db.CitusDefinitions);
-- without Citus it does nothing. Citus refuses a trigger on a distributed or reference table
-- ("triggers are not supported on distributed tables"), so a changed repeatable migration that
-- creates the rollup triggers again failed on an existing cluster. For the migration's transaction
-- only, Citus accepts them (and creates them on the shards too); cluster-definitions.sql, run after
-- the migration in the same transaction, drops them again, on the shards too, before it commits.
-- Any user may set it.
select set_config('citus.enable_unsafe_triggers', 'on', true)
where exists (select 1 from pg_extension where extname = 'citus');
