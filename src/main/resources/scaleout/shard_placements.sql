-- The shards of a hash-distributed table, where each lives and which hashes it holds: what a
-- loader needs to write rows straight to their shards on the workers (shopflow.scaleout.ShardPlacements).
-- No rows when the table is not hash-distributed (a reference table; the caller checks that
-- Citus is there). A shard kept on two nodes (a replication factor above 1) has a row for each.
--
-- grain:  one row per shard, by its hashes; distribution_type is the distribution column's type
--         (int4, varchar, ...), which tells the hash; id_length the bytes of the id column named
--         (4 for serial, 8 for bigserial), which a loader numbers as its sequence would
-- params: 1 table, 2 its id column (null: none)
-- psql:   replace the ?s with 'order_items' and 'item_id' (on the coordinator)
with asked as (select ?::text as table_name, ?::text as id_column)
select
    shard_name(s.logicalrelid, s.shardid)                          as shard,
    s.shardminvalue::int                                           as min_hash,
    s.shardmaxvalue::int                                           as max_hash,
    n.nodename                                                     as host,
    n.nodeport                                                     as port,
    column_to_column_name(p.logicalrelid, p.partkey)               as distribution_column,
    (select t.typname::text
     from pg_attribute a join pg_type t on t.oid = a.atttypid
     where a.attrelid = p.logicalrelid
       and a.attname = column_to_column_name(p.logicalrelid, p.partkey)) as distribution_type,
    (select a.attlen from pg_attribute a where a.attrelid = p.logicalrelid and a.attname = asked.id_column) as id_length
from asked
join pg_dist_partition p on p.logicalrelid = to_regclass(asked.table_name)
join pg_dist_shard s on s.logicalrelid = p.logicalrelid
join pg_dist_placement placed on placed.shardid = s.shardid
join pg_dist_node n on n.groupid = placed.groupid and n.isactive and n.noderole = 'primary'
where p.partmethod = 'h'
order by s.shardminvalue::int;
