-- The alerts raised, newest window first: what GET /api/alerts and `shopflow alerts` list.
--
-- grain:  one row per alert (KPI, grain, window)
-- params: 1 kpi (null: all), 2 since (windows starting at or after it; null: all), 3 limit
-- psql:   replace the ? with null, null, 50
select alert_id, kpi, grain, window_start, window_end, observed, expected, spread, score, volume,
       severity, direction, message, raised_at
from alerts.alerts
where (?::text is null or kpi = ?::text)
  and (?::timestamptz is null or window_start >= ?::timestamptz)
order by window_start desc, kpi
limit ?
