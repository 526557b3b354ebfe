-- The checked rows of a Shopify export streamed into its staging table (shopify_staging.sql), in the
-- columns' order shopflow.imports.ShopifyChecks gives them.
copy import_shopify_rows (line_number, name, first_row, email, financial_status, paid_at, fulfillment_status,
    fulfilled_at, currency, subtotal, shipping, taxes, total, discount_code, discount_amount, created_at,
    cancelled_at, refunded_amount, country, city, postcode, source, shopify_id, quantity, item_name, sku,
    price, item_discount, vendor, product_type) from stdin
