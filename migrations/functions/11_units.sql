-- Units, the offices responsible for activities. The administradora keeps the list;
-- an imported plan adds the ones it names (unit_ensure).

CREATE FUNCTION unit_json(p_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', u.id, 'name', u.name) FROM units u WHERE u.id = p_id;
$$;

CREATE FUNCTION api_unit_list(p_after bigint, p_limit int, OUT items json, OUT next_after bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	WITH page AS (
		SELECT u.id, u.name, row_number() OVER (ORDER BY u.id) AS n
		FROM units u WHERE u.id > p_after ORDER BY u.id LIMIT p_limit + 1)
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

CREATE FUNCTION api_unit_update(p_sub text, p_role text, p_id bigint, p_body jsonb,
                                p_if_match text) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM api_as(p_sub, p_role);
	PERFORM 1 FROM units WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM api_raise(404, 'unit_not_found');
	END IF;
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
	SELECT id INTO v_id FROM units WHERE lower(name) = lower(btrim(p_name));
	IF NOT FOUND THEN
		INSERT INTO units (name) VALUES (btrim(p_name))
		ON CONFLICT ((lower(name))) DO NOTHING
		RETURNING id INTO v_id;
		IF v_id IS NULL THEN
			SELECT id INTO v_id FROM units WHERE lower(name) = lower(btrim(p_name));
		END IF;
	END IF;
	RETURN v_id;
END;
$$;
