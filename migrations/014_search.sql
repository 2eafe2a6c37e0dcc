-- Search, directed observations and answer times (openapi/openapi.yaml: the inbox,
-- /search and the compliance figures).

-- Spanish full-text search across a plan (GET /search, functions/24_search.sql) and the
-- inbox's q (functions/17_observations.sql): each searchable text keeps its tsvector in a
-- stored generated column (es_unaccent, 009_staff_work.sql: case- and accent-insensitive,
-- Spanish stems), so a search reads it from the GIN index and ranks it without parsing
-- the text again. The column is not part of any representation nor of the audit's image
-- (audit_image, functions/01_audit.sql).
ALTER TABLE observations ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS
	(to_tsvector('es_unaccent'::regconfig, body || ' ' || coalesce(response, ''))) STORED;
ALTER TABLE agreements ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS
	(to_tsvector('es_unaccent'::regconfig, text)) STORED;
ALTER TABLE activities ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS
	(to_tsvector('es_unaccent'::regconfig, description)) STORED;
-- The stored column replaces the expression index of 009_staff_work.sql.
DROP INDEX observations_search;
CREATE INDEX observations_search ON observations USING gin (search_tsv);
CREATE INDEX agreements_search ON agreements USING gin (search_tsv);
CREATE INDEX activities_search ON activities USING gin (search_tsv);

-- A citizen may direct an observation at one activity of its axis (POST
-- /axes/{id}/observations {activity_id}). An activity deleted later leaves the
-- observation on its axis.
ALTER TABLE observations ADD COLUMN activity_id bigint REFERENCES activities ON DELETE SET NULL;
CREATE INDEX observations_activity ON observations (activity_id) WHERE activity_id IS NOT NULL;

-- When an observation was first answered (accepted or rejected): the compliance figures
-- count the ones answered after their answer_due, also as of a past day. Existing answered
-- ones take the time of their first answer from the audit log, else their last change
-- (no one's change: triggers off, as in 009_staff_work.sql).
ALTER TABLE observations ADD COLUMN answered_at timestamptz;
ALTER TABLE observations DISABLE TRIGGER USER;
UPDATE observations o
SET answered_at = coalesce((SELECT min(l.at) FROM audit_log l
                            WHERE l.entity = 'observation' AND l.entity_id = o.id
                              AND l.after ->> 'status' IN ('accepted', 'rejected')),
                           o.updated_at)
WHERE o.status IN ('accepted', 'rejected');
ALTER TABLE observations ENABLE TRIGGER USER;
-- The compliance figures count them per axis and unit (functions/16_compliance.sql): the
-- ones answered late and the ones still waiting, each from an index of its own that holds
-- all it needs (index-only scans; make bench: the compliance of a plan of 100,000), and,
-- as of a past day, every one with a due date.
CREATE INDEX observations_answered_late ON observations (axis_id, unit_id, answered_at)
	WHERE answered_at > answer_due;
CREATE INDEX observations_awaiting_answer ON observations (axis_id, unit_id, answer_due)
	WHERE answer_due IS NOT NULL AND status IN ('received', 'in_review');
CREATE INDEX observations_answer_due ON observations (axis_id, answer_due)
	WHERE answer_due IS NOT NULL;
