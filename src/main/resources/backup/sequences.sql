-- The sequences of the tables a backup holds (a backup reads each one's last_value and is_called).
-- psql: psql -f sequences.sql

select schemaname as schema_name, sequencename as sequence_name
from pg_sequences
where schemaname in ('public', 'api', 'generator', 'imports', 'alerts')
order by schemaname, sequencename;
