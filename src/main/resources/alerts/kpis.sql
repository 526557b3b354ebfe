-- The KPIs alerts watch.
select kpi
from alerts.kpis
