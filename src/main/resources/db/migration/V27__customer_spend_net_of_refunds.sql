-- The customers' net sales (rollups.customer_orders_folded.spend) less their orders' partial
-- refunds, as the sales model counts them (R__35_rollup_customer_orders.sql).

-- The catch-up job's copy of the partial refunds of the orders it touches (R__50): the customer
-- fold recounts a customer's net sales from its orders less their refunds.
create unlogged table rollup_job.order_refunds (like public.order_refunds);
create index on rollup_job.order_refunds (order_id);

-- The folded rows kept so far hold their customers' orders' whole net sales: the refunds of the
-- orders that count now are taken from them once, here (a row's pending changes are deltas and
-- stay right). The RFM scoring follows (its triggers on the folded rows mark them stale).
update rollups.customer_orders_folded as folded
set spend = folded.spend - refunded.net_sales
from (
    select orders.customer_id, sum(order_refunds.net_sales) as net_sales
    from order_refunds
    join orders on orders.order_id = order_refunds.order_id
    where orders.status not in ('cancelled', 'refunded')
    group by orders.customer_id
) as refunded
where refunded.customer_id = folded.customer_id
  and refunded.net_sales <> 0;
