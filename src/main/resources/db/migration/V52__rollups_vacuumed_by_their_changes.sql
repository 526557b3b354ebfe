-- Every rollup table is vacuumed once 0.2 % of its rows changed (or were added), where
-- PostgreSQL's default waits for 20 %: the folds update the rows of the current hour, day,
-- session and customer over and over, and the largest rollups (at scale 10 some 20 million
-- sessions, 28 million product spans) were never vacuumed during a day of writes. Their dead row
-- versions, and rows not yet marked visible to all, were read by every report looking at the
-- day: on a scale-10 cluster after bench live's writes (some 30,000 orders that day), a vacuum took
-- kpi_days from 84 to 43 ms p95, kpi_tiles 103 to 58, fraud_review 126 to 95, shop_vitals 177 to 128.
-- A vacuum of a large table reads only its pages not all visible, and leaves its indexes alone
-- while few pages hold dead rows, so vacuuming often costs little. The thresholds' fixed parts
-- stay PostgreSQL's (50 changed rows, 1,000 added), so small tables are vacuumed about as before.
-- A rollup table created later sets the same (MigrationsTest checks every one).
do $$
declare
    rollup regclass;
begin
    for rollup in
        select oid::regclass from pg_class
        where relkind = 'r' and relnamespace = 'rollups'::regnamespace
        order by relname
    loop
        execute format('alter table %s set (autovacuum_vacuum_scale_factor = 0.002, '
                       'autovacuum_vacuum_insert_scale_factor = 0.002)', rollup);
    end loop;
end
$$;
