-- The run's options and the file's line counts, for the apply script (lines_apply.sql,
-- shopify_apply.sql) and its summary.
-- params: 1 file name, 2 data lines read, 3 lines left out (--skip-bad), 4 currency, 5 VAT rate
--         (percent), 6 whether prices include VAT
insert into import_settings (file_name, lines, rejected, currency, vat_rate, prices_include_vat)
values (?, ?, ?, ?, ?, ?)
