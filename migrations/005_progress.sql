-- Progress updates (an activity's timeline), the raw counts behind the compliance figures,
-- and reading the audit log. Appending an update and applying its progress and status to
-- the activity happen in one function, so in the one statement (and transaction) the
-- service sends; the triggers of 002_audit.sql log both rows.

CREATE FUNCTION progress_update_json(u progress_updates) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', u.id, 'activity_id', u.activity_id, 'progress', u.progress, 'status', u.status,
		'note', u.note, 'evidence_url', u.evidence_url, 'author_sub', u.author_sub,
		'created_at', rfc3339(u.created_at));
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
	               WHERE t.id = p_activity AND (p_staff OR p.status <> 'draft')) THEN
		RETURN;
	END IF;
	WITH page AS (
		SELECT u FROM progress_updates u
		WHERE u.activity_id = p_activity AND u.id > p_after
		ORDER BY u.id
		LIMIT p_limit + 1),
	numbered AS (SELECT u, row_number() OVER (ORDER BY (u).id) AS n FROM page)
	SELECT coalesce(json_agg(progress_update_json(u) ORDER BY n) FILTER (WHERE n <= p_limit),
	                '[]'),
	       max((u).id) FILTER (WHERE n = p_limit AND (SELECT count(*) FROM page) > p_limit)
	INTO items, next_after
	FROM numbered;
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
	-- Directors only on their unit's activities (the policy's REL_UNIT, 007_accounts.sql).
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
	                              author_sub, author_role)
	VALUES (p_activity, v_progress, v_status, trim_blanks(p_body->>'note'),
	        p_body->>'evidence_url', p_sub, p_role)
	RETURNING * INTO v_update;
	UPDATE activities SET progress = v_progress, status = v_status WHERE id = p_activity;
	RETURN progress_update_json(v_update);
END;
$$;

-- GET /plans/{id}/compliance: per group (the plan, each axis, each unit with activities
-- in the plan) the raw counts and the progress sum of the non-cancelled activities; the
-- service computes the percentages. No rows when the plan is not visible to the caller.
-- Each (axis, status, month) and (unit, status, month) is counted once, then those few
-- hundred rows are added up per group (make bench: 1.6-1.8× cheaper than aggregating
-- every activity once per group).
CREATE FUNCTION plan_compliance_counts(p_plan bigint, p_staff boolean, p_as_of date)
RETURNS TABLE (kind text, id bigint, number int, name text, activities bigint, done bigint,
               in_progress bigint, pending bigint, cancelled bigint, overdue bigint,
               progress_sum bigint)
LANGUAGE sql STABLE AS $$
	WITH p AS (
		SELECT p.id, p.year FROM plans p
		WHERE p.id = p_plan AND (p_staff OR p.status <> 'draft')),
	s AS (
		SELECT t.axis_id, t.status, t.due_month, count(*) AS n, sum(t.progress) AS prog
		FROM p JOIN axes a ON a.plan_id = p.id JOIN activities t ON t.axis_id = a.id
		GROUP BY t.axis_id, t.status, t.due_month),
	su AS (
		SELECT au.unit_id, t.status, t.due_month, count(*) AS n, sum(t.progress) AS prog
		FROM p JOIN axes a ON a.plan_id = p.id JOIN activities t ON t.axis_id = a.id
		JOIN activity_units au ON au.activity_id = t.id
		GROUP BY au.unit_id, t.status, t.due_month),
	g AS (
		SELECT 0 AS k, p.id AS gid, 0 AS gnum, ''::text AS gname, p.year, s.status,
		       s.due_month, s.n, s.prog
		FROM p LEFT JOIN s ON true
		UNION ALL
		SELECT 1, a.id, a.number, a.name, p.year, s.status, s.due_month, s.n, s.prog
		FROM p JOIN axes a ON a.plan_id = p.id LEFT JOIN s ON s.axis_id = a.id
		UNION ALL
		SELECT 2, u.id, 0, u.name, p.year, su.status, su.due_month, su.n, su.prog
		FROM p, su JOIN units u ON u.id = su.unit_id)
	SELECT CASE g.k WHEN 0 THEN 'total' WHEN 1 THEN 'axis' ELSE 'unit' END, g.gid, g.gnum,
	       g.gname,
	       coalesce(sum(g.n), 0)::bigint,
	       coalesce(sum(g.n) FILTER (WHERE g.status = 'done'), 0)::bigint,
	       coalesce(sum(g.n) FILTER (WHERE g.status = 'in_progress'), 0)::bigint,
	       coalesce(sum(g.n) FILTER (WHERE g.status = 'pending'), 0)::bigint,
	       coalesce(sum(g.n) FILTER (WHERE g.status = 'cancelled'), 0)::bigint,
	       coalesce(sum(g.n) FILTER (WHERE activity_overdue(g.year, g.due_month, g.status,
	                                                        p_as_of)), 0)::bigint,
	       coalesce(sum(g.prog) FILTER (WHERE g.status <> 'cancelled'), 0)::bigint
	FROM g
	GROUP BY g.k, g.gid, g.gnum, g.gname
	ORDER BY g.k, g.gnum, g.gname, g.gid;
$$;

-- One page of audit rows (newest first, at most p_limit + 1 of them) as the API's items,
-- and the last id shown when another page follows.
CREATE FUNCTION audit_page(p_rows audit_log[], p_limit int, OUT items json,
                           OUT next_before bigint)
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(json_agg(json_build_object(
			'id', u.id, 'at', rfc3339(u.at), 'actor_sub', u.actor_sub,
			'actor_role', u.actor_role, 'action', u.action, 'entity', u.entity,
			'entity_id', u.entity_id, 'before', u.before, 'after', u.after)
		ORDER BY u.n) FILTER (WHERE u.n <= p_limit), '[]'),
	       max(u.id) FILTER (WHERE u.n = p_limit AND cardinality(p_rows) > p_limit)
	FROM unnest(p_rows) WITH ORDINALITY
	     AS u(id, at, actor_sub, actor_role, action, entity, entity_id, before, after, n);
$$;

-- GET /audit: keyset page of the log, newest first (ids below p_before), optionally of
-- one kind of entity and one entity. One query per combination of filters, so that each
-- keeps a plan that walks its index backwards (a single query with "p IS NULL OR ..."
-- would get a generic plan that scans the whole log).
CREATE FUNCTION api_audit_list(p_entity text, p_entity_id bigint, p_before bigint,
                               p_limit int, OUT items json, OUT next_before bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_rows audit_log[];
BEGIN
	IF p_entity IS NOT NULL AND p_entity_id IS NOT NULL THEN
		v_rows := ARRAY(SELECT l FROM audit_log l
		                WHERE l.entity = p_entity AND l.entity_id = p_entity_id
		                  AND l.id < p_before
		                ORDER BY l.id DESC LIMIT p_limit + 1);
	ELSIF p_entity IS NOT NULL THEN
		v_rows := ARRAY(SELECT l FROM audit_log l
		                WHERE l.entity = p_entity AND l.id < p_before
		                ORDER BY l.id DESC LIMIT p_limit + 1);
	ELSIF p_entity_id IS NOT NULL THEN
		-- Every kind listed, so that audit_log_entity serves the lookup by id.
		v_rows := ARRAY(SELECT l FROM audit_log l
		                WHERE l.entity IN ('plan', 'axis', 'observation', 'agreement', 'unit',
		                                   'activity', 'progress_update', 'user')
		                  AND l.entity_id = p_entity_id AND l.id < p_before
		                ORDER BY l.id DESC LIMIT p_limit + 1);
	ELSE
		v_rows := ARRAY(SELECT l FROM audit_log l WHERE l.id < p_before
		                ORDER BY l.id DESC LIMIT p_limit + 1);
	END IF;
	SELECT pg.items, pg.next_before INTO items, next_before FROM audit_page(v_rows, p_limit) pg;
END;
$$;

-- The whole log of one kind of entity, newest first (audit_log_entity serves one entity).
CREATE INDEX audit_log_entity_kind ON audit_log (entity, id);
