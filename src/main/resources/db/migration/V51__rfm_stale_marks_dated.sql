-- Each RFM stale mark says since when its customer has waited for a scoring, so that a fold
-- scores a handful of stale customers once one has waited long enough, where before it left them
-- to the readers until they were many: in a quiet shop for ever, every RFM read rescoring them
-- (fold_rfm_rollups(), R__36_rollup_rfm.sql).
alter table rollups.rfm_stale add column marked_at timestamptz not null default now();
