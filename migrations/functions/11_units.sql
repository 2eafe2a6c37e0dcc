-- Units, the offices responsible for activities. The administradora keeps the list;
-- an imported plan adds the ones it names (unit_ensure).

CREATE FUNCTION unit_json(p_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', u.id, 'name', u.name) FROM units u WHERE u.id = p_id;
$$;

-- A unit the public may see: one that no draft plan alone names (issue 17: importing a
-- draft listed its new units to everyone before the plan was public).
CREATE FUNCTION unit_is_public(p_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT coalesce(bool_or(plan_status_public(p.status)), true)
	FROM activity_units au JOIN activities t ON t.id = au.activity_id
	JOIN axes a ON a.id = t.axis_id JOIN plans p ON p.id = a.plan_id
	WHERE au.unit_id = p_id;
$$;

-- GET /units/{id}: NULL (404) for a unit the caller may not see.
CREATE FUNCTION api_unit_get(p_staff boolean, p_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT unit_json(p_id) WHERE p_staff OR unit_is_public(p_id);
$$;

CREATE FUNCTION api_unit_list(p_staff boolean, p_after bigint, p_limit int,
                              OUT items json, OUT next_after bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	WITH page AS (
		SELECT u.id, u.name, row_number() OVER (ORDER BY u.id) AS n
		FROM units u WHERE u.id > p_after AND (p_staff OR unit_is_public(u.id))
		ORDER BY u.id LIMIT p_limit + 1)
	SELECT coalesce(json_agg(json_build_object('id', id, 'name', name) ORDER BY n)
	                FILTER (WHERE n <= p_limit), '[]'),
	       max(id) FILTER (WHERE n = p_limit AND (SELECT count(*) FROM page) > p_limit)
	INTO items, next_after
	FROM page;
END;
$$;

CREATE FUNCTION api_unit_create(p_sub text, p_role text, p_body jsonb) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	PERFORM api_as(p_sub, p_role);
	INSERT INTO units (name) VALUES (trim_blanks(p_body->>'name')) RETURNING id INTO v_id;
	RETURN unit_json(v_id);
END;
$$;

-- Locks the unit p_id for a change; 404 when it does not exist.
CREATE FUNCTION unit_lock(p_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM 1 FROM units WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM api_raise(404, 'unit_not_found');
	END IF;
END;
$$;

CREATE FUNCTION api_unit_update(p_sub text, p_role text, p_id bigint, p_body jsonb,
                                p_if_match text) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM api_as(p_sub, p_role);
	PERFORM unit_lock(p_id);
	PERFORM check_if_match(p_if_match, unit_json(p_id));
	UPDATE units SET name = coalesce(trim_blanks(p_body->>'name'), name) WHERE id = p_id;
	RETURN unit_json(p_id);
END;
$$;

-- Finds or creates a unit by name (case-insensitive) and returns its id.
CREATE FUNCTION unit_ensure(p_name text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	SELECT id INTO v_id FROM units WHERE lower(name) = lower(trim_blanks(p_name));
	IF NOT FOUND THEN
		INSERT INTO units (name) VALUES (trim_blanks(p_name))
		ON CONFLICT ((lower(name))) DO NOTHING
		RETURNING id INTO v_id;
		IF v_id IS NULL THEN
			SELECT id INTO v_id FROM units WHERE lower(name) = lower(trim_blanks(p_name));
		END IF;
	END IF;
	RETURN v_id;
END;
$$;

-- DELETE /units/{id}: only a unit nothing uses (no activity, no account): else 409
-- unit_in_use.
CREATE FUNCTION api_unit_delete(p_sub text, p_role text, p_id bigint) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM api_as(p_sub, p_role);
	PERFORM unit_lock(p_id);
	IF EXISTS (SELECT 1 FROM activity_units WHERE unit_id = p_id)
	   OR EXISTS (SELECT 1 FROM users WHERE unit_id = p_id) THEN
		PERFORM api_raise(409, 'unit_in_use');
	END IF;
	DELETE FROM units WHERE id = p_id;
	RETURN '{}'::json;
END;
$$;

-- POST /units/{id}/merge {into_id}: a unit that names another one a second time (an
-- import's typo) goes into it, on any plan, since this fixes a name, not a commitment:
-- every activity's link moves to into_id (keeping the activity's order of units; an
-- activity that named both keeps one), then every other reference to the unit (the
-- accounts of its directors, and any column whose foreign key names units), and the unit
-- is deleted. Each row changed is audited by its own trigger (functions/01_audit.sql).
CREATE FUNCTION api_unit_merge(p_sub text, p_role text, p_id bigint, p_body jsonb)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_into bigint := (p_body->>'into_id')::bigint;
	r record;
BEGIN
	PERFORM api_as(p_sub, p_role);
	IF v_into = p_id THEN
		PERFORM api_raise(422, 'unit_merge_self', '/into_id');
	END IF;
	-- Both locked, the lower id first, so two opposite merges cannot deadlock.
	PERFORM 1 FROM units WHERE id IN (p_id, v_into) ORDER BY id FOR UPDATE;
	IF NOT EXISTS (SELECT 1 FROM units WHERE id = p_id) THEN
		PERFORM api_raise(404, 'unit_not_found');
	ELSIF NOT EXISTS (SELECT 1 FROM units WHERE id = v_into) THEN
		PERFORM api_raise(422, 'unknown_unit', '/into_id');
	END IF;
	-- An activity that names both keeps the target at the earlier of the two positions.
	UPDATE activity_units t SET position = least(t.position, f.position)
	FROM activity_units f
	WHERE f.unit_id = p_id AND t.unit_id = v_into AND t.activity_id = f.activity_id
	  AND t.position > f.position;
	DELETE FROM activity_units f
	WHERE f.unit_id = p_id
	  AND EXISTS (SELECT 1 FROM activity_units t
	              WHERE t.activity_id = f.activity_id AND t.unit_id = v_into);
	UPDATE activity_units SET unit_id = v_into WHERE unit_id = p_id;
	FOR r IN SELECT c.conrelid::regclass AS tbl, a.attname AS col
	         FROM pg_constraint c
	         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
	         WHERE c.contype = 'f' AND c.confrelid = 'units'::regclass
	           AND cardinality(c.conkey) = 1 AND c.conrelid <> 'activity_units'::regclass LOOP
		EXECUTE format('UPDATE %s SET %I = $1 WHERE %I = $2', r.tbl, r.col, r.col)
		USING v_into, p_id;
	END LOOP;
	DELETE FROM units WHERE id = p_id;
	RETURN unit_json(v_into);
END;
$$;
