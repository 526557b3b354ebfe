-- The catch-up job's copies of the stock rows it reads (rollup_catch_up_apply() in the repeatable
-- file of the catch-up job): writers keep moving stock while it applies rows, so it reads each
-- warehouse row it moves or folds as it was at its target, its ledger up to then and its quantity
-- then. Emptied and filled by every run, unlogged, as the other copies of the schema rollup_job.
create unlogged table rollup_job.stock_movements (like public.stock_movements);
create index on rollup_job.stock_movements (product_id, warehouse);
create unlogged table rollup_job.inventory (like public.inventory);
create index on rollup_job.inventory (product_id, warehouse);
