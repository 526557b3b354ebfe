-- low_stock's stock-outs kept per warehouse row (R__39_rollup_stock.sql): out_ranges holds every
-- stretch of time the row's stock was at or under zero, from its ledger and its quantity now, so
-- that the report counts a window's days out of stock without reading the ledger (a restocked
-- shop has a stock-out in the last 30 days on about one row in nine). The fold computes it with
-- out_until; the rows of an existing database that ever ran out are marked stale, so the first
-- fold computes theirs (the others' is empty).
alter table rollups.stock_levels add column out_ranges tstzmultirange not null default '{}';
update rollups.stock_levels set out_stale = true where out_until > '-infinity' and not out_stale;
