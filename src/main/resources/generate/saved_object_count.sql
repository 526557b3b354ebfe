-- How many kept keys, indexes and foreign keys wait to be made again (by this run or after an
-- interrupted one).
select count(*) from generator.saved_ddl
