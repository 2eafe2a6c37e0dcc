-- The axes ("ejes") of a plan. They change only while the plan is a draft
-- (plan_require_draft locks the plan, so the writes to one plan are serialised).

CREATE FUNCTION axis_json(p_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', a.id, 'plan_id', a.plan_id, 'number', a.number,
	                         'name', a.name, 'description', a.description)
	FROM axes a WHERE a.id = p_id;
$$;

-- The plan of an axis, or 404 when there is no such axis.
CREATE FUNCTION axis_plan(p_axis bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_plan bigint;
BEGIN
	SELECT plan_id INTO v_plan FROM axes WHERE id = p_axis;
	IF NOT FOUND THEN
		PERFORM api_raise(404, 'axis_not_found');
	END IF;
	RETURN v_plan;
END;
$$;

-- GET /plans/{id}/axes: in number order (the key is the number); items NULL (404) when
-- the plan is not visible.
CREATE FUNCTION api_axis_list(p_staff boolean, p_plan bigint, p_after bigint, p_limit int,
                              OUT items json, OUT next_after bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF NOT plan_visible(p_plan, p_staff) THEN
		RETURN;
	END IF;
	WITH page AS (
		SELECT a.*, row_number() OVER (ORDER BY a.number) AS n
		FROM axes a WHERE a.plan_id = p_plan AND a.number > p_after
		ORDER BY a.number LIMIT p_limit + 1)
	SELECT coalesce(json_agg(json_build_object('id', id, 'plan_id', plan_id, 'number', number,
	                                           'name', name, 'description', description)
	                         ORDER BY n) FILTER (WHERE n <= p_limit), '[]'),
	       max(number) FILTER (WHERE n = p_limit AND (SELECT count(*) FROM page) > p_limit)
	INTO items, next_after
	FROM page;
END;
$$;

CREATE FUNCTION api_axis_create(p_sub text, p_role text, p_plan bigint, p_body jsonb)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	PERFORM api_as(p_sub, p_role);
	PERFORM plan_require_amendable(p_plan, p_body);
	INSERT INTO axes (plan_id, number, name, description)
	VALUES (p_plan, (p_body->>'number')::int, trim_blanks(p_body->>'name'),
	        coalesce(trim_blanks(p_body->>'description'), ''))
	RETURNING id INTO v_id;
	RETURN axis_json(v_id);
END;
$$;

CREATE FUNCTION api_axis_update(p_sub text, p_role text, p_id bigint, p_body jsonb,
                                p_if_match text) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM api_as(p_sub, p_role);
	PERFORM plan_require_amendable(axis_plan(p_id), p_body);
	PERFORM check_if_match(p_if_match, axis_json(p_id));
	UPDATE axes SET
		number = coalesce((p_body->>'number')::int, number),
		name = coalesce(trim_blanks(p_body->>'name'), name),
		description = coalesce(trim_blanks(p_body->>'description'), description)
	WHERE id = p_id;
	RETURN axis_json(p_id);
END;
$$;

CREATE FUNCTION api_axis_delete(p_sub text, p_role text, p_id bigint) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM api_as(p_sub, p_role);
	PERFORM plan_require_draft(axis_plan(p_id));
	DELETE FROM axes WHERE id = p_id;
	RETURN '{}'::json;
END;
$$;
