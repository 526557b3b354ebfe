-- Change notifications for the live dashboard (the web server listens on shopflow_changes).
--
-- One notification per statement (not per row): a COPY of 500,000 orders sends one, and
-- PostgreSQL delivers it at commit. The server coalesces bursts before telling browsers.
create or replace function notify_shopflow_changes() returns trigger
language plpgsql as $$
begin
    perform pg_notify('shopflow_changes', tg_table_name || ':' || lower(tg_op));
    return null;
end
$$;

create or replace trigger orders_notify_changes
    after insert or update on orders
    for each statement execute function notify_shopflow_changes();
