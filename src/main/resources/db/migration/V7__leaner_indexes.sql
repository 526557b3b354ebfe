-- Indexes that cost more than they serve: every write maintains them, and the generator rebuilds
-- them after each load (issue 3's time budget).
--
-- About half the page views and cart events are anonymous, and half the page views show no
-- product. A lookup by customer or product never asks for null, so these indexes leave the null
-- rows out: half the size, half the build time, and an anonymous event updates two indexes fewer.
drop index idx_pageviews_customer;
create index idx_pageviews_customer on page_views (customer_id) where customer_id is not null;
drop index idx_pageviews_product;
create index idx_pageviews_product on page_views (product_id) where product_id is not null;
drop index idx_cart_customer;
create index idx_cart_customer on cart_events (customer_id) where customer_id is not null;

-- idx_orders_created_revenue (V6: created_at, including status and total_amount) answers every
-- lookup by time that idx_orders_created did, and idx_orders_status_date (status, created_at)
-- every lookup by status that idx_orders_status did.
drop index idx_orders_created;
drop index idx_orders_status;
