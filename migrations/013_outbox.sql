-- People reached where they are (openapi/openapi.yaml, "Mail and webhooks"): a
-- transactional outbox. Every mail and webhook delivery is a row written in the same
-- transaction as the change that causes it (triggers and account functions in
-- functions/21_outbox.sql and functions/18_users.sql); `serve` delivers the pending ones
-- (service/notify/). Accounts gain email verification and password reset, whose tokens
-- are kept only as SHA-256 hashes.

-- Accounts made before this release, and those the administradora or `user add` makes,
-- are verified; a citizen who registers while mail is configured is not until the link
-- of the verification mail is followed.
ALTER TABLE users ADD COLUMN verified_at timestamptz DEFAULT now();

-- One-use tokens of verification and password reset links, by the SHA-256 (hex) of the
-- token; the token itself is in the pending mail only (removed once sent).
CREATE TABLE account_tokens (
	token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
	user_id    bigint NOT NULL REFERENCES users ON DELETE CASCADE,
	purpose    text NOT NULL CHECK (purpose IN ('verify', 'reset')),
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	used_at    timestamptz
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);

-- Password reset requests per client address in the current hour (REGISTRATIONS_PER_HOUR,
-- counted apart from registrations).
CREATE TABLE password_resets_by_address (
	address      text PRIMARY KEY,
	count        integer NOT NULL DEFAULT 0,
	window_start timestamptz NOT NULL DEFAULT now()
);

-- Webhook subscriptions (administradora). The secret signs every delivery (Standard
-- Webhooks), so it is kept as given out: "whsec_" and the base64 of 32 random bytes.
CREATE TABLE webhooks (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	url        text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
	events     text[] NOT NULL CHECK (cardinality(events) >= 1 AND events <@ ARRAY[
	               'observation.answered', 'progress.reported', 'plan.approved',
	               'plan.amended', 'plan.closed']),
	secret     text NOT NULL,
	created_by text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);

-- The outbox: one row per message to deliver (a mail to an account, or an event to one
-- webhook). message_id is the stable identity of the message (Message-ID, webhook-id):
-- a resend after a crash carries the same one. Claimed with FOR UPDATE SKIP LOCKED;
-- failed attempts wait next_attempt_at (exponential backoff); after the last one the row
-- is dead (kept, with its last error).
CREATE TABLE outbox (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	message_id      uuid NOT NULL DEFAULT gen_random_uuid(),
	channel         text NOT NULL CHECK (channel IN ('mail', 'webhook')),
	event           text NOT NULL CHECK (length(event) BETWEEN 1 AND 64),
	user_id         bigint REFERENCES users ON DELETE CASCADE,
	webhook_id      bigint REFERENCES webhooks ON DELETE CASCADE,
	payload         jsonb NOT NULL,
	status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
	attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	next_attempt_at timestamptz NOT NULL DEFAULT now(),
	last_error      text,
	created_at      timestamptz NOT NULL DEFAULT now(),
	sent_at         timestamptz,
	CHECK ((channel = 'mail') = (user_id IS NOT NULL)),
	CHECK ((channel = 'webhook') = (webhook_id IS NOT NULL))
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_webhook ON outbox (webhook_id, id) WHERE webhook_id IS NOT NULL;

-- Each attempt to deliver a webhook event: what GET /webhooks/{id}/deliveries shows.
CREATE TABLE webhook_attempts (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	outbox_id    bigint NOT NULL REFERENCES outbox ON DELETE CASCADE,
	attempt      integer NOT NULL CHECK (attempt >= 1),
	attempted_at timestamptz NOT NULL DEFAULT now(),
	http_status  integer,
	error        text,
	duration_ms  integer NOT NULL DEFAULT 0
);
CREATE INDEX webhook_attempts_outbox ON webhook_attempts (outbox_id, id);
