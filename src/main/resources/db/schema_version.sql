-- The schema's version: the last versioned migration Flyway applied.
-- psql: psql -f schema_version.sql

select version
from flyway_schema_history
where success and version is not null
order by installed_rank desc
limit 1;
