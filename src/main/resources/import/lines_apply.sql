-- Moves the staged lines of a `lines` file (lines_staging.sql) into the shop, set by set, in the
-- import's transaction. The rules, and why, are in docs/import.md; in short:
--   * an invoice already imported is skipped whole, so importing a file again changes nothing and
--     a later export adds only its new invoices;
--   * each line gets a role: a product sold ('product'), postage ('shipping'), a discount
--     ('discount'), a product taken back on a C invoice ('cancellation'), or anything else
--     ('adjustment': fees, manual lines, bad debt, donations, write-offs, negative prices);
--   * an invoice with a product sold is an order (delivered, as the file says nothing of its
--     fulfilment) carrying its shipping and discount lines; on any other invoice those lines are
--     adjustments too;
--   * a cancellation line is attached to the customer's latest earlier order holding the product;
--     an order whose every product is taken back in full becomes refunded at its last
--     cancellation, counted in returns on that day; the others attached to an order are partial
--     refunds of its units, returns on their day (order_refunds); all are kept in
--     imports.cancellations ('order_refunded', 'partial', 'no_order'), those with no order
--     without changing the sales.
-- Leaves its figures in the temp table import_summary.

-- Sorts and hashes of a million lines in memory, for this transaction only.
set local work_mem = '256MB';

-- ============================================================
-- THE RUN, AND WHAT THE SHOP HELD BEFORE IT
-- ============================================================
with run as (
    insert into imports.runs (file_name, format, lines, rejected)
    select file_name, 'lines', lines, rejected from import_settings
    returning run_id
)
update import_settings set run_id = (select run_id from run);

create temp table import_before on commit drop as
select (select count(*) from customers) as customers,
       (select count(*) from products)  as products,
       not exists (select 1 from orders) as no_orders;

-- ============================================================
-- THE NEW LINES AND THEIR ROLES
-- ============================================================
create temp table import_new_lines on commit drop as
with fresh as (
    select l.*
    from import_lines l
    where not exists (select 1 from imports.invoices i where i.invoice = l.invoice)
),

coded as (
    select
        fresh.*,
        upper(left(fresh.invoice, 1)) = 'C' as cancelling,
        case when upper(fresh.stock_code) in ('POST', 'DOT', 'C2') then 'shipping'
             when upper(fresh.stock_code) = 'D' then 'discount'
             when upper(fresh.stock_code) in ('M', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'S', 'B') then 'adjustment'
             else 'product'
        end as code_kind,
        -- prices without VAT, to the penny
        round(fresh.unit_price / case when s.prices_include_vat then 1 + s.vat_rate / 100 else 1 end, 2) as net_price
    from fresh
    cross join import_settings s
),

roled as (
    select
        coded.*,
        case when cancelling and code_kind = 'product' and quantity < 0 and unit_price >= 0 then 'cancellation'
             when not cancelling and quantity > 0 and unit_price >= 0 and code_kind <> 'adjustment' then code_kind
             else 'adjustment'
        end as first_role
    from coded
),

final as (
    select
        roled.*,
        -- shipping and discounts ride on an order: on an invoice with no product sold they are adjustments
        case when first_role in ('shipping', 'discount')
                  and not exists (select 1 from roled sold where sold.invoice = roled.invoice
                                                              and sold.first_role = 'product') then 'adjustment'
             else first_role
        end as role
    from roled
)

select * from final;

create index on import_new_lines (invoice);
analyze import_new_lines;

-- ============================================================
-- CUSTOMERS (an external key each; guests share one customer)
-- ============================================================
-- (A customer already there keeps their row; a later file may reach further back.)
insert into customers (email, external_id, signup_date)
select 'customer-' || customer_key || '@import.invalid', customer_key, min(invoiced_at)
from import_new_lines
where customer_key is not null
group by customer_key
order by min(invoiced_at), customer_key
on conflict (external_id) do update
set signup_date = excluded.signup_date
where excluded.signup_date < customers.signup_date;

insert into customers (email, first_name, signup_date)
select 'guest@import.invalid', 'Guest', min(invoiced_at)
from import_new_lines
where customer_key is null
having count(*) > 0
on conflict do nothing;

-- The country of a customer's latest line, as their default billing address.
create temp table import_countries on commit drop as
select distinct on (l.customer_key) c.customer_id, l.country
from import_new_lines l
join customers c on c.external_id = l.customer_key
where l.country is not null
order by l.customer_key, l.invoiced_at desc, l.line_number desc;

-- (Through arrays: on a Citus cluster, where addresses is a reference table, an update cannot
-- join it with this transaction's temporary tables.)
do $$
declare
    customer_ids int[];
    countries text[];
begin
    select array_agg(customer_id), array_agg(country) into customer_ids, countries from import_countries;
    update addresses a
    set country = latest.country
    from unnest(customer_ids, countries) as latest (customer_id, country)
    where a.customer_id = latest.customer_id and a.type = 'billing' and a.is_default and a.country <> latest.country;
end
$$;

insert into addresses (customer_id, type, country, is_default)
select ic.customer_id, 'billing', ic.country, true
from import_countries ic
where ic.customer_id not in (select a.customer_id from addresses a where a.type = 'billing' and a.is_default)
order by ic.customer_id;

-- ============================================================
-- PRODUCTS (the stock code as sku; name and price from the latest line naming them)
-- ============================================================
with seen as (
    select stock_code, min(invoiced_at) as first_at
    from import_new_lines
    where role in ('product', 'cancellation')
    group by stock_code
),

named as (
    select distinct on (stock_code) stock_code, description
    from import_new_lines
    where role in ('product', 'cancellation') and description is not null
    order by stock_code, invoiced_at desc, line_number desc
),

priced as (
    select distinct on (stock_code) stock_code, net_price
    from import_new_lines
    where role in ('product', 'cancellation')
    order by stock_code, invoiced_at desc, line_number desc
),

final as (
    select seen.stock_code, coalesce(named.description, seen.stock_code) as name, priced.net_price, seen.first_at
    from seen
    left join named using (stock_code)
    left join priced using (stock_code)
)

insert into products (sku, name, list_price, created_at)
select stock_code, name, coalesce(net_price, 0), first_at
from final
order by first_at, stock_code
on conflict (sku) do update
set name = excluded.name, list_price = excluded.list_price;

-- ============================================================
-- ORDERS AND THEIR LINES
-- ============================================================
create temp table import_orders on commit drop as
with invoices as (
    select
        invoice,
        min(invoiced_at)                                                       as created_at,
        (array_agg(customer_key order by line_number))[1]                     as customer_key,
        sum(net_price * quantity) filter (where role = 'product')              as subtotal,
        coalesce(sum(net_price * quantity) filter (where role = 'shipping'), 0) as shipping,
        coalesce(sum(net_price * quantity) filter (where role = 'discount'), 0) as discount
    from import_new_lines
    where role in ('product', 'shipping', 'discount')
    group by invoice
),

fitted as (
    -- an order's total cannot go below zero: a discount larger than the goods and postage is an adjustment
    select invoices.*, discount <= subtotal + shipping as discount_fits
    from invoices
),

final as (
    select
        fitted.invoice,
        fitted.created_at,
        coalesce(c.customer_id, (select customer_id from customers where email = 'guest@import.invalid'))
                                                                            as customer_id,
        fitted.customer_key is null                                         as guest,
        fitted.subtotal,
        case when discount_fits then discount else 0 end                    as discount,
        fitted.shipping,
        fitted.discount_fits
    from fitted
    left join customers c on c.external_id = fitted.customer_key
)

select final.*,
       round((subtotal - discount + shipping) * s.vat_rate / 100, 2) as taxes
from final
cross join import_settings s;

update import_new_lines l
set role = 'adjustment'
from import_orders o
where l.invoice = o.invoice and l.role = 'discount' and not o.discount_fits;

insert into orders (customer_id, order_number, status, subtotal, discount_amount, shipping_cost, tax_amount,
                    total_amount, currency, created_at, updated_at)
select o.customer_id, o.invoice, 'delivered', o.subtotal, o.discount, o.shipping, o.taxes,
       o.subtotal - o.discount + o.shipping + o.taxes, s.currency, o.created_at, o.created_at
from import_orders o
cross join import_settings s
order by o.created_at, o.invoice;

-- Into a shop without orders, the lines' foreign keys and secondary indexes are made again after
-- them (R__53_import_bulk_load.sql): a million lines in a fourth of the time.
select drop_for_bulk_load('order_items') from import_before where no_orders;

insert into order_items (order_id, product_id, quantity, unit_price, discount_pct, line_total)
select o.order_id, p.product_id, l.quantity, l.net_price, 0, l.net_price * l.quantity
from import_new_lines l
join orders o on o.order_number = l.invoice
join products p on p.sku = l.stock_code
where l.role = 'product'
order by o.order_id, l.line_number;

select restore_after_bulk_load();

-- The history of each order: placed delivered, as the file knows it only once it is invoiced.
insert into order_status_changes (order_id, from_status, to_status, changed_at)
select o.order_id, null, 'delivered', o.created_at
from import_orders io
join orders o on o.order_number = io.invoice
order by o.order_id;

-- ============================================================
-- ADJUSTMENTS AND CANCELLATIONS: their lines' customers and products
-- ============================================================
-- Kept beside the lines, so that the statements below join only this transaction's tables. (On a
-- Citus cluster an insert into the coordinator's own tables (imports.*) from the staged lines
-- joined with a reference table (customers, products) read no rows at all.)
create temp table import_line_keys on commit drop as
select l.line_number, c.customer_id, p.product_id
from import_new_lines l
left join customers c on c.external_id = l.customer_key
left join products p on p.sku = l.stock_code and l.role = 'cancellation'
where l.role in ('adjustment', 'cancellation');

-- ============================================================
-- ADJUSTMENTS (reported, outside the product sales)
-- ============================================================
insert into imports.adjustments (invoice, line_number, stock_code, description, quantity, unit_price, amount,
                                 customer_id, occurred_at, run_id)
select l.invoice, l.line_number, l.stock_code, l.description, l.quantity, l.unit_price,
       round(l.quantity * l.unit_price, 2), k.customer_id, l.invoiced_at, s.run_id
from import_new_lines l
join import_line_keys k using (line_number)
cross join import_settings s
where l.role = 'adjustment'
order by l.line_number;

-- ============================================================
-- CANCELLATIONS
-- ============================================================
-- Each cancellation line's order: the customer's latest order before it holding the product.
-- (A join, not a lateral lookup per line: Citus cannot run that over the sharded orders.)
create temp table import_cancelled_orders on commit drop as
select distinct on (l.line_number) l.line_number, o.order_id
from import_new_lines l
join import_line_keys k using (line_number)
join orders o on o.customer_id = k.customer_id and o.created_at < l.invoiced_at
join order_items i on i.order_id = o.order_id and i.product_id = k.product_id
where l.role = 'cancellation'
order by l.line_number, o.created_at desc, o.order_id desc;

insert into imports.cancellations (invoice, line_number, product_id, quantity, unit_price, amount, customer_id,
                                   order_id, outcome, cancelled_at, run_id)
select l.invoice, l.line_number, k.product_id, -l.quantity, l.net_price, -l.quantity * l.net_price,
       k.customer_id, attached.order_id,
       case when attached.order_id is null then 'no_order' else 'partial' end,
       l.invoiced_at, s.run_id
from import_new_lines l
join import_line_keys k using (line_number)
left join import_cancelled_orders as attached using (line_number)
cross join import_settings s
where l.role = 'cancellation'
order by l.line_number;

-- Orders whose every product is now taken back in full (this file's cancellations with the
-- earlier ones) become refunded, dated by their last cancellation.
create temp table import_refunds on commit drop as
with touched as (
    select distinct c.order_id
    from imports.cancellations c
    join import_settings s on s.run_id = c.run_id
    where c.order_id is not null
),

ordered as (
    select i.order_id, i.product_id, sum(i.quantity) as quantity
    from order_items i
    join touched using (order_id)
    group by i.order_id, i.product_id
),

taken_back as (
    select c.order_id, c.product_id, sum(c.quantity) as quantity, max(c.cancelled_at) as last_at
    from imports.cancellations c
    join touched using (order_id)
    group by c.order_id, c.product_id
),

final as (
    select ordered.order_id, max(taken_back.last_at) as refunded_at
    from ordered
    left join taken_back using (order_id, product_id)
    join orders o on o.order_id = ordered.order_id and o.status = 'delivered'
    group by ordered.order_id
    having bool_and(coalesce(taken_back.quantity, 0) >= ordered.quantity)
)

select * from final;

-- The other cancellations attached to an order (this file's, in time order) are partial refunds of
-- its units of that product (order_refunds, valued as refund_order() values them: each unit at
-- what is left of its line per unit left, the file's price aside), never more units than are left;
-- those of an order refunded whole by its last cancellation come before it. An order already
-- returned is left alone. Set by set rather than a refund_order() call per cancellation (each of
-- which read every order line of the shop through order_line_sales: minutes for a 100,000-line
-- file), with the same figures:
--   * which units: an (order, product)'s cancellations, in time order, take its lines' units left
--     in item order, each from where the one before stopped, so a cancellation's take of a line is
--     the overlap of their two runs on that line of units;
--   * their value: each line's takes in time order, each worth round(net left x units taken /
--     units left, 2) of what the takes before it left (a recursive step per take of a line).
create temp table import_partial_cancellations on commit drop as
select ca.order_id, ca.product_id, ca.quantity, ca.cancelled_at,
       row_number() over (order by ca.cancelled_at, ca.line_number) as position
from imports.cancellations ca
join import_settings s on s.run_id = ca.run_id
join orders o on o.order_id = ca.order_id and o.status not in ('cancelled', 'refunded')
left join import_refunds whole on whole.order_id = ca.order_id
where ca.outcome = 'partial'
  and (whole.order_id is null or ca.cancelled_at < whole.refunded_at);

-- What is left of those orders' lines of those products (order_refundable_lines(), for every such
-- order at once: each order's lines by its id and moment, which reach order_line_sales' window).
create temp table import_refundable_lines on commit drop as
with touched as (
    select distinct c.order_id, c.product_id, o.created_at
    from import_partial_cancellations c
    join orders o using (order_id)
),

refunded as (
    select r.item_id, sum(r.quantity) as quantity, sum(r.net_sales) as net_sales
    from order_refunds r
    where r.order_id in (select order_id from touched)
    group by r.item_id
)

select l.item_id, l.order_id, l.product_id,
       l.quantity - coalesce(refunded.quantity, 0)::int as units_left,
       l.net_sales - coalesce(refunded.net_sales, 0)    as net_left
from (select distinct order_id, created_at from touched) as orders_touched
cross join lateral (
    select * from order_line_sales
    where order_line_sales.order_id = orders_touched.order_id and order_line_sales.created_at = orders_touched.created_at
) as l
left join refunded on refunded.item_id = l.item_id
where (l.order_id, l.product_id) in (select order_id, product_id from touched);

-- Each cancellation's units of each line: the overlap of the cancellation's run of the
-- (order, product)'s units with the line's.
create temp table import_partial_takes on commit drop as
with lines as (
    select item_id, order_id, product_id, units_left, net_left,
           sum(units_left) over (partition by order_id, product_id order by item_id) as units_to
    from import_refundable_lines
    where units_left > 0
),

cancellations as (
    select position, order_id, product_id, cancelled_at,
           sum(quantity) over (partition by order_id, product_id order by position) as units_to,
           quantity
    from import_partial_cancellations
),

shared_units as (
    select c.position, c.cancelled_at, l.item_id, l.order_id, l.product_id,
           least(c.units_to, l.units_to) - greatest(c.units_to - c.quantity, l.units_to - l.units_left) as units
    from cancellations c
    join lines l using (order_id, product_id)
)

select shared_units.*,
       row_number() over (partition by item_id order by position) as take_of_line
from shared_units
where units > 0;

-- Their value, take after take of each line.
create temp table import_partial_values on commit drop as
with recursive valued as (
    select t.position, t.item_id, t.take_of_line, t.units, v.net_sales,
           l.units_left - t.units as units_left, l.net_left - v.net_sales as net_left
    from import_partial_takes t
    join import_refundable_lines l using (item_id)
    cross join lateral (select round(l.net_left * t.units / l.units_left, 2) as net_sales) as v
    where t.take_of_line = 1
    union all
    select t.position, t.item_id, t.take_of_line, t.units, v.net_sales,
           before.units_left - t.units, before.net_left - v.net_sales
    from valued as before
    join import_partial_takes t on t.item_id = before.item_id and t.take_of_line = before.take_of_line + 1
    cross join lateral (select round(before.net_left * t.units / before.units_left, 2) as net_sales) as v
)

select position, item_id, units, net_sales from valued;

-- One refund per cancellation that took something, numbered in time order.
with refunds as (
    select position, nextval('order_refund_ids') as refund_id
    from (select distinct position from import_partial_takes order by position offset 0) as taking
)

insert into order_refunds (refund_id, order_id, item_id, product_id, refunded_at, quantity, net_sales, kind)
select refunds.refund_id, t.order_id, t.item_id, t.product_id, t.cancelled_at, t.units, v.net_sales, 'partial'
from import_partial_takes t
join import_partial_values v using (position, item_id)
join refunds using (position)
order by refunds.refund_id, t.item_id;

-- The history's row first: the status guard then records nothing more; the order's partial
-- refunds are taken back as it is returned whole.
insert into order_status_changes (order_id, from_status, to_status, changed_at)
select order_id, 'delivered', 'refunded', refunded_at
from import_refunds
order by order_id;

select order_refunds_take_back(array_agg(order_id order by order_id), array_agg(refunded_at order by order_id))
from import_refunds;

update orders o
set status = 'refunded', updated_at = r.refunded_at
from import_refunds r
where o.order_id = r.order_id;

update imports.cancellations c
set outcome = 'order_refunded'
from import_refunds r
where c.order_id = r.order_id;

-- ============================================================
-- THE INVOICES TAKEN IN
-- ============================================================
insert into imports.invoices (invoice, kind, run_id)
select l.invoice,
       case when bool_or(l.role in ('product')) then 'order'
            when bool_or(l.cancelling) then 'cancellation'
            else 'adjustment' end,
       s.run_id
from import_new_lines l
cross join import_settings s
group by l.invoice, s.run_id;

update imports.runs r
set finished_at = clock_timestamp()
from import_settings s
where r.run_id = s.run_id;

-- ============================================================
-- WHAT IT DID
-- ============================================================
create temp table import_summary on commit drop as
select
    s.run_id,
    (select count(distinct invoice) from import_lines)                              as invoices_in_file,
    (select count(distinct invoice) from import_new_lines)                          as invoices_new,
    (select count(*) from import_orders)                                            as orders,
    (select count(*) from import_orders where guest)                                as guest_orders,
    (select count(*) from import_new_lines where role = 'product')                  as order_lines,
    (select count(*) from customers) - b.customers                                  as customers_new,
    (select count(*) from products) - b.products                                    as products_new,
    0::bigint                                                                       as categories_new,
    0::bigint                                                                       as coupons_new,
    0::bigint                                                                       as orders_moved_on,
    (select coalesce(sum(subtotal), 0) from import_orders)                          as gross_sales,
    (select coalesce(sum(discount), 0) from import_orders)                          as discounts,
    (select coalesce(sum(shipping), 0) from import_orders)                          as shipping,
    (select coalesce(sum(taxes), 0) from import_orders)                             as taxes,
    (select count(*) from import_refunds)                                           as orders_refunded,
    (select coalesce(sum(os.net_sales), 0) from import_refunds r
     join order_sales os on os.order_id = r.order_id)                               as returns,
    (select count(*) from imports.cancellations c
     where c.run_id = s.run_id and c.outcome = 'partial')                           as cancellations_partial,
    (select coalesce(sum(amount), 0) from imports.cancellations c
     where c.run_id = s.run_id and c.outcome = 'partial')                           as cancellations_partial_amount,
    (select count(*) from imports.cancellations c
     where c.run_id = s.run_id and c.outcome = 'no_order')                          as cancellations_no_order,
    (select coalesce(sum(amount), 0) from imports.cancellations c
     where c.run_id = s.run_id and c.outcome = 'no_order')                          as cancellations_no_order_amount,
    (select count(*) from imports.adjustments a where a.run_id = s.run_id)          as adjustments,
    (select coalesce(sum(amount), 0) from imports.adjustments a where a.run_id = s.run_id) as adjustments_amount,
    (select min(invoiced_at) from import_lines)                                     as first_at,
    (select max(invoiced_at) from import_lines)                                     as last_at
from import_settings s
cross join import_before b;
