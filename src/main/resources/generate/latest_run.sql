-- The latest `shopflow generate` run recorded, with its settings in words ('running' until its data
-- is complete; 'replaced' when a later run took over an unfinished one).
select run_id, started_at, status,
       'scale ' || scale::float8 || ', seed ' || seed || ', as of ' || as_of as settings
from generator.runs
order by run_id desc
limit 1
