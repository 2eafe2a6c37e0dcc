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

-- Amendments: each accepted change of an approved plan's structure is a version (1 is
-- the approval). A version keeps who, when and why, the audit rows of its transaction
-- (audit_log.txid) as its changes, and the plan's document as it stood once the change
-- was made, for the staff and for the public, so that reading a version back never
-- replays the audit log. The snapshot and the changes are written at commit by a
-- deferred trigger (functions/10_plans.sql).
ALTER TABLE audit_log ADD COLUMN txid bigint;
ALTER TABLE audit_log ALTER COLUMN txid SET DEFAULT txid_current();

CREATE TABLE plan_versions (
	plan_id    bigint NOT NULL REFERENCES plans ON DELETE CASCADE,
	version    integer NOT NULL CHECK (version >= 1),
	created_at timestamptz NOT NULL DEFAULT now(),
	actor_sub  text NOT NULL,
	actor_role text NOT NULL,
	reason     text CHECK (length(reason) <= 1000),
	txid       bigint NOT NULL DEFAULT txid_current(),
	changes    json,
	doc_staff  json,
	doc_public json,
	PRIMARY KEY (plan_id, version)
);

-- What citizens see on an activity changed by an amendment (rescheduled, reworded, given
-- other units): the latest amendment's {version, reason, at}; NULL when never amended.
ALTER TABLE activities ADD COLUMN amendment jsonb;
