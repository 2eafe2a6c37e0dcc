-- The data model (openapi/openapi.yaml): a yearly work plan, its axes ("ejes"), the citizens'
-- observations and contributions, the agreements, the schedule of activities with the
-- units responsible, progress updates, local accounts and the audit log.
-- Rules a client could break live here too, so the C code is not the only guard.

CREATE TABLE units (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
-- One unit per name, whatever the case: "Talento humano" and "Talento Humano" are one unit.
CREATE UNIQUE INDEX units_name_key ON units (lower(name));

CREATE TABLE plans (
	id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	title               text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
	process             text NOT NULL CHECK (length(process) <= 300),
	entity              text NOT NULL CHECK (length(btrim(entity)) BETWEEN 1 AND 300),
	year                integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	status              text NOT NULL DEFAULT 'draft'
	                    CHECK (status IN ('draft', 'approved', 'closed')),
	elaborated_name     text,
	elaborated_position text,
	approved_name       text,
	approved_position   text,
	approved_at         timestamptz,
	created_at          timestamptz NOT NULL DEFAULT now(),
	updated_at          timestamptz NOT NULL DEFAULT now(),
	CHECK ((elaborated_name IS NULL) = (elaborated_position IS NULL)),
	CHECK ((approved_name IS NULL) = (approved_position IS NULL)),
	-- An approved or closed plan says who approved it.
	CHECK (status = 'draft' OR approved_name IS NOT NULL)
);
CREATE INDEX plans_year_status ON plans (year, status);
CREATE INDEX plans_title_entity_year ON plans (title, entity, year);

CREATE TABLE axes (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	plan_id     bigint NOT NULL REFERENCES plans ON DELETE CASCADE,
	number      integer NOT NULL CHECK (number BETWEEN 1 AND 1000),
	name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 300),
	description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
	created_at  timestamptz NOT NULL DEFAULT now(),
	updated_at  timestamptz NOT NULL DEFAULT now(),
	UNIQUE (plan_id, number)
);

CREATE TABLE observations (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	axis_id     bigint NOT NULL REFERENCES axes ON DELETE CASCADE,
	kind        text NOT NULL CHECK (kind IN ('observation', 'contribution')),
	body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
	source      text NOT NULL CHECK (source IN ('deliberation', 'online')),
	status      text NOT NULL DEFAULT 'received'
	            CHECK (status IN ('received', 'in_review', 'accepted', 'rejected', 'withdrawn')),
	response    text CHECK (length(response) <= 5000),
	author_sub  text,
	author_role text,
	created_at  timestamptz NOT NULL DEFAULT now(),
	updated_at  timestamptz NOT NULL DEFAULT now(),
	CHECK (status <> 'rejected' OR length(btrim(response)) > 0)
);
CREATE INDEX observations_axis ON observations (axis_id, id);
CREATE INDEX observations_author ON observations (author_sub, created_at);

CREATE TABLE agreements (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	axis_id    bigint NOT NULL REFERENCES axes ON DELETE CASCADE,
	number     integer NOT NULL CHECK (number BETWEEN 1 AND 1000),
	text       text NOT NULL CHECK (length(btrim(text)) BETWEEN 1 AND 5000),
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (axis_id, number)
);

-- Which observations an agreement answers.
CREATE TABLE agreement_observations (
	agreement_id   bigint NOT NULL REFERENCES agreements ON DELETE CASCADE,
	observation_id bigint NOT NULL REFERENCES observations ON DELETE CASCADE,
	PRIMARY KEY (agreement_id, observation_id)
);
CREATE INDEX agreement_observations_obs ON agreement_observations (observation_id);

CREATE TABLE activities (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	axis_id      bigint NOT NULL REFERENCES axes ON DELETE CASCADE,
	number       integer NOT NULL CHECK (number BETWEEN 1 AND 10000),
	description  text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 5000),
	due_month    integer NOT NULL CHECK (due_month BETWEEN 1 AND 12),
	agreement_id bigint REFERENCES agreements ON DELETE SET NULL,
	status       text NOT NULL DEFAULT 'pending'
	             CHECK (status IN ('pending', 'in_progress', 'done', 'cancelled')),
	progress     integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
	created_at   timestamptz NOT NULL DEFAULT now(),
	updated_at   timestamptz NOT NULL DEFAULT now(),
	UNIQUE (axis_id, number),
	-- "done" means finished: progress 100.
	CHECK (status <> 'done' OR progress = 100)
);
CREATE INDEX activities_axis ON activities (axis_id, id);
CREATE INDEX activities_due_month ON activities (due_month);
CREATE INDEX activities_status ON activities (status);

-- A unit in use cannot be deleted out from under the schedule.
CREATE TABLE activity_units (
	activity_id bigint NOT NULL REFERENCES activities ON DELETE CASCADE,
	unit_id     bigint NOT NULL REFERENCES units ON DELETE RESTRICT,
	position    integer NOT NULL DEFAULT 0,  -- the order the plan lists them in
	PRIMARY KEY (activity_id, unit_id)
);
CREATE INDEX activity_units_unit ON activity_units (unit_id, activity_id);

CREATE TABLE progress_updates (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	activity_id  bigint NOT NULL REFERENCES activities ON DELETE CASCADE,
	progress     integer NOT NULL CHECK (progress BETWEEN 0 AND 100),
	status       text NOT NULL CHECK (status IN ('pending', 'in_progress', 'done', 'cancelled')),
	note         text NOT NULL CHECK (length(note) <= 5000),
	evidence_url text CHECK (evidence_url ~ '^https?://' AND length(evidence_url) <= 2000),
	author_sub   text NOT NULL,
	author_role  text NOT NULL,
	created_at   timestamptz NOT NULL DEFAULT now(),
	CHECK (status <> 'done' OR progress = 100)
);
CREATE INDEX progress_updates_activity ON progress_updates (activity_id, id);

CREATE TABLE users (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email         text NOT NULL CHECK (email = lower(btrim(email)) AND length(email) BETWEEN 3 AND 254),
	name          text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
	role          text NOT NULL CHECK (role IN ('administradora', 'directores', 'ciudadanos')),
	unit_id       bigint REFERENCES units ON DELETE RESTRICT,
	password_hash text NOT NULL,
	disabled      boolean NOT NULL DEFAULT false,
	created_at    timestamptz NOT NULL DEFAULT now(),
	updated_at    timestamptz NOT NULL DEFAULT now(),
	UNIQUE (email),
	-- A director belongs to a unit; nobody else carries one.
	CHECK ((role = 'directores') = (unit_id IS NOT NULL))
);

-- Failed logins per email (existing or not, so the answer does not tell which).
CREATE TABLE login_failures (
	email        text PRIMARY KEY,
	failures     integer NOT NULL DEFAULT 0,
	window_start timestamptz NOT NULL DEFAULT now()
);

-- Idempotency-Key: the first answer to (actor, key), replayed for 24 hours.
CREATE TABLE idempotency_keys (
	actor_sub    text NOT NULL,
	key          text NOT NULL,
	request_hash text NOT NULL,
	status       integer NOT NULL,
	body         text NOT NULL,
	location     text,
	created_at   timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (actor_sub, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE audit_log (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at          timestamptz NOT NULL DEFAULT clock_timestamp(),
	actor_sub   text NOT NULL,
	actor_role  text NOT NULL,
	action      text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
	entity      text NOT NULL CHECK (entity IN ('plan', 'axis', 'observation', 'agreement',
	                                            'unit', 'activity', 'progress_update', 'user')),
	entity_id   bigint NOT NULL,
	before      jsonb,
	after       jsonb
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);
