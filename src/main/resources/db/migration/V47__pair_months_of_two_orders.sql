-- The pair months keep only the pairs with at least two orders together in a month (docs/rollups.md,
-- "Pairs without reading every pair"): they find market_basket's candidate pairs, and a pair with
-- one order in a month is a candidate only when min_pair_orders is at most the months the window
-- touches, where the report reads the window's pair days instead. Most pairs meet once a month (a
-- million imported lines: 12.3 of 14.7 million pair months), and each was a row inserted, sorted
-- and indexed at every rebuild. The key leads with the pair, as the fold recounts a pair's month
-- from its days and the rebuild writes them in that order.
delete from rollups.pair_months_folded where orders < 2;

alter table rollups.pair_months_folded drop constraint pair_months_folded_pkey;
alter table rollups.pair_months_folded add primary key (product_1_id, product_2_id, month);
