-- The inbox's sorts in index order, per axis (api_plan_observation_list in
-- migrations/functions/17_observations.sql): its first page read every observation of
-- the plan and sorted them all (0.4 s at 100,000 observations, 12 s at 1,000,000); with
-- these it reads limit + 1 rows of each axis. -created_at reads the first backwards.
CREATE INDEX observations_axis_created ON observations (axis_id, created_at, id);
CREATE INDEX observations_axis_number ON observations (axis_id, number, id);
