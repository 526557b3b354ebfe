-- `import orders --replace`: empties the shop (a generated one, or an earlier import) before the
-- file goes in, in the import's transaction: if the import fails, nothing was deleted.
truncate customers, addresses, categories, products, inventory, coupons, orders, order_items, order_coupons,
         order_status_changes, order_idempotency_keys, page_views, cart_events, stock_movements,
         generator.fraud_ground_truth,
         imports.runs, imports.invoices, imports.adjustments, imports.cancellations, imports.refunds
    restart identity cascade;

-- The generated shop is gone: later imports add to this one without --replace.
update generator.runs
set status = 'replaced', finished_at = coalesce(finished_at, clock_timestamp())
where status <> 'replaced';
