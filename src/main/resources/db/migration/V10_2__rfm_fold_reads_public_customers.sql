-- The RFM scoring and its fold (V9_4) run with the search path public, so that the customers'
-- email and name they copy come from public.customers (issue 8).
--
-- On a cluster the catch-up job (V9_6) runs the fold with the schema rollup_job first on its
-- search path, where "customers" is a copy of the customers it touched in this run only. The fold
-- also rescores customers it did not touch (those a quintile end passed; everyone in a full
-- rescoring), and V9_4's inner join with that copy left their scored rows as they were:
-- rfm_customers and rfm_segments then disagreed with their reference SQL on a cluster (found once
-- they read the rollups there: DistributedShopTest, after writes and one run of the job). The two
-- functions read no other raw table (their other reads are rollups, in public either way), and
-- customers is a reference table, so the coordinator holds all of it. On one node public is where
-- the names resolved anyway.
alter function rescore_rfm_rollups() set search_path = public;
alter function fold_rfm_rollups() set search_path = public;
