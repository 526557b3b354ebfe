-- A generate run begins: recorded as 'running' until its data is complete.
-- params: 1 scale, 2 seed, 3 as_of, 4 generator threads
insert into generator.runs (scale, seed, as_of, threads)
values (?, ?, ?, ?)
returning run_id
