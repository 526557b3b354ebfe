-- bench alerts: each injected incident (generator.incident_ground_truth) and the first alert that
-- found it: an alert of one of its KPIs whose window overlaps it, raised a minute after its window
-- ends (as the server does). Reads the alerts of the run from the temporary table bench_alerts.
-- grain: one row per incident, first found first
select g.incident_id, g.kind, g.starts_at, g.ends_at,
       first.kpi, first.grain, first.window_start, first.score,
       first.raised_at,
       extract(epoch from first.raised_at - g.starts_at) / 60 as minutes_after_start,
       extract(epoch from first.raised_at - g.ends_at) / 60   as minutes_after_end,
       (select count(*) from bench_alerts a
        where a.window_start < g.ends_at and a.window_end > g.starts_at)  as alerts_during
from generator.incident_ground_truth g
left join lateral (
    select a.kpi, a.grain, a.window_start, a.score, a.window_end + interval '1 minute' as raised_at
    from bench_alerts a
    where a.kpi = any(g.kpis) and a.window_start < g.ends_at and a.window_end > g.starts_at
    order by a.window_end, a.kpi
    limit 1
) as first on true
order by g.starts_at
