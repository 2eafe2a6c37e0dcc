-- Staff work (API.md, "Staff work: inbox, search, answers"): staff answer in one step
-- (received → accepted | rejected), and correct the response of an answered one by
-- "moving" it to the status it has (api_observation_review, functions/17_observations.sql;
-- the audit log keeps every version).
INSERT INTO observation_transitions (from_status, to_status, actor) VALUES
	('received', 'accepted', 'reviewer'),
	('received', 'rejected', 'reviewer'),
	('accepted', 'accepted', 'reviewer'),
	('rejected', 'rejected', 'reviewer');

-- GET /plans/{id}/observations reads a plan's observations through its axes.
CREATE INDEX observations_axis_id ON observations (axis_id, id);
