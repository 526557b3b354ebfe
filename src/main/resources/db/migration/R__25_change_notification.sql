-- Change notifications for the live dashboard (the web server listens on shopflow_changes).
--
-- One notification per statement (not per row): a COPY of 500,000 orders sends one, and
-- PostgreSQL delivers it at commit (a transaction's identical notifications are sent once). The
-- server coalesces bursts and tells browsers which tables changed, so they reload the panels those
-- tables feed: every table a report reads must notify here, or a panel would not move. (Report
-- answers are tagged by the database's snapshot, not by these notifications, so a client that has
-- just written never gets an answer from before its write.) The rollups need no trigger of their
-- own: they change with these tables (a rebuild after a bulk load comes after the load's own
-- notifications; `shopflow refresh` changes no figure unless they drifted).

create or replace function notify_shopflow_changes() returns trigger
language plpgsql as $$
begin
    perform pg_notify('shopflow_changes', tg_table_name || ':' || lower(tg_op));
    return null;
end
$$;

create or replace trigger orders_notify_changes
    after insert or update or delete or truncate on orders
    for each statement execute function notify_shopflow_changes();

-- The other tables the reports read, with the same trigger (named <table>_notify_changes).
do $$
declare
    source regclass;
begin
    foreach source in array array['order_items', 'order_coupons', 'order_status_changes', 'order_refunds', 'page_views',
                                  'cart_events', 'stock_movements', 'products', 'inventory', 'categories',
                                  'coupons', 'customers', 'addresses',
                                  -- the customer reports' predicted value: a refit changes them
                                  'clv_fits']::regclass[]
    loop
        execute format('create or replace trigger %I after insert or update or delete or truncate on %s'
                       ' for each statement execute function notify_shopflow_changes()',
                       source::text || '_notify_changes', source);
    end loop;
end
$$;
