-- Each observation names its plan, kept equal to its axis's by the foreign key, so that
-- the inbox (api_plan_observation_list in migrations/functions/17_observations.sql) reads
-- a plan's observations in the sort's order from one index. Through the axes it merged
-- limit + 1 rows of every axis: its first page cost as many axes as the plan has (1.4×
-- at ten times the data, make bench-scale). The per-axis indexes of 017_inbox_order.sql
-- give way to these: an axis is one of the inbox's filters.
ALTER TABLE observations ADD COLUMN plan_id bigint;
-- No one's change: with the triggers off, the backfill writes no audit rows and keeps
-- updated_at (as in 008_traceability.sql).
ALTER TABLE observations DISABLE TRIGGER USER;
UPDATE observations o SET plan_id = a.plan_id FROM axes a WHERE a.id = o.axis_id;
ALTER TABLE observations ENABLE TRIGGER USER;
ALTER TABLE observations ALTER COLUMN plan_id SET NOT NULL;

-- The axis and its plan together: an observation cannot name another plan than its
-- axis's. Replaces the foreign key on the axis alone (same check, same cascade).
ALTER TABLE axes ADD CONSTRAINT axes_id_plan UNIQUE (id, plan_id);
ALTER TABLE observations DROP CONSTRAINT observations_axis_id_fkey,
	ADD CONSTRAINT observations_axis_plan FOREIGN KEY (axis_id, plan_id)
		REFERENCES axes (id, plan_id) ON DELETE CASCADE;

DROP INDEX observations_axis_created;
DROP INDEX observations_axis_number;
CREATE INDEX observations_plan_created ON observations (plan_id, created_at, id);
CREATE INDEX observations_plan_number ON observations (plan_id, number, id);
