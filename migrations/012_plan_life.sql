-- A plan's life as it really goes (openapi/openapi.yaml, "A plan's life"): a plan may be
-- withdrawn (hidden from the public, kept for staff) with a reason; closing records when
-- and why, and the activities left unfinished become `not_done` ("no cumplida").
-- Existing rows keep their values: the new columns are NULL (closed plans of earlier
-- releases have no recorded closing time) and no status changes.

ALTER TABLE plans DROP CONSTRAINT plans_status_check,
	ADD CONSTRAINT plans_status_check
		CHECK (status IN ('draft', 'approved', 'closed', 'withdrawn')),
	ADD COLUMN closed_at timestamptz,
	ADD COLUMN closing_note text CHECK (length(closing_note) <= 5000),
	ADD COLUMN withdrawn_at timestamptz,
	ADD COLUMN withdrawn_reason text CHECK (length(withdrawn_reason) <= 1000),
	-- 1 when approved; raised by each amendment of an approved plan.
	ADD COLUMN version integer NOT NULL DEFAULT 0 CHECK (version >= 0);

-- Plans approved before this release stand at their first version. (With the triggers
-- off: no one's change, so no audit row and every ETag is kept.)
ALTER TABLE plans DISABLE TRIGGER USER;
UPDATE plans SET version = 1 WHERE status IN ('approved', 'closed');
ALTER TABLE plans ENABLE TRIGGER USER;

ALTER TABLE activities DROP CONSTRAINT activities_status_check,
	ADD CONSTRAINT activities_status_check
		CHECK (status IN ('pending', 'in_progress', 'done', 'cancelled', 'not_done'));
ALTER TABLE progress_updates DROP CONSTRAINT progress_updates_status_check,
	ADD CONSTRAINT progress_updates_status_check
		CHECK (status IN ('pending', 'in_progress', 'done', 'cancelled', 'not_done'));

-- The duplicate check of create and import (functions/10_plans.sql) reads the plans of
-- an entity and year that are not withdrawn.
CREATE INDEX plans_entity_year_live ON plans (entity, year) WHERE status <> 'withdrawn';
