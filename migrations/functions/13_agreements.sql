-- The agreements of an axis and the accepted observations each one answers. They change
-- only while the plan is a draft.

CREATE FUNCTION agreement_json(p_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', g.id, 'axis_id', g.axis_id, 'number', g.number, 'text', g.text,
		'observation_ids', coalesce((SELECT json_agg(l.observation_id ORDER BY l.observation_id)
		                             FROM agreement_observations l
		                             WHERE l.agreement_id = g.id), '[]'))
	FROM agreements g WHERE g.id = p_id;
$$;

-- The plan of an agreement, or 404 when there is no such agreement.
CREATE FUNCTION agreement_plan(p_id bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_plan bigint;
BEGIN
	SELECT a.plan_id INTO v_plan FROM agreements g JOIN axes a ON a.id = g.axis_id
	WHERE g.id = p_id;
	IF NOT FOUND THEN
		PERFORM api_raise(404, 'agreement_not_found');
	END IF;
	RETURN v_plan;
END;
$$;

-- Checks a list of observation ids to link (agreements and activities answer observations):
-- each must be an accepted observation of the plan, of the axis p_axis unless it is NULL,
-- named once (422 pointing at /observation_ids/N otherwise).
CREATE FUNCTION observation_links_check(p_plan bigint, p_axis bigint, p_ids jsonb) RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
	e record;
	v_obs record;
BEGIN
	FOR e IN SELECT value::text::bigint AS id, ordinality - 1 AS i,
	                count(*) OVER (PARTITION BY value ORDER BY ordinality) AS seen
	         FROM jsonb_array_elements(p_ids) WITH ORDINALITY ORDER BY ordinality LOOP
		SELECT o.status, o.axis_id INTO v_obs FROM observations o JOIN axes a ON a.id = o.axis_id
		WHERE o.id = e.id AND a.plan_id = p_plan;
		IF e.seen > 1 THEN
			PERFORM api_raise(422, 'duplicate_item', '/observation_ids/' || e.i);
		ELSIF NOT FOUND THEN
			PERFORM api_raise(422, 'unknown_observation', '/observation_ids/' || e.i);
		ELSIF v_obs.axis_id <> coalesce(p_axis, v_obs.axis_id) THEN
			PERFORM api_raise(422, 'observation_other_axis', '/observation_ids/' || e.i);
		ELSIF v_obs.status <> 'accepted' THEN
			PERFORM api_raise(422, 'observation_not_accepted', '/observation_ids/' || e.i);
		END IF;
	END LOOP;
END;
$$;

-- Replaces the observations that p_id answers with p_ids, once observation_links_check
-- has passed them: the rows (p_owner, observation_id) of the link table p_table
-- (agreement_observations by agreement_id, activity_observations by activity_id).
CREATE FUNCTION observation_links_replace(p_table regclass, p_owner text, p_id bigint,
                                          p_plan bigint, p_axis bigint, p_ids jsonb)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM observation_links_check(p_plan, p_axis, p_ids);
	EXECUTE format('DELETE FROM %s l WHERE l.%I = $1 AND l.observation_id NOT IN '
	               '(SELECT value::text::bigint FROM jsonb_array_elements($2))', p_table, p_owner)
	USING p_id, p_ids;
	EXECUTE format('INSERT INTO %s (%I, observation_id) '
	               'SELECT $1, value::text::bigint FROM jsonb_array_elements($2) '
	               'ON CONFLICT DO NOTHING', p_table, p_owner)
	USING p_id, p_ids;
END;
$$;

-- Replaces the observations an agreement answers: accepted observations of the agreement's
-- plan.
CREATE FUNCTION agreement_link(p_id bigint, p_plan bigint, p_ids jsonb) RETURNS void
LANGUAGE sql AS $$
	SELECT observation_links_replace('agreement_observations', 'agreement_id', p_id, p_plan,
	                                 NULL, p_ids);
$$;

-- GET /axes/{id}/agreements: in number order (the key is the number); items NULL (404)
-- when the axis does not exist or its plan is not visible.
CREATE FUNCTION api_agreement_list(p_staff boolean, p_axis bigint, p_after bigint, p_limit int,
                                   OUT items json, OUT next_after bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM axes a WHERE a.id = p_axis AND plan_visible(a.plan_id, p_staff)) THEN
		RETURN;
	END IF;
	WITH page AS (
		SELECT g.*, row_number() OVER (ORDER BY g.number) AS n
		FROM agreements g WHERE g.axis_id = p_axis AND g.number > p_after
		ORDER BY g.number LIMIT p_limit + 1)
	SELECT coalesce(json_agg(json_build_object(
	                'id', g.id, 'axis_id', g.axis_id, 'number', g.number, 'text', g.text,
	                'observation_ids', coalesce((SELECT json_agg(l.observation_id
	                                                             ORDER BY l.observation_id)
	                                             FROM agreement_observations l
	                                             WHERE l.agreement_id = g.id), '[]'))
	                ORDER BY g.n) FILTER (WHERE g.n <= p_limit), '[]'),
	       max(g.number) FILTER (WHERE g.n = p_limit AND (SELECT count(*) FROM page) > p_limit)
	INTO items, next_after
	FROM page g;
END;
$$;

CREATE FUNCTION api_agreement_create(p_sub text, p_role text, p_axis bigint, p_body jsonb)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_plan bigint;
	v_id bigint;
BEGIN
	PERFORM api_as(p_sub, p_role);
	v_plan := axis_plan(p_axis);
	PERFORM plan_require_amendable(v_plan, p_body);
	INSERT INTO agreements (axis_id, number, text)
	VALUES (p_axis, (p_body->>'number')::int, trim_blanks(p_body->>'text'))
	RETURNING id INTO v_id;
	PERFORM agreement_link(v_id, v_plan, coalesce(p_body->'observation_ids', '[]'));
	RETURN agreement_json(v_id);
END;
$$;

CREATE FUNCTION api_agreement_update(p_sub text, p_role text, p_id bigint, p_body jsonb,
                                     p_if_match text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_plan bigint;
BEGIN
	PERFORM api_as(p_sub, p_role);
	v_plan := agreement_plan(p_id);
	PERFORM plan_require_amendable(v_plan, p_body);
	PERFORM check_if_match(p_if_match, agreement_json(p_id));
	UPDATE agreements SET
		number = coalesce((p_body->>'number')::int, number),
		text = coalesce(trim_blanks(p_body->>'text'), text)
	WHERE id = p_id;
	IF p_body ? 'observation_ids' THEN
		PERFORM agreement_link(p_id, v_plan, p_body->'observation_ids');
	END IF;
	RETURN agreement_json(p_id);
END;
$$;

CREATE FUNCTION api_agreement_delete(p_sub text, p_role text, p_id bigint) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM api_as(p_sub, p_role);
	PERFORM plan_require_draft(agreement_plan(p_id));
	DELETE FROM agreements WHERE id = p_id;
	RETURN '{}'::json;
END;
$$;
