-- Each coupon's uses counted from the generated orders' coupons.
-- (On a Citus cluster the caller runs it with citus.multi_shard_modify_mode sequential: an update of
-- a reference table after reading its distributed referrers goes over one connection per worker.)
update coupons c
set times_used = u.uses
from (select coupon_id, count(*) as uses from order_coupons group by coupon_id) as u
where c.coupon_id = u.coupon_id
