-- Each RFM stale mark names the transaction that set it last, so that a scoring takes out only
-- the marks it read: on a Citus cluster the RFM scoring is folded beside the catch-up job's runs,
-- and a run committing meanwhile marks again a customer the scoring already read
-- (fold_rfm_rollups(), forget_rfm_stale_marks(), R__36_rollup_rfm.sql).
alter table rollups.rfm_stale add column marked xid8 not null default pg_current_xact_id();
