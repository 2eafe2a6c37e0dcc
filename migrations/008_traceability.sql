-- Traceability (openapi/openapi.yaml, "Traceability"): an activity may answer observations
-- and contributions of its axis directly, beside the agreement it carries out; each
-- observation has a number within its axis and kind, in the order recorded, by which the
-- plan document refers to it; and activities are read by agreement.

-- Which observations and contributions an activity answers directly.
CREATE TABLE activity_observations (
	activity_id    bigint NOT NULL REFERENCES activities ON DELETE CASCADE,
	observation_id bigint NOT NULL REFERENCES observations ON DELETE CASCADE,
	PRIMARY KEY (activity_id, observation_id)
);
CREATE INDEX activity_observations_obs ON activity_observations (observation_id);

-- Numbered as recorded (by id), within axis and kind; new rows get the next number from
-- a trigger (functions/17_observations.sql). The backfill is no one's change: with the
-- triggers of an existing database off, it writes no audit rows and keeps updated_at
-- (and so every ETag).
ALTER TABLE observations ADD COLUMN number integer;
ALTER TABLE observations DISABLE TRIGGER USER;
UPDATE observations o SET number = s.n
FROM (SELECT id, row_number() OVER (PARTITION BY axis_id, kind ORDER BY id) AS n
      FROM observations) s
WHERE s.id = o.id;
ALTER TABLE observations ENABLE TRIGGER USER;
ALTER TABLE observations ALTER COLUMN number SET NOT NULL,
	ADD CHECK (number BETWEEN 1 AND 1000000);
CREATE UNIQUE INDEX observations_axis_kind_number ON observations (axis_id, kind, number);

-- GET /plans/{id}/activities?agreement_id=: the agreement's activities by id.
CREATE INDEX activities_agreement ON activities (agreement_id, id);
