-- Storing a batch of analytics events (POST /api/events; `bench live`'s and `bench soak`'s load),
-- in the caller's transaction, after its reference checks (shopflow.ingest.EventIngest).
--
-- page_views and cart_events are JSON arrays of row objects named as the tables' columns (other
-- keys are ignored; view_id and event_id come from their sequences). One statement per table, so
-- on one node the rollup triggers fire once per table and batch, as they did for COPY. A row the
-- tables refuse (a foreign key, a check) fails the statement and the caller's transaction.
--
-- On one node an `insert ... select` from the JSON (`bench ingest` at scale 0.1: 33,600 to 34,400
-- events a second, COPY 35,000 to 40,000; the rows written out as values 29,000 to 30,000). On a
-- Citus cluster that, and COPY, go through the coordinator's COPY into the shards, which opens a
-- connection to every shard it writes (8 at scale 10), one per worker only being kept between
-- transactions: a batch of 50 page views took 55 to 75 ms, most of it making connections, and
-- held its table meanwhile, which the catch-up job's lock waited for (it is taken at a moment no
-- writer holds the sources). So there the rows are written out as one multi-row `insert ...
-- values` per table, which Citus splits by shard and sends over the connections the session
-- keeps: 5 to 6 ms (psql, 2026-12-07).
--   psql: select store_events('[{"session_id": "s1", "page_url": "/", "viewed_at": "2026-06-30T12:00:00Z"}]', '[]');
create or replace function store_events(page_views jsonb, cart_events jsonb) returns void
language plpgsql as $$
declare
    rows_written text;
begin
    if not distributed_table('public.page_views') then
        if jsonb_array_length(page_views) > 0 then
            insert into public.page_views (session_id, customer_id, page_url, product_id, viewed_at, time_on_page,
                                           referrer, device_type)
            select v.session_id, v.customer_id, v.page_url, v.product_id, v.viewed_at, v.time_on_page, v.referrer,
                   v.device_type
            from jsonb_populate_recordset(null::public.page_views, page_views) as v;
        end if;
        if jsonb_array_length(cart_events) > 0 then
            insert into public.cart_events (session_id, customer_id, product_id, action, quantity, event_at)
            select e.session_id, e.customer_id, e.product_id, e.action, e.quantity, e.event_at
            from jsonb_populate_recordset(null::public.cart_events, cart_events) as e;
        end if;
        return;
    end if;

    select string_agg(format('(%L, %L, %L, %L, %L, %L, %L, %L)', v.session_id, v.customer_id, v.page_url, v.product_id,
                             v.viewed_at, v.time_on_page, v.referrer, v.device_type), ', ')
    into rows_written
    from jsonb_populate_recordset(null::public.page_views, page_views) as v;
    if rows_written is not null then
        execute 'insert into page_views (session_id, customer_id, page_url, product_id, viewed_at, time_on_page,'
                || ' referrer, device_type) values ' || rows_written;
    end if;

    select string_agg(format('(%L, %L, %L, %L, %L, %L)', e.session_id, e.customer_id, e.product_id, e.action,
                             e.quantity, e.event_at), ', ')
    into rows_written
    from jsonb_populate_recordset(null::public.cart_events, cart_events) as e;
    if rows_written is not null then
        execute 'insert into cart_events (session_id, customer_id, product_id, action, quantity, event_at) values '
                || rows_written;
    end if;
end
$$;
