-- The checked lines of a `lines` file streamed into its staging table (lines_staging.sql), in the
-- columns' order shopflow.imports.LineChecks gives them.
copy import_lines (line_number, invoice, stock_code, description, quantity, invoiced_at, unit_price,
                   customer_key, country) from stdin
