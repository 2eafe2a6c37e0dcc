-- One index per purpose. 009_staff_work.sql made observations_axis_id for the plan-wide
-- inbox, the same index on (axis_id, id) as 001_schema.sql's observations_axis: every
-- write to observations kept both up to date, and the planner used either. The inbox and
-- the axis lists now read observations_axis (tests/integration/indexes.test.mjs checks
-- that no table has two indexes alike).
DROP INDEX observations_axis_id;
