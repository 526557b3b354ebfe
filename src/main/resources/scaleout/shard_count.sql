-- The shards each table distributed from now on gets, for this session: the count asked for, else
-- a number per active worker.
-- params: 1 shards asked for (null: none), 2 shards per active worker
select set_config('citus.shard_count', coalesce(?, ? * count(*))::text, false)
from citus_get_active_worker_nodes()
