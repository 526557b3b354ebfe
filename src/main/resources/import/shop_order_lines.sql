-- How many order lines the shop holds before this import: a later export with many lines against
-- it has the rollups rebuilt once rather than kept by their triggers line by line.
select count(*) from order_items
