-- Activities, the plan's schedule: the representation, the list (JSON, keyset pages by
-- id) and the schedule (CSV) with their filters, and the writes, which change only a
-- draft. Progress is reported in 15_progress.sql.

-- An activity is overdue once the last day of its due month (of the plan's year) has
-- passed on p_as_of, unless it is done or cancelled.
CREATE FUNCTION activity_overdue(p_year int, p_due_month int, p_status text, p_as_of date)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT p_status NOT IN ('done', 'cancelled')
	       AND p_as_of > (make_date(p_year, p_due_month, 1) + interval '1 month - 1 day')::date;
$$;

-- The API representation of an activity row, given its plan, the plan's year, its units
-- (already ordered, NULL for none) and the observations it answers (NULL for none);
-- shared by the single read and the list, which both build the units and links inline (a
-- function per row costs twice as much in the list). A plain SQL expression, so
-- PostgreSQL inlines it into both.
CREATE FUNCTION activity_row_json(t activities, p_plan bigint, p_year int, p_units json,
                                  p_observations json, p_as_of date) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', t.id, 'axis_id', t.axis_id, 'plan_id', p_plan, 'number', t.number,
		'description', t.description, 'due_month', t.due_month,
		'units', coalesce(p_units, '[]'), 'agreement_id', t.agreement_id,
		'observation_ids', coalesce(p_observations, '[]'),
		'status', t.status, 'progress', t.progress,
		'overdue', activity_overdue(p_year, t.due_month, t.status, p_as_of),
		'amendment', t.amendment,
		'updated_at', rfc3339(t.updated_at));
$$;

-- The API representation of an activity as of today (NULL when there is none). Other
-- modules (progress updates) return it too. PL/pgSQL, so that its plan is kept.
CREATE FUNCTION activity_json(p_id bigint) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (
		SELECT activity_row_json(
			t, a.plan_id, p.year,
			(SELECT json_agg(json_build_object('id', u.id, 'name', u.name)
			                 ORDER BY au.position, u.id)
			 FROM activity_units au JOIN units u ON u.id = au.unit_id
			 WHERE au.activity_id = t.id),
			(SELECT json_agg(l.observation_id ORDER BY l.observation_id)
			 FROM activity_observations l WHERE l.activity_id = t.id),
			today())
		FROM activities t JOIN axes a ON a.id = t.axis_id JOIN plans p ON p.id = a.plan_id
		WHERE t.id = p_id);
END;
$$;

-- The plan of an activity, or 404 when there is no such activity.
CREATE FUNCTION activity_plan(p_id bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_plan bigint;
BEGIN
	SELECT a.plan_id INTO v_plan FROM activities t JOIN axes a ON a.id = t.axis_id
	WHERE t.id = p_id;
	IF NOT FOUND THEN
		PERFORM api_raise(404, 'activity_not_found');
	END IF;
	RETURN v_plan;
END;
$$;

-- 422 unless p_agreement (NULL allowed) is an agreement of the plan.
CREATE FUNCTION activity_check_agreement(p_plan bigint, p_agreement bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF p_agreement IS NOT NULL AND NOT EXISTS (
		SELECT 1 FROM agreements g JOIN axes a ON a.id = g.axis_id
		WHERE g.id = p_agreement AND a.plan_id = p_plan) THEN
		PERFORM api_raise(422, 'unknown_agreement', '/agreement_id');
	END IF;
END;
$$;

-- Replaces an activity's units, in the given order (422 at /unit_ids/N for an unknown or
-- repeated one).
CREATE FUNCTION activity_set_units(p_id bigint, p_units jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	e record;
BEGIN
	FOR e IN SELECT value::text::bigint AS id, ordinality AS pos,
	                count(*) OVER (PARTITION BY value ORDER BY ordinality) AS seen
	         FROM jsonb_array_elements(p_units) WITH ORDINALITY ORDER BY ordinality LOOP
		IF e.seen > 1 THEN
			PERFORM api_raise(422, 'duplicate_item', '/unit_ids/' || (e.pos - 1));
		ELSIF NOT EXISTS (SELECT 1 FROM units WHERE id = e.id) THEN
			PERFORM api_raise(422, 'unknown_unit', '/unit_ids/' || (e.pos - 1));
		END IF;
	END LOOP;
	DELETE FROM activity_units au
	WHERE au.activity_id = p_id
	  AND au.unit_id NOT IN (SELECT value::text::bigint FROM jsonb_array_elements(p_units));
	INSERT INTO activity_units (activity_id, unit_id, position)
	SELECT p_id, value::text::bigint, ordinality FROM jsonb_array_elements(p_units) WITH ORDINALITY
	ON CONFLICT (activity_id, unit_id) DO UPDATE SET position = excluded.position
	WHERE activity_units.position IS DISTINCT FROM excluded.position;
END;
$$;

-- Replaces the observations and contributions an activity answers directly: accepted ones
-- of the activity's axis (observation_links_replace).
CREATE FUNCTION activity_link(p_id bigint, p_plan bigint, p_ids jsonb) RETURNS void
LANGUAGE sql AS $$
	SELECT observation_links_replace('activity_observations', 'activity_id', p_id, p_plan,
	                                 (SELECT axis_id FROM activities WHERE id = p_id), p_ids);
$$;

-- True if activity t passes the filters that no index serves (NULL: any): agreement, due
-- month, status, and overdue as of p_as_of, given the plan's year. Shared by every query of the
-- list and by activity_filter; PostgreSQL inlines it, so each keeps its own plan.
CREATE FUNCTION activity_matches(t activities, p_year int, p_agreement bigint, p_month int,
                                 p_status text, p_overdue boolean, p_as_of date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT (p_agreement IS NULL OR t.agreement_id = p_agreement)
	       AND (p_month IS NULL OR t.due_month = p_month)
	       AND (p_status IS NULL OR t.status = p_status)
	       AND (p_overdue IS NULL
	            OR activity_overdue(p_year, t.due_month, t.status, p_as_of) = p_overdue);
$$;

-- The plan's activities matching the filters (NULL: any) as of p_as_of, given the plan's
-- year; shared by the JSON list and the CSV schedule (inlined into both).
CREATE FUNCTION activity_filter(p_plan bigint, p_year int, p_axis bigint, p_unit bigint,
                                p_agreement bigint, p_month int, p_status text,
                                p_overdue boolean, p_as_of date)
RETURNS SETOF activities LANGUAGE sql STABLE AS $$
	SELECT t.* FROM activities t
	WHERE t.axis_id IN (SELECT id FROM axes WHERE plan_id = p_plan)
	  AND (p_axis IS NULL OR t.axis_id = p_axis)
	  AND (p_unit IS NULL OR EXISTS (SELECT 1 FROM activity_units au
	                                 WHERE au.activity_id = t.id AND au.unit_id = p_unit))
	  AND activity_matches(t, p_year, p_agreement, p_month, p_status, p_overdue, p_as_of);
$$;

-- GET /plans/{id}/activities: keyset page by id; items NULL (404) when the plan is not
-- visible. One query per kind of filter, so that each keeps a plan that reads only the
-- page: by agreement, the index (agreement_id, id); by axis, (axis_id, id); by unit,
-- (unit_id, activity_id); otherwise the plan's activities. The units and the observation
-- links of the page are grouped once. (make bench: one generic
-- query for every filter read and sorted all 10,000 activities of a plan for a page of
-- 50, about 5× slower.)
CREATE FUNCTION api_activity_list(p_staff boolean, p_plan bigint, p_axis bigint,
                                  p_unit bigint, p_month int, p_status text,
                                  p_overdue boolean, p_agreement bigint, p_after bigint,
                                  p_limit int,
                                  OUT items json, OUT next_after bigint)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
	v_year int := plan_visible_year(p_plan, p_staff);
	v_page activities[];
BEGIN
	IF v_year IS NULL THEN
		RETURN;
	END IF;
	IF p_agreement IS NOT NULL THEN
		v_page := ARRAY(
			SELECT t FROM activities t
			WHERE t.agreement_id = p_agreement AND t.id > p_after
			  AND t.axis_id IN (SELECT id FROM axes WHERE plan_id = p_plan)
			  AND (p_axis IS NULL OR t.axis_id = p_axis)
			  AND (p_unit IS NULL OR EXISTS (SELECT 1 FROM activity_units au
			                                 WHERE au.activity_id = t.id AND au.unit_id = p_unit))
			  AND activity_matches(t, v_year, NULL, p_month, p_status, p_overdue, today())
			ORDER BY t.id LIMIT p_limit + 1);
	ELSIF p_axis IS NOT NULL THEN
		v_page := ARRAY(
			SELECT t FROM activities t
			WHERE t.axis_id = p_axis AND t.id > p_after
			  AND EXISTS (SELECT 1 FROM axes a WHERE a.id = p_axis AND a.plan_id = p_plan)
			  AND (p_unit IS NULL OR EXISTS (SELECT 1 FROM activity_units au
			                                 WHERE au.activity_id = t.id AND au.unit_id = p_unit))
			  AND activity_matches(t, v_year, NULL, p_month, p_status, p_overdue, today())
			ORDER BY t.id LIMIT p_limit + 1);
	ELSIF p_unit IS NOT NULL THEN
		v_page := ARRAY(
			SELECT t FROM activity_units au JOIN activities t ON t.id = au.activity_id
			WHERE au.unit_id = p_unit AND au.activity_id > p_after
			  AND t.axis_id IN (SELECT id FROM axes WHERE plan_id = p_plan)
			  AND activity_matches(t, v_year, NULL, p_month, p_status, p_overdue, today())
			ORDER BY au.activity_id LIMIT p_limit + 1);
	ELSE
		v_page := ARRAY(
			SELECT t FROM activity_filter(p_plan, v_year, NULL, NULL, NULL, p_month, p_status,
			                              p_overdue, today()) t
			WHERE t.id > p_after
			ORDER BY t.id LIMIT p_limit + 1);
	END IF;
	-- The page is in id order, as each query above reads it.
	WITH page AS (
		SELECT t FROM unnest(v_page[:p_limit]) t),
	un AS (
		SELECT au.activity_id,
		       json_agg(json_build_object('id', u.id, 'name', u.name)
		                ORDER BY au.position, u.id) AS units
		FROM page JOIN activity_units au ON au.activity_id = (page.t).id
		JOIN units u ON u.id = au.unit_id
		GROUP BY au.activity_id),
	ob AS (
		SELECT l.activity_id, json_agg(l.observation_id ORDER BY l.observation_id) AS ids
		FROM page JOIN activity_observations l ON l.activity_id = (page.t).id
		GROUP BY l.activity_id)
	SELECT coalesce(json_agg(activity_row_json(p.t, p_plan, v_year, un.units, ob.ids,
	                                           today())
	                         ORDER BY (p.t).id), '[]')
	INTO items
	FROM page p LEFT JOIN un ON un.activity_id = (p.t).id
	LEFT JOIN ob ON ob.activity_id = (p.t).id;
	IF cardinality(v_page) > p_limit THEN
		next_after := v_page[p_limit].id;
	END IF;
END;
$$;

-- GET /plans/{id}/activities as CSV: the whole filtered schedule in the plan's order, one
-- array of display texts per activity (eje, actividad, mes, responsables, estado, avance);
-- NULL when the plan is not visible.
CREATE FUNCTION api_activity_schedule(p_staff boolean, p_plan bigint, p_axis bigint,
                                      p_unit bigint, p_month int, p_status text,
                                      p_overdue boolean, p_agreement bigint) RETURNS json
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
	v_year int := plan_visible_year(p_plan, p_staff);
BEGIN
	IF v_year IS NULL THEN
		RETURN NULL;
	END IF;
	RETURN (
		SELECT coalesce(json_agg(json_build_array(
			a.number || '. ' || a.name,
			t.description,
			(ARRAY['Enero', 'Febrero', 'Marzo', 'Abril', 'Mayo', 'Junio', 'Julio', 'Agosto',
			       'Septiembre', 'Octubre', 'Noviembre', 'Diciembre'])[t.due_month],
			coalesce((SELECT string_agg(u.name, ' / ' ORDER BY au.position, u.id)
			          FROM activity_units au JOIN units u ON u.id = au.unit_id
			          WHERE au.activity_id = t.id), ''),
			CASE t.status WHEN 'pending' THEN 'pendiente' WHEN 'in_progress' THEN 'en curso'
			              WHEN 'done' THEN 'cumplida' ELSE 'cancelada' END,
			t.progress || '%') ORDER BY a.number, t.number, t.id), '[]')
		FROM activity_filter(p_plan, v_year, p_axis, p_unit, p_agreement, p_month, p_status,
		                     p_overdue, today()) t
		JOIN axes a ON a.id = t.axis_id);
END;
$$;

CREATE FUNCTION api_activity_create(p_sub text, p_role text, p_axis bigint, p_body jsonb)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_plan bigint;
	v_id bigint;
	v_number int := (p_body->>'number')::int;
BEGIN
	PERFORM api_as(p_sub, p_role);
	v_plan := axis_plan(p_axis);
	PERFORM plan_require_amendable(v_plan, p_body);  -- the plan's lock also serialises the numbering
	PERFORM activity_check_agreement(v_plan, (p_body->>'agreement_id')::bigint);
	IF v_number IS NULL THEN
		SELECT coalesce(max(number), 0) + 1 INTO v_number FROM activities WHERE axis_id = p_axis;
		IF v_number > 10000 THEN
			PERFORM api_raise(422, 'number_required', '/number');
		END IF;
	END IF;
	INSERT INTO activities (axis_id, number, description, due_month, agreement_id, amendment)
	VALUES (p_axis, v_number, trim_blanks(p_body->>'description'), (p_body->>'due_month')::int,
	        (p_body->>'agreement_id')::bigint, plan_amendment(v_plan))
	RETURNING id INTO v_id;
	PERFORM activity_set_units(v_id, p_body->'unit_ids');
	PERFORM activity_link(v_id, v_plan, coalesce(p_body->'observation_ids', '[]'));
	RETURN activity_json(v_id);
END;
$$;

CREATE FUNCTION api_activity_update(p_sub text, p_role text, p_id bigint, p_body jsonb,
                                    p_if_match text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_plan bigint;
BEGIN
	PERFORM api_as(p_sub, p_role);
	v_plan := activity_plan(p_id);
	PERFORM plan_require_amendable(v_plan, p_body);
	PERFORM check_if_match(p_if_match, activity_json(p_id));
	IF p_body ? 'agreement_id' THEN
		PERFORM activity_check_agreement(v_plan, (p_body->>'agreement_id')::bigint);
	END IF;
	-- Always touched, so updated_at (and the ETag) move when only the units or links change.
	UPDATE activities SET
		number = coalesce((p_body->>'number')::int, number),
		description = coalesce(trim_blanks(p_body->>'description'), description),
		due_month = coalesce((p_body->>'due_month')::int, due_month),
		agreement_id = CASE WHEN p_body ? 'agreement_id'
		                    THEN (p_body->>'agreement_id')::bigint ELSE agreement_id END,
		amendment = coalesce(plan_amendment(v_plan), amendment),
		updated_at = now()
	WHERE id = p_id;
	IF p_body ? 'unit_ids' THEN
		PERFORM activity_set_units(p_id, p_body->'unit_ids');
	END IF;
	IF p_body ? 'observation_ids' THEN
		PERFORM activity_link(p_id, v_plan, p_body->'observation_ids');
	END IF;
	RETURN activity_json(p_id);
END;
$$;

CREATE FUNCTION api_activity_delete(p_sub text, p_role text, p_id bigint) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM api_as(p_sub, p_role);
	PERFORM plan_require_draft(activity_plan(p_id));
	DELETE FROM activities WHERE id = p_id;
	RETURN '{}'::json;
END;
$$;
