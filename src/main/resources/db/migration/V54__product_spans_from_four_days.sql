-- The product spans of 2 days go: at scale 1 they were 928,762 of the 2.9 million span rows, about
-- as many as the 1.1 million product days they summed, and saved a window at most a few hundred
-- rows at each end; it now reads two single days there instead (day_spans(),
-- R__32_rollup_product_sales.sql; docs/rollups.md, "Spans of days").
delete from rollups.product_spans_folded where span_days = 2;
