-- Staff work (openapi/openapi.yaml: the inbox and /search): staff answer in one step
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

-- Spanish full-text search (q): case- and accent-insensitive, with Spanish stemming
-- ("vacunacion" finds "Vacunación", "alarma" finds "alarmas"). unaccent is a trusted
-- contrib extension in PostgreSQL 15. The index is on the expression that
-- api_plan_observation_list matches (functions/17_observations.sql), built from
-- built-ins only, since the functions are dropped and recreated on every migrate.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION es_unaccent (COPY = pg_catalog.spanish);
ALTER TEXT SEARCH CONFIGURATION es_unaccent
	ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
CREATE INDEX observations_search ON observations
	USING gin (to_tsvector('es_unaccent'::regconfig, body || ' ' || coalesce(response, '')));
