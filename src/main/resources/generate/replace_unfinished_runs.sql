-- Earlier runs that never completed (interrupted): the run starting now replaces their data.
update generator.runs
set status = 'replaced', finished_at = clock_timestamp()
where status = 'running'
