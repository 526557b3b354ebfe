-- Orders whose status is not the last change of their history (the view orders_off_history), with
-- how many there are in all on each row; the caller reads the first few as examples.
select order_id, status, history_says, count(*) over () as orders_off
from orders_off_history
order by order_id
