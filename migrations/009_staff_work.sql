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

-- The CPCCS rule that citizens' observations "deberán ser atendidas": an online one is due
-- ANSWER_DAYS after its submission, fixed when it is submitted (the trigger
-- observation_number, functions/17_observations.sql). Existing online ones get the
-- default of 15 days; the backfill is no one's change (triggers off, ETags kept but for
-- the new members).
ALTER TABLE observations ADD COLUMN answer_due timestamptz;
ALTER TABLE observations DISABLE TRIGGER USER;
UPDATE observations SET answer_due = created_at + interval '15 days' WHERE source = 'online';
ALTER TABLE observations ENABLE TRIGGER USER;

-- PATCH /observations/{id} {unit_id}: the unit that must act on it (its director's queue,
-- GET /plans/{id}/observations?unit_id=). A deleted unit leaves it unassigned.
ALTER TABLE observations ADD COLUMN unit_id bigint REFERENCES units ON DELETE SET NULL;
CREATE INDEX observations_unit ON observations (unit_id, id) WHERE unit_id IS NOT NULL;
