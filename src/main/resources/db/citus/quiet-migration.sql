-- Run by every migration's transaction before the migration itself (shopflow.db.CitusMigrationMessages).
-- On a Citus coordinator, a function or view that reads a plain table of the coordinator (the
-- rollups, the job's copies) or a table not distributed yet (migrations run before distribute)
-- draws a WARNING from Citus: '"function x" has dependency to "table y" that is not in Citus'
-- metadata': it creates the object on the coordinator alone, which is what ShopFlow wants (the
-- rollups and their functions live there, docs/scale-out.md). A fresh cluster's migrations drew
-- 33 of them. This turns off, for the migration's transaction only, Citus's messages about what
-- it does not propagate to the workers; errors are raised as ever, and any other warning still shows.
-- A superuser setting: as another role, or without Citus, nothing changes.
select set_config('citus.enable_unsupported_feature_messages', 'off', true)
where exists (select 1 from pg_extension where extname = 'citus')
  and current_setting('is_superuser') = 'on';
