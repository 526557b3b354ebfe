-- Before the rollups are rebuilt for a whole new shop, in the loader's transaction (an import into
-- an empty shop, the generator; then restore_rollup_indexes.sql): empties their folded and pending
-- tables with one truncate and drops their secondary indexes, to be built again once the rows are
-- in (empty_rollup_tables(), R__51_rollup_rebuild_parts.sql). The market basket's product pairs
-- are most of the rebuild's rows (3.7 million for 200,000 order lines of about 20 products an
-- order): rows inserted into a table truncated in the same transaction skip the write-ahead log
-- (wal_level minimal, as the embedded server runs), and one index build after the inserts is
-- cheaper than millions of inserts into it. Readers wait for the commit instead of reading the
-- old rollups.
select empty_rollup_tables();
