-- Local accounts: their representation (never the password hash), creation by the
-- administrator, the CLI and citizens' self-registration, updates, and the login
-- throttle. The service hashes passwords (Argon2id) and passes only the hash.

CREATE FUNCTION user_json(u users) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', u.id, 'email', u.email, 'name', u.name, 'role', u.role,
		'unit_id', u.unit_id, 'disabled', u.disabled,
		'created_at', rfc3339(u.created_at), 'updated_at', rfc3339(u.updated_at));
$$;

-- A director belongs to an existing unit; nobody else carries one (422 at /unit_id).
CREATE FUNCTION user_check_unit(p_role text, p_unit_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF p_role = 'directores' THEN
		IF p_unit_id IS NULL THEN
			PERFORM api_raise(422, 'director_needs_unit', '/unit_id');
		END IF;
		-- Locked so the unit cannot be deleted before this transaction commits.
		PERFORM 1 FROM units WHERE id = p_unit_id FOR KEY SHARE;
		IF NOT FOUND THEN
			PERFORM api_raise(422, 'unknown_unit', '/unit_id');
		END IF;
	ELSIF p_unit_id IS NOT NULL THEN
		PERFORM api_raise(422, 'unit_only_for_directors', '/unit_id');
	END IF;
END;
$$;

-- Mail to an account goes through the transactional outbox (migrations/013_outbox.sql,
-- delivered by service/notify/), only when the service has a mail server
-- (rendicion.mail = 'on', set on its sessions by service/db/pool.c from SMTP_URL).
CREATE FUNCTION outbox_mail_on() RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT coalesce(current_setting('rendicion.mail', true), '') = 'on';
$$;

-- A mail to account p_user about p_event (its template in service/notify/mail_text.c).
CREATE FUNCTION outbox_mail(p_user bigint, p_event text, p_payload jsonb) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO outbox (channel, event, user_id, payload)
	SELECT 'mail', p_event, p_user, p_payload WHERE outbox_mail_on();
$$;

-- A new one-use token for an account link: its text (64 hex digits, 244 random bits from
-- two UUIDv4), stored only as its SHA-256.
CREATE FUNCTION account_token_new(p_user bigint, p_purpose text, p_ttl interval) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_token text := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
BEGIN
	INSERT INTO account_tokens (token_hash, user_id, purpose, expires_at)
	VALUES (encode(sha256(convert_to(v_token, 'UTF8')), 'hex'), p_user, p_purpose,
	        now() + p_ttl);
	RETURN v_token;
END;
$$;

-- Takes a token of p_purpose: the account it belongs to, the token used up. Unknown,
-- used or expired → 422 invalid_account_token at /token.
CREATE FUNCTION account_token_take(p_token text, p_purpose text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_user bigint;
BEGIN
	UPDATE account_tokens SET used_at = now()
	WHERE token_hash = encode(sha256(convert_to(coalesce(p_token, ''), 'UTF8')), 'hex')
	  AND purpose = p_purpose AND used_at IS NULL AND expires_at > now()
	RETURNING user_id INTO v_user;
	IF v_user IS NULL THEN
		PERFORM api_raise(422, 'invalid_account_token', '/token');
	END IF;
	RETURN v_user;
END;
$$;

-- POST /users and `rendicion user add`: an account of any role.
CREATE FUNCTION api_user_create(p_sub text, p_role text, p_email text, p_name text,
                                p_user_role text, p_unit_id bigint, p_hash text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_user users;
BEGIN
	PERFORM api_as(p_sub, p_role);
	PERFORM user_check_unit(p_user_role, p_unit_id);
	INSERT INTO users (email, name, role, unit_id, password_hash)
	VALUES (lower(btrim(p_email)), trim_blanks(coalesce(p_name, '')), p_user_role, p_unit_id, p_hash)
	RETURNING * INTO v_user;
	RETURN user_json(v_user);
END;
$$;

-- POST /auth/register: a citizen's own account. The answer is the same whether or not
-- the email is known (openapi/openapi.yaml, "Accounts"): a known one gets a mail instead
-- of a second account. With mail (outbox_mail_on) the new account works once the link of
-- its verification mail is followed (a token good for 7 days); without, at once. The id is
-- taken first so that the audit log names the new account itself ("user:<id>") as the
-- actor.
CREATE FUNCTION api_user_register(p_email text, p_name text, p_hash text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_email text := lower(btrim(p_email));
	v_id bigint;
	v_mail boolean := outbox_mail_on();
BEGIN
	SELECT id INTO v_id FROM users WHERE email = v_email;
	IF FOUND THEN
		PERFORM outbox_mail(v_id, 'account.exists', '{}');
	ELSE
		v_id := nextval(pg_get_serial_sequence('users', 'id'));
		PERFORM api_as('user:' || v_id, 'ciudadanos');
		-- A registration racing another of the same email: the unique email refuses the
		-- second insert, and the answer stays the same.
		INSERT INTO users (id, email, name, role, password_hash, verified_at)
		OVERRIDING SYSTEM VALUE
		VALUES (v_id, v_email, trim_blanks(p_name), 'ciudadanos', p_hash,
		        CASE WHEN v_mail THEN NULL ELSE now() END)
		ON CONFLICT (email) DO NOTHING;
		IF FOUND AND v_mail THEN
			PERFORM outbox_mail(v_id, 'account.verify', jsonb_build_object(
				'token', account_token_new(v_id, 'verify', interval '7 days')));
		END IF;
	END IF;
	RETURN json_build_object('email', v_email,
	                         'verification', CASE WHEN v_mail THEN 'mail' ELSE 'none' END);
END;
$$;

-- POST /auth/verify {token}: the account of a verification link works from now on.
CREATE FUNCTION api_user_verify(p_token text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint := account_token_take(p_token, 'verify');
BEGIN
	PERFORM api_as('user:' || v_id, 'ciudadanos');
	UPDATE users SET verified_at = now() WHERE id = v_id AND verified_at IS NULL;
	RETURN '{}'::json;
END;
$$;

-- POST /auth/password-reset {email}: a mail with a reset link (one use, 1 hour) to an
-- account that exists and is enabled; nothing otherwise, with the same answer. Earlier
-- reset links of the account stop working.
CREATE FUNCTION api_password_reset_request(p_email text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	SELECT id INTO v_id FROM users WHERE email = lower(btrim(p_email)) AND NOT disabled;
	IF FOUND AND outbox_mail_on() THEN
		UPDATE account_tokens SET used_at = now()
		WHERE user_id = v_id AND purpose = 'reset' AND used_at IS NULL;
		PERFORM outbox_mail(v_id, 'password.reset', jsonb_build_object(
			'token', account_token_new(v_id, 'reset', interval '1 hour')));
	END IF;
	RETURN '{}'::json;
END;
$$;

-- POST /auth/password-reset/confirm {token, password}: the new password (its hash). The
-- link proves the mailbox, so an unverified account is verified too; the password change
-- retires the account's earlier tokens (users_token_gen, below).
CREATE FUNCTION api_password_reset_confirm(p_token text, p_hash text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint := account_token_take(p_token, 'reset');
BEGIN
	PERFORM api_as('user:' || v_id, (SELECT role FROM users WHERE id = v_id));
	UPDATE users SET password_hash = p_hash, password_changed_at = now(),
	                 verified_at = coalesce(verified_at, now())
	WHERE id = v_id;
	RETURN '{}'::json;
END;
$$;

-- The local account a token's sub names ("user:<id>"); 404 account_not_found for any
-- other sub (an identity provider's) or a deleted account.
CREATE FUNCTION me_account_id(p_sub text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_id bigint;
BEGIN
	IF p_sub ~ '^user:[0-9]{1,18}$' THEN
		SELECT id INTO v_id FROM users WHERE id = substr(p_sub, 6)::bigint;
	END IF;
	IF v_id IS NULL THEN
		PERFORM api_raise(404, 'account_not_found');
	END IF;
	RETURN v_id;
END;
$$;

-- GET /me/account: one's own account, with the password hash for the service to check a
-- password change against ('hash'; the service removes it before answering).
CREATE FUNCTION api_me_account(p_sub text, p_with_hash boolean) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN p_with_hash
	            THEN (user_json(u)::jsonb || jsonb_build_object('hash', u.password_hash))::json
	            ELSE user_json(u) END
	FROM users u WHERE u.id = me_account_id(p_sub);
$$;

-- DELETE /me/account: the account goes; its observations stay, without their author
-- (the public never saw it; staff see null). Its tokens stop working (users_deleted).
CREATE FUNCTION api_me_account_delete(p_sub text, p_role text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint := me_account_id(p_sub);
BEGIN
	PERFORM api_as(p_sub, p_role);
	UPDATE observations SET author_sub = NULL, author_role = NULL WHERE author_sub = p_sub;
	DELETE FROM users WHERE id = v_id;
	RETURN '{}'::json;
END;
$$;

-- PATCH /users/{id}: the members given. A role other than directores drops the unit; a
-- new hash replaces the password.
CREATE FUNCTION api_user_update(p_sub text, p_role text, p_id bigint, p_body jsonb,
                                p_hash text, p_if_match text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_old users;
	v_new users;
	v_role text;
	v_unit bigint;
BEGIN
	PERFORM api_as(p_sub, p_role);
	SELECT * INTO v_old FROM users WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM api_raise(404, 'user_not_found');
	END IF;
	PERFORM check_if_match(p_if_match, user_json(v_old));
	v_role := coalesce(p_body->>'role', v_old.role);
	IF p_body ? 'unit_id' THEN
		v_unit := (p_body->>'unit_id')::bigint;
	ELSIF v_role = 'directores' THEN
		v_unit := v_old.unit_id;
	END IF;
	PERFORM user_check_unit(v_role, v_unit);
	UPDATE users SET
		name = coalesce(trim_blanks(p_body->>'name'), name),
		role = v_role,
		unit_id = v_unit,
		disabled = coalesce((p_body->>'disabled')::boolean, disabled),
		password_hash = coalesce(p_hash, password_hash),
		password_changed_at = CASE WHEN p_hash IS NULL THEN password_changed_at ELSE now() END
	WHERE id = p_id
	RETURNING * INTO v_new;
	RETURN user_json(v_new);
END;
$$;

-- PATCH /me/account {name?, password (its hash)?}: the service has checked the current
-- password against p_old_hash; a concurrent change of it in between → 409. Then the change
-- is api_user_update's of one's own account (the body holds no role, unit nor flag).
CREATE FUNCTION api_me_account_update(p_sub text, p_role text, p_body jsonb, p_hash text,
                                      p_old_hash text, p_if_match text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_old users;
BEGIN
	SELECT * INTO v_old FROM users WHERE id = me_account_id(p_sub) FOR UPDATE;
	PERFORM check_if_match(p_if_match, user_json(v_old));
	IF p_hash IS NOT NULL AND v_old.password_hash IS DISTINCT FROM p_old_hash THEN
		PERFORM api_raise(409, 'password_changed_meanwhile');
	END IF;
	RETURN api_user_update(p_sub, p_role, v_old.id, p_body, p_hash, NULL);
END;
$$;

-- GET /users: keyset page of accounts, oldest first.
CREATE FUNCTION api_user_list(p_after bigint, p_limit int, OUT items json, OUT next_after bigint)
LANGUAGE sql STABLE AS $$
	WITH page AS (
		SELECT u FROM users u WHERE u.id > p_after ORDER BY u.id LIMIT p_limit + 1),
	numbered AS (SELECT u, row_number() OVER (ORDER BY (u).id) AS n FROM page)
	SELECT coalesce(json_agg(user_json(u) ORDER BY n) FILTER (WHERE n <= p_limit), '[]'),
	       max((u).id) FILTER (WHERE n = p_limit AND (SELECT count(*) FROM page) > p_limit)
	FROM numbered;
$$;

-- The login throttle (README "Security"): failures are counted per (email, client
-- address) and per client address over all emails. login_max_failures() failed logins of
-- one email from one address within login_window() of the first → 429 from that address
-- until the window ends; other addresses, the owner's among them, are not affected.
-- login_max_failures_per_address() failures from one address over all emails (password
-- spraying) → 429 for every email from that address.
CREATE FUNCTION login_max_failures() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 5';

CREATE FUNCTION login_max_failures_per_address() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 300';

CREATE FUNCTION login_window() RETURNS interval LANGUAGE sql IMMUTABLE AS $$SELECT interval '15 minutes'$$;

-- POST /auth/token, first step: counts the attempt as a failure (of the email from the
-- address, and of the address) before the password is checked, so that parallel guesses
-- cannot slip past the limit (the row locks order them); 429 (detail: seconds to wait,
-- the counts left unchanged) once either is over its limit. Else returns what the service
-- needs to check the password; every member is null when there is no such account, so
-- the caller runs the same Argon2id check anyway. The hash stays inside the service: no
-- endpoint returns this object.
CREATE FUNCTION api_login_begin(p_email text, p_address text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_email text := lower(btrim(p_email));
	v_pair login_failures_by_address;
	v_addr login_failures_of_address;
	v_user users;
BEGIN
	INSERT INTO login_failures_of_address AS f (address, failures, window_start)
	VALUES (p_address, 1, now())
	ON CONFLICT (address) DO UPDATE SET
		failures = CASE WHEN f.window_start + login_window() > now() THEN f.failures + 1
		                ELSE 1 END,
		window_start = CASE WHEN f.window_start + login_window() > now() THEN f.window_start
		                    ELSE now() END
	RETURNING * INTO v_addr;
	INSERT INTO login_failures_by_address AS f (email, address, failures, window_start)
	VALUES (v_email, p_address, 1, now())
	ON CONFLICT (email, address) DO UPDATE SET
		failures = CASE WHEN f.window_start + login_window() > now() THEN f.failures + 1
		                ELSE 1 END,
		window_start = CASE WHEN f.window_start + login_window() > now() THEN f.window_start
		                    ELSE now() END
	RETURNING * INTO v_pair;
	IF v_pair.failures > login_max_failures() THEN
		PERFORM api_raise(429, 'too_many_logins',
		                  greatest(1, ceil(extract(epoch FROM v_pair.window_start
		                                            + login_window() - now())))::text);
	END IF;
	IF v_addr.failures > login_max_failures_per_address() THEN
		PERFORM api_raise(429, 'too_many_logins',
		                  greatest(1, ceil(extract(epoch FROM v_addr.window_start
		                                            + login_window() - now())))::text);
	END IF;
	IF random() < 0.01 THEN
		DELETE FROM login_failures_by_address WHERE window_start + login_window() < now();
		DELETE FROM login_failures_of_address WHERE window_start + login_window() < now();
	END IF;
	SELECT * INTO v_user FROM users WHERE email = v_email;
	RETURN json_build_object('id', v_user.id, 'role', v_user.role, 'unit_id', v_user.unit_id,
	                         'disabled', v_user.disabled, 'hash', v_user.password_hash,
	                         'verified', v_user.verified_at IS NOT NULL,
	                         'token_gen', v_user.token_gen);
END;
$$;

-- POST /auth/token, after the right password: clears the count of the email from this
-- address and takes this attempt back from the address's count (api_login_begin counted
-- every attempt as a failure).
CREATE FUNCTION api_login_succeeded(p_email text, p_address text) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM login_failures_by_address
	WHERE email = lower(btrim(p_email)) AND address = p_address;
	UPDATE login_failures_of_address SET failures = greatest(failures - 1, 0)
	WHERE address = p_address;
	RETURN '{}'::json;
END;
$$;

-- Revocation (migrations/011_security.sql): a change of role, unit, disabled flag or
-- password moves the account to a new token generation; its earlier tokens stop working.
CREATE FUNCTION users_token_gen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.role IS DISTINCT FROM OLD.role OR NEW.unit_id IS DISTINCT FROM OLD.unit_id OR
	   NEW.disabled IS DISTINCT FROM OLD.disabled OR
	   NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN
		NEW.token_gen := OLD.token_gen + 1;
	END IF;
	RETURN NEW;
END;
$$;

CREATE TRIGGER users_token_gen BEFORE UPDATE ON users
	FOR EACH ROW EXECUTE FUNCTION users_token_gen();

CREATE FUNCTION users_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO deleted_users (id) VALUES (OLD.id) ON CONFLICT DO NOTHING;
	RETURN OLD;
END;
$$;

CREATE TRIGGER users_deleted AFTER DELETE ON users
	FOR EACH ROW EXECUTE FUNCTION users_deleted();

-- Tells every process that its copy of the revocation state is out of date.
CREATE FUNCTION security_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE security_version SET n = n + 1;
	RETURN NULL;
END;
$$;

CREATE TRIGGER users_security_bump AFTER UPDATE OR DELETE ON users
	FOR EACH STATEMENT EXECUTE FUNCTION security_bump();
CREATE TRIGGER revoked_tokens_security_bump AFTER INSERT ON revoked_tokens
	FOR EACH STATEMENT EXECUTE FUNCTION security_bump();

-- The revocation state a process keeps in memory: {"n"} alone when p_known is current,
-- else {"n", "gens": [[id, gen], …] (accounts past generation 0; a deleted one has -1),
-- "revoked": [sha256 hex, …]}.
CREATE FUNCTION security_snapshot(p_known bigint) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_n bigint := (SELECT n FROM security_version);
BEGIN
	IF v_n = p_known THEN
		RETURN json_build_object('n', v_n);
	END IF;
	RETURN json_build_object(
		'n', v_n,
		'gens', (SELECT coalesce(json_agg(json_build_array(id, gen)), '[]')
		         FROM (SELECT id, token_gen AS gen FROM users WHERE token_gen > 0
		               UNION ALL SELECT id, -1 FROM deleted_users) g),
		'revoked', (SELECT coalesce(json_agg(token_hash), '[]') FROM revoked_tokens
		            WHERE expires_at > now()));
END;
$$;

-- POST /auth/logout: the presented token (by its SHA-256) stops working until it expires.
CREATE FUNCTION api_logout(p_token_hash text, p_expires bigint) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM revoked_tokens WHERE expires_at < now() - interval '1 minute';
	INSERT INTO revoked_tokens (token_hash, expires_at)
	VALUES (p_token_hash, to_timestamp(p_expires))
	ON CONFLICT (token_hash) DO NOTHING;
	RETURN '{}'::json;
END;
$$;

-- Before POST /auth/register (p_action 'register', before the password is hashed) and
-- POST /auth/password-reset ('password-reset', before anything else): counts a request of
-- the client address p_address, each action in a table of its own (registrations_by_address,
-- password_resets_by_address: an hourly window per address). Over p_limit within an hour of
-- the window's first request → 429 too_many_registrations or too_many_resets (detail:
-- seconds to wait). Extra accounts bypassed the hourly limit of observations per citizen
-- (issue 17). Now and then forgets the windows that have passed.
CREATE FUNCTION api_address_allowed(p_action text, p_address text, p_limit int) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_table regclass := CASE p_action WHEN 'register' THEN 'registrations_by_address'
	                                  ELSE 'password_resets_by_address' END;
	v_count int;
	v_wait text;
BEGIN
	EXECUTE format($q$
		INSERT INTO %s AS r (address, count, window_start)
		VALUES ($1, 1, now())
		ON CONFLICT (address) DO UPDATE SET
			count = CASE WHEN r.window_start + interval '1 hour' > now() THEN r.count + 1 ELSE 1 END,
			window_start = CASE WHEN r.window_start + interval '1 hour' > now() THEN r.window_start
			                    ELSE now() END
		RETURNING count,
		          greatest(1, ceil(extract(epoch FROM window_start + interval '1 hour' - now())))::text
		$q$, v_table)
	INTO v_count, v_wait USING p_address;
	IF v_count > p_limit AND p_action = 'register' THEN
		PERFORM api_raise(429, 'too_many_registrations', v_wait);
	ELSIF v_count > p_limit THEN
		PERFORM api_raise(429, 'too_many_resets', v_wait);
	END IF;
	IF random() < 0.01 THEN
		EXECUTE format('DELETE FROM %s WHERE window_start + interval ''1 hour'' < now()', v_table);
	END IF;
	RETURN '{}'::json;
END;
$$;
