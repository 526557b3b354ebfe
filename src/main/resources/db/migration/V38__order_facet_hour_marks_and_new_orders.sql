-- The order_facets rollup family (R__44_order_facets.sql), two changes (docs/filters.md):
--
-- Marks per shop hour instead of per shop day, so that the fold computes each hour once it has
-- ended and a report reads as_of's own day from the hour rows, all but its last hour (and an hour
-- a write has touched since its fold) from the rollup, instead of valuing every order of the day.
--
-- A first-time-orders measure: the orders placed that were their customer's first (customer kind
-- 'new'), so that the measure tiles read the rollup once for the orders and their new-customer
-- share, and a region with a channel or a device (the cut without the customer kind) has it too.

alter table rollups.order_facet_hours add column new_orders bigint not null default 0;
alter table rollups.order_facet_days add column new_orders bigint not null default 0;

-- Hours whose rows no longer match the raw tables: writers append one row per hour their statement
-- touched (never updating a row, so they never wait on one another); the fold moves them to
-- order_facet_dirty_hours (one row per hour) and computes the hours that have ended again, and the
-- days of those hours from their hour rows. Reports read a marked or dirty hour from the raw rows.
create table rollups.order_facet_hour_marks (
    hour  timestamptz not null
);

create table rollups.order_facet_dirty_hours (
    hour  timestamptz primary key
);

drop table rollups.order_facet_marks;
drop table rollups.order_facet_dirty_days;

-- Every hour and day is computed again with its first-time orders, once, after the definitions are
-- in place (at the end of R__44_order_facets.sql: an empty rollup in a shop with orders).
delete from rollups.order_facet_hours;
delete from rollups.order_facet_days;
