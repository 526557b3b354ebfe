-- bench alerts: the alerts of the run (temporary table bench_alerts) whose window overlaps no
-- injected incident, per KPI and grain: those explained by the generator's own injected fraud (a
-- money or fraud KPI in a window holding an order of generator.fraud_ground_truth: bursts and
-- orders many times the customer's usual) apart from the false ones.
-- grain: one row per (kpi, grain, explained) with such alerts
select a.kpi, a.grain,
       a.kpi in ('net_sales', 'average_order_value', 'orders', 'fraud_flags')
       and exists (select 1 from generator.fraud_ground_truth f join orders o using (order_id)
                   where o.created_at >= a.window_start and o.created_at < a.window_end) as generator_fraud,
       count(*) as alerts
from bench_alerts a
where not exists (select 1 from generator.incident_ground_truth g
                  where a.window_start < g.ends_at and a.window_end > g.starts_at)
group by 1, 2, 3
order by 3, 1, 2
