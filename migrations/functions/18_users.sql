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

-- POST /auth/register: a citizen's own account. The id is taken first so that the audit
-- log names the new account itself ("user:<id>") as the actor.
CREATE FUNCTION api_user_register(p_email text, p_name text, p_hash text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint := nextval(pg_get_serial_sequence('users', 'id'));
	v_user users;
BEGIN
	PERFORM api_as('user:' || v_id, 'ciudadanos');
	INSERT INTO users (id, email, name, role, password_hash) OVERRIDING SYSTEM VALUE
	VALUES (v_id, lower(btrim(p_email)), trim_blanks(p_name), 'ciudadanos', p_hash)
	RETURNING * INTO v_user;
	RETURN user_json(v_user);
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

-- POST /auth/register, before the password is hashed: counts a registration of the
-- client address; over p_limit within an hour of the first → 429 too_many_registrations
-- (detail: seconds to wait). Extra accounts bypassed the hourly limit of observations per
-- citizen (issue 17).
CREATE FUNCTION api_registration_allowed(p_address text, p_limit int) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v registrations_by_address;
BEGIN
	INSERT INTO registrations_by_address AS r (address, count, window_start)
	VALUES (p_address, 1, now())
	ON CONFLICT (address) DO UPDATE SET
		count = CASE WHEN r.window_start + interval '1 hour' > now() THEN r.count + 1 ELSE 1 END,
		window_start = CASE WHEN r.window_start + interval '1 hour' > now() THEN r.window_start
		                    ELSE now() END
	RETURNING * INTO v;
	IF v.count > p_limit THEN
		PERFORM api_raise(429, 'too_many_registrations',
		                  greatest(1, ceil(extract(epoch FROM v.window_start + interval '1 hour'
		                                            - now())))::text);
	END IF;
	IF random() < 0.01 THEN
		DELETE FROM registrations_by_address WHERE window_start + interval '1 hour' < now();
	END IF;
	RETURN '{}'::json;
END;
$$;
