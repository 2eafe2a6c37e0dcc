-- Progress updates, an activity's timeline. Appending an update and applying its
-- progress and status to the activity happen in one function, so in the one statement
-- (and transaction) the service sends; the triggers of 01_audit.sql log both rows.

-- The unit a report speaks for (issue 17: the public sees the unit, not the person),
-- recorded when it is reported (progress_updates.unit_id, 015_progress_unit.sql): the
-- reporter's unit (a director's own, from the token) when it is one of the activity's
-- responsible units, else the activity's only responsible unit; NULL when neither tells
-- (the administradora on an activity of several units).
CREATE FUNCTION progress_reporting_unit(p_unit bigint, p_activity bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT au.unit_id FROM activity_units au
	WHERE au.activity_id = p_activity
	  AND (au.unit_id = p_unit
	       OR (SELECT count(*) FROM activity_units c WHERE c.activity_id = p_activity) = 1)
	ORDER BY au.unit_id
	LIMIT 1;
$$;

-- author_sub (who reported) only for staff.
CREATE FUNCTION progress_update_json(u progress_updates, p_staff boolean) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN p_staff THEN json_build_object(
		'id', u.id, 'activity_id', u.activity_id, 'progress', u.progress, 'status', u.status,
		'note', u.note, 'evidence_url', u.evidence_url, 'unit', unit_json(u.unit_id),
		'author_sub', u.author_sub, 'created_at', rfc3339(u.created_at))
	ELSE json_build_object(
		'id', u.id, 'activity_id', u.activity_id, 'progress', u.progress, 'status', u.status,
		'note', u.note, 'evidence_url', u.evidence_url, 'unit', unit_json(u.unit_id),
		'created_at', rfc3339(u.created_at)) END;
$$;

-- GET /activities/{id}/updates: keyset page of the timeline, oldest first. Both columns
-- are NULL (404) when the activity does not exist or its plan is a draft the caller may
-- not see. PL/pgSQL rather than SQL so that its plans are cached (a non-inlined SQL
-- function is planned again on every call: 3x the time here).
CREATE FUNCTION api_progress_list(p_staff boolean, p_activity bigint, p_after bigint,
                                  p_limit int, OUT items json, OUT next_after bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM activities t
	               JOIN axes a ON a.id = t.axis_id
	               JOIN plans p ON p.id = a.plan_id
	               WHERE t.id = p_activity AND (p_staff OR plan_status_public(p.status))) THEN
		RETURN;
	END IF;
	WITH page AS (
		SELECT u FROM progress_updates u
		WHERE u.activity_id = p_activity AND u.id > p_after
		ORDER BY u.id
		LIMIT p_limit + 1),
	numbered AS (SELECT u, row_number() OVER (ORDER BY (u).id) AS n FROM page)
	SELECT coalesce(json_agg(progress_update_json(u, p_staff) ORDER BY n) FILTER (WHERE n <= p_limit),
	                '[]'),
	       max((u).id) FILTER (WHERE n = p_limit AND (SELECT count(*) FROM page) > p_limit)
	INTO items, next_after
	FROM numbered;
END;
$$;

-- The UNIT relation of the authorization policy (service/auth/policy.c), checked with the
-- data: a director may report progress only on activities their unit is responsible for
-- (the administradora on any; any other role on none). The other relation, AUTHOR, is
-- observation_is_own (17_observations.sql).
CREATE FUNCTION policy_require_unit(p_role text, p_unit_id bigint, p_activity_id bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF p_role IS DISTINCT FROM 'administradora' AND NOT EXISTS (
		SELECT 1 FROM activity_units WHERE activity_id = p_activity_id AND unit_id = p_unit_id)
	THEN
		PERFORM api_raise(403, 'not_your_unit');
	END IF;
END;
$$;

-- POST /activities/{id}/updates. The body is validated by the service (progress 0-100,
-- status one of the four, note 1-5000 characters once trimmed, which is how it is
-- stored, evidence_url http(s) or null). The administradora may report on any activity,
-- a director only on one of their unit's. Without a status, it follows progress:
-- 0 pending, 1-99 in_progress, 100 done.
CREATE FUNCTION api_progress_create(p_sub text, p_role text, p_unit bigint,
                                    p_activity bigint, p_body jsonb) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_plan     bigint;
	v_plan_status text;
	v_progress int := (p_body->>'progress')::int;
	v_status   text := p_body->>'status';
	v_update   progress_updates;
BEGIN
	PERFORM api_as(p_sub, p_role);
	SELECT a.plan_id INTO v_plan FROM activities t JOIN axes a ON a.id = t.axis_id
	WHERE t.id = p_activity;
	IF NOT FOUND THEN
		PERFORM api_raise(404, 'activity_not_found');
	END IF;
	-- Directors only on their unit's activities (the policy's UNIT relation).
	PERFORM policy_require_unit(p_role, p_unit, p_activity);
	-- A share lock keeps the plan from being closed until this commits, while reports on
	-- other activities of the same plan go on in parallel.
	SELECT status INTO v_plan_status FROM plans WHERE id = v_plan FOR SHARE;
	IF v_plan_status = 'closed' THEN
		PERFORM api_raise(409, 'plan_closed');
	ELSIF v_plan_status <> 'approved' THEN
		PERFORM api_raise(409, 'plan_not_approved');
	END IF;
	PERFORM 1 FROM activities WHERE id = p_activity FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM api_raise(404, 'activity_not_found');
	END IF;
	IF v_status IS NULL THEN
		v_status := CASE v_progress WHEN 0 THEN 'pending' WHEN 100 THEN 'done'
		                            ELSE 'in_progress' END;
	ELSIF v_status <> 'cancelled' AND (v_status = 'done') <> (v_progress = 100) THEN
		PERFORM api_raise(422, 'invalid_progress', '/progress');
	END IF;
	INSERT INTO progress_updates (activity_id, progress, status, note, evidence_url,
	                              author_sub, author_role, unit_id)
	VALUES (p_activity, v_progress, v_status, trim_blanks(p_body->>'note'),
	        p_body->>'evidence_url', p_sub, p_role, progress_reporting_unit(p_unit, p_activity))
	RETURNING * INTO v_update;
	UPDATE activities SET progress = v_progress, status = v_status WHERE id = p_activity;
	RETURN progress_update_json(v_update, true);
END;
$$;
