-- The order_risk rollup (R__38_rollup_order_risk.sql) keeps whether each order counts now (not
-- cancelled or refunded: 1, else 0, summed by key like its other figures), and is read by customer
-- and time: fraud_review then finds a possible burst's earlier orders, and the small orders in the
-- hour before each candidate, in the rollup, with the orders' status now, instead of asking the
-- orders table (on a Citus cluster a round to every shard each, with the candidates sent to every
-- worker). Only the reviewed page's order numbers, payment methods and statuses come from orders.
alter table rollups.order_risk_folded add column counted bigint not null default 0;
alter table rollups.order_risk_pending add column counted bigint not null default 0;

-- An existing shop's rows get their counts here: each counted order's folded row, or, for an order
-- with only pending rows (placed since the last fold), a pending row of its own.
update rollups.order_risk_folded
set counted = 1
where (order_id, customer_id, created_at) in (
    select order_id, customer_id, created_at from orders where status not in ('cancelled', 'refunded'));

insert into rollups.order_risk_pending (order_id, customer_id, created_at, total_amount, earlier_orders,
                                       earlier_revenue, prior_hour_orders, new_account, counted)
select pending.order_id, pending.customer_id, pending.created_at, 0, 0, 0, 0, 0, 1
from (select distinct order_id, customer_id, created_at from rollups.order_risk_pending) as pending
where (pending.order_id, pending.customer_id, pending.created_at) in (
          select order_id, customer_id, created_at from orders where status not in ('cancelled', 'refunded'))
  and not exists (select 1 from rollups.order_risk_folded as folded
                  where folded.order_id = pending.order_id
                    and folded.customer_id = pending.customer_id
                    and folded.created_at = pending.created_at);

create index idx_rollup_order_risk_folded_customer on rollups.order_risk_folded (customer_id, created_at);
create index idx_rollup_order_risk_pending_customer on rollups.order_risk_pending (customer_id, created_at);
