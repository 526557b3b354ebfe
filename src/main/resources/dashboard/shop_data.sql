-- What the shop's data holds, for the dashboard's first view (GET /api/shop): whether it is an
-- imported history, its newest order, and whether the tables behind the panels that need more
-- than orders have rows. An imported history whose newest order is older than a day opens as of
-- that order; panels whose data no import carries (the funnel's clickstream, the stock of the
-- low-stock panel) say so instead of showing zeros; the currency the dashboard shows money in (its
-- newest order's; GBP for a shop without orders). Reads no clock: the caller compares.
select
    exists (select 1 from imports.runs)                                        as imported,
    (select max(created_at) from orders)                                       as newest_order_at,
    exists (select 1 from page_views) or exists (select 1 from cart_events)    as has_clickstream,
    exists (select 1 from inventory)                                           as has_stock,
    coalesce((select currency from orders order by created_at desc limit 1), 'GBP') as currency;
