-- Stores a batch of events through store_events() (db/migration/R__29_event_ingest.sql), as
-- POST /api/events does: its page views, then its cart events, each a JSON array of rows.
-- grain: one row (empty: store_events() returns nothing)
-- psql:  replace the ? with '[{"session_id": "s1", "page_url": "/", "viewed_at": "2026-06-30T12:00:00Z"}]', '[]'
select store_events(?::jsonb, ?::jsonb)
