-- shop_vitals as of a moment of yesterday: its window is the 30 whole days before yesterday, which
-- no kept window held, so it summed the window's span and day rows per product (33,000 rows for
-- 9,900 products at scale 1, ten times that at scale 10) for its product figures and departments.
-- One more kept window, 30 shop days ending two days before the current one, kept and rolled as
-- the others (R__41_rollup_product_windows.sql), with its category rows
-- (R__42_rollup_category_windows.sql).
insert into rollups.product_windows (window_id, window_days, days_before) values (5, 30, 2);

-- An existing shop has it built here, from the folded days, with its category rows (the triggers on
-- rollups.product_windows_folded); a new database has it built by the repeatable file that
-- defines the windows' functions, after this.
do $$
begin
    if to_regprocedure('roll_product_windows(date)') is not null then
        perform roll_product_windows(product_windows_day());
        analyze rollups.product_windows_folded;
        analyze rollups.category_windows_folded;
    end if;
end
$$;
