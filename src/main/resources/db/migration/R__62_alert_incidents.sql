-- Incidents for `shopflow bench alerts` (docs/alerts.md#bench-alerts): written into a copy of a
-- shop, through the ordinary tables and their triggers (the rollups stay exact), each recorded in
-- generator.incident_ground_truth. All in the 5 weeks before as_of, at busy hours of the shop day:
--   checkout_outage  2 hours in which no order goes through: the orders placed then are deleted
--                    (with their lines, coupons, status history); sessions keep coming, none buys
--   pricing_error    3 hours in which every line is charged 3 times its price
--   bot_wave         3 hours with twice the usual page views again, from one-page sessions that
--                    never add to a cart
--   fraud_wave       an hour in which 8 customers each place 6 small orders minutes apart
-- psql: select * from inject_alert_incidents(now());
create or replace function inject_alert_incidents(as_of timestamptz)
returns setof generator.incident_ground_truth
language plpgsql volatile
as $$
declare
    zone constant text := shop_time_zone();
    today constant date := shop_day(as_of);
    outage_at constant timestamptz := ((today - 33) + time '12:00') at time zone zone;
    pricing_at constant timestamptz := ((today - 26) + time '14:00') at time zone zone;
    bots_at constant timestamptz := ((today - 19) + time '10:00') at time zone zone;
    fraud_at constant timestamptz := ((today - 12) + time '15:00') at time zone zone;
    usual_views bigint;
begin
    -- checkout outage: the orders of its two hours never happened
    create temporary table outage_orders on commit drop as
        select order_id from orders where created_at >= outage_at and created_at < outage_at + interval '2 hours';
    delete from order_coupons where order_id in (select order_id from outage_orders);
    -- the stock they moved stays moved (the ledger is not the point here), no longer theirs
    update stock_movements set order_id = null, item_id = null where order_id in (select order_id from outage_orders);
    delete from order_items where order_id in (select order_id from outage_orders);
    delete from order_idempotency_keys where order_id in (select order_id from outage_orders);
    delete from generator.fraud_ground_truth where order_id in (select order_id from outage_orders);
    delete from order_status_changes where order_id in (select order_id from outage_orders);
    delete from orders where order_id in (select order_id from outage_orders);

    -- pricing error: lines charged three times their price
    update order_items i
    set unit_price = i.unit_price * 3, line_total = i.line_total * 3
    from orders o
    where o.order_id = i.order_id and o.created_at >= pricing_at and o.created_at < pricing_at + interval '3 hours';

    -- bot wave: one-page sessions, twice the page views of the same hours a week before, every hour
    select count(*) into usual_views from page_views
    where viewed_at >= bots_at - interval '7 days' and viewed_at < bots_at - interval '7 days' + interval '3 hours';
    insert into page_views (session_id, page_url, viewed_at, time_on_page, device_type)
    select 'bot-' || n, '/', bots_at + (n * interval '3 hours') / greatest(2 * usual_views, 1), 1, 'desktop'
    from generate_series(0, greatest(2 * usual_views, 1) - 1) as n;

    -- fraud wave: 8 customers, 6 orders each, 5 minutes apart, within the hour
    insert into orders (customer_id, order_number, status, payment_method, subtotal, total_amount, created_at)
    select c.customer_id, 'FRAUD-WAVE-' || c.customer_id || '-' || k, 'pending', 'credit_card', 12.00, 12.00,
           fraud_at + (c.rn * 2 + k * 5) * interval '1 minute'
    from (select customer_id, row_number() over (order by customer_id) as rn
          from customers order by customer_id limit 8) as c
    cross join generate_series(0, 5) as k;
    -- their history, as place_order writes it: reports read each order's status then from it
    insert into order_status_changes (order_id, from_status, to_status, changed_at)
    select order_id, null, status, created_at from orders
    where order_number like 'FRAUD-WAVE-%'
      and not exists (select 1 from order_status_changes h where h.order_id = orders.order_id);

    return query
    insert into generator.incident_ground_truth (kind, starts_at, ends_at, kpis) values
        ('checkout_outage', outage_at, outage_at + interval '2 hours',
         array['orders', 'net_sales', 'conversion_rate', 'checkout_abandonment']),
        ('pricing_error', pricing_at, pricing_at + interval '3 hours', array['average_order_value', 'net_sales']),
        ('bot_wave', bots_at, bots_at + interval '3 hours',
         array['ingested_events', 'conversion_rate', 'add_to_cart_rate']),
        ('fraud_wave', fraud_at, fraud_at + interval '1 hour', array['fraud_flags'])
    returning *;
end
$$;
