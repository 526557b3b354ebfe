-- The RFM scoring's sorted key arrays (rollups.rfm_quintiles) are written whole only now and then:
-- a fold records the keys it takes out of them and puts in beside them (small sorted arrays), and
-- the arrays absorb those changes once they grow (fold_rfm_rollups(), R__36_rollup_rfm.sql).
-- Rewriting the three arrays at every fold (3 x 8 bytes per buyer, toasted) cost about 310 ms a
-- fold at scale 1, the largest fixed cost of a Citus cluster's catch-up run.
alter table rollups.rfm_quintiles
    add column recency_removed   bigint[] not null default '{}',
    add column recency_added     bigint[] not null default '{}',
    add column frequency_removed bigint[] not null default '{}',
    add column frequency_added   bigint[] not null default '{}',
    add column monetary_removed  bigint[] not null default '{}',
    add column monetary_added    bigint[] not null default '{}';
