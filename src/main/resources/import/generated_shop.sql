-- Whether the database holds a generated shop (a generate run not replaced since, and its rows):
-- an import refuses to mix a real history into it unless --replace.
select exists (select 1 from generator.runs where status <> 'replaced')
   and (exists (select 1 from customers) or exists (select 1 from orders) or exists (select 1 from products))
   as generated_shop;
