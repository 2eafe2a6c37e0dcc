-- What the functions of every resource share. Every file of this folder is code, not
-- history: `rendicion migrate` drops all the functions, views and triggers and runs these
-- files again, whole, in name order, in one transaction (service/db/migrate.c). The order
-- matters for functions in SQL, whose bodies are checked when they are created: they may
-- call functions of their own file (defined above them) and of earlier files only.
--
-- The conventions of the API's functions: a write (api_*) takes the actor (api_as), checks
-- the state, changes the rows (the triggers of 01_audit.sql write the audit log) and
-- returns the new representation, all in the one statement the service sends; a list is a
-- keyset page (the items and, when another page follows, the key of the last one); reads
-- apply the visibility rule (drafts only for staff). Errors are raised with api_raise.

-- Raises an API error: SQLSTATE P0 followed by the HTTP status it maps to (P0404, P0409,
-- ...), the reason as the message (a name in service/http/reasons.def, which words it) and
-- the detail (a JSON pointer for a 422, the seconds to wait for a 429).
CREATE FUNCTION api_raise(p_status int, p_reason text, p_detail text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION USING ERRCODE = 'P0' || p_status::text, MESSAGE = p_reason,
	                      DETAIL = coalesce(p_detail, '');
END;
$$;

-- STABLE like to_char itself, so PostgreSQL can inline it into the calling query.
CREATE FUNCTION rfc3339(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
$$;

-- The administration's day: the date of now() in the session's TimeZone, which the service
-- sets to TIME_ZONE (service/db/pool.c). Overdue flags and compliance's default as_of use
-- it, never current_date, so that a test can pin "now" with the setting rendicion.now (a
-- timestamp with its offset) that only a role's or database's owner gives, as in
-- ALTER ROLE r SET rendicion.now = '2027-01-01T04:30:00Z'; no request can set it.
CREATE FUNCTION today() RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT coalesce(nullif(current_setting('rendicion.now', true), '')::timestamptz, now())::date;
$$;

-- A plan's author or approver as the API shows it: {name, position}, or null.
CREATE FUNCTION person_json(p_name text, p_position text) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN p_name IS NULL THEN NULL
	            ELSE json_build_object('name', p_name, 'position', p_position) END;
$$;

-- The blanks: Unicode's White_Space characters, U+200B and U+FEFF; exactly the list of
-- service/core/text.c (blanks[]), which the service's validation does not count
-- (tests/security/text.test.mjs compares the two).
CREATE FUNCTION blank_chars() RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT E'\t\n\u000B\f\r \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005'
	       || E'\u2006\u2007\u2008\u2009\u200A\u200B\u2028\u2029\u202F\u205F\u3000\uFEFF';
$$;

-- s without its leading and trailing blanks, so that a length the validation accepted
-- fits the table's CHECKs (issue 17: 50 tabs and 200 characters were a generic 422).
CREATE FUNCTION trim_blanks(s text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT btrim(s, blank_chars());
$$;

-- Compares If-Match (an ETag without quotes, or NULL when absent) with the current body.
CREATE FUNCTION check_if_match(p_if_match text, p_current json) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF p_if_match IS NOT NULL AND p_if_match <> '*' AND p_if_match <> md5(p_current::text) THEN
		PERFORM api_raise(412, 'stale');
	END IF;
END;
$$;
