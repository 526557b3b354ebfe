-- Every order's whole status history, and checkout as an event of its own.
--
-- order_status_changes gets a row for the order's creation (from_status null: the status it was
-- placed with, at its created_at), so the status of any order at any moment is the last change
-- at or before it, and a report as of a moment sees each order as it was then. Orders already
-- in the database get their creation row from what is known: the status before their first
-- recorded change, or their status now if none was recorded.
--
-- cart_events accepts 'begin_checkout': a shopper starting checkout, whether or not they then
-- order (the funnel's checkout stage).

alter table order_status_changes alter column from_status drop not null;

-- The history belongs to its order: deleting an order (a test order, a bad import) takes it along.
alter table order_status_changes drop constraint order_status_changes_order_id_fkey;
alter table order_status_changes add constraint order_status_changes_order_id_fkey
    foreign key (order_id) references orders (order_id) on delete cascade;

insert into order_status_changes (order_id, from_status, to_status, changed_at)
select orders.order_id, null, coalesce(first_change.from_status, orders.status), orders.created_at
from orders
left join lateral (
    select c.from_status
    from order_status_changes c
    where c.order_id = orders.order_id
    order by c.changed_at, c.change_id
    limit 1
) as first_change on true;

-- A status as of a moment: an order's changes in time order, from the index alone.
drop index idx_order_status_changes_order;
create index idx_order_status_changes_order_time on order_status_changes (order_id, changed_at) include (to_status);
-- Returns (cancellations and refunds) by when they happened.
create index idx_order_status_changes_returns on order_status_changes (changed_at) include (order_id, to_status)
    where to_status in ('cancelled', 'refunded');

alter table cart_events drop constraint cart_events_action_check;
alter table cart_events add constraint cart_events_action_check
    check (action in ('add', 'remove', 'view_cart', 'begin_checkout'));
