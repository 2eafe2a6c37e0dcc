-- Token revocation (README, "Security"). An account's token generation grows
-- whenever its role, unit, disabled flag or password changes (trigger in
-- functions/18_users.sql); tokens carry the generation they were issued at ("gen") and
-- stop working once it is behind. Deleted accounts and logged-out tokens are remembered
-- here. security_version grows on every such change so that each process refreshes its
-- in-memory copy only when something changed.
ALTER TABLE users ADD COLUMN token_gen bigint NOT NULL DEFAULT 0;

CREATE TABLE deleted_users (
	id bigint PRIMARY KEY,
	deleted_at timestamptz NOT NULL DEFAULT now()
);

-- A logged-out token, by the SHA-256 (hex) of its text, until it expires.
CREATE TABLE revoked_tokens (
	token_hash text PRIMARY KEY,
	expires_at timestamptz NOT NULL
);

CREATE TABLE security_version (
	only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
	n bigint NOT NULL
);
INSERT INTO security_version VALUES (true, 1);

-- The login throttle counts failures per (email, client address), so that failing
-- logins for an email from one address does not lock its owner out from another, and per
-- client address over all emails (password spraying). login_failures (per email alone)
-- is no longer used.
CREATE TABLE login_failures_by_address (
	email        text NOT NULL,
	address      text NOT NULL,
	failures     integer NOT NULL DEFAULT 0,
	window_start timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (email, address)
);

CREATE TABLE login_failures_of_address (
	address      text PRIMARY KEY,
	failures     integer NOT NULL DEFAULT 0,
	window_start timestamptz NOT NULL DEFAULT now()
);

-- Registrations per client address in the current hour (REGISTRATIONS_PER_HOUR).
CREATE TABLE registrations_by_address (
	address      text PRIMARY KEY,
	count        integer NOT NULL DEFAULT 0,
	window_start timestamptz NOT NULL DEFAULT now()
);
