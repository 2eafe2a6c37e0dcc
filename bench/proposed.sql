-- Drop-in replacements the benchmark measures beside the service's own SQL: each has the
-- signature and the result of the function of the same name in migrations/, and lives in
-- the schema "proposed" of the benchmark's database only. bench/*.alt.sql call them; when
-- one measures faster, its body is what to put in a migration.
\set ON_ERROR_STOP 1
DROP SCHEMA IF EXISTS proposed CASCADE;
CREATE SCHEMA proposed;

-- GET /plans/{id}/activities. One query per kind of filter, so that each keeps a plan that
-- reads only the page: by axis, the index (axis_id, id); by unit, (unit_id, activity_id);
-- otherwise the plan's activities as before. The single generic query of 004 reads and
-- sorts every activity of the plan for any filter (10,000 rows for a page of 50). The
-- units of the page are grouped once instead of a subquery per row.
CREATE FUNCTION proposed.api_activity_list(p_staff boolean, p_plan bigint, p_axis bigint,
                                           p_unit bigint, p_month int, p_status text,
                                           p_overdue boolean, p_after bigint, p_limit int,
                                           OUT items json, OUT next_after bigint)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
	v_year int := plan_visible_year(p_plan, p_staff);
	v_page activities[];
BEGIN
	IF v_year IS NULL THEN
		RETURN;
	END IF;
	IF p_axis IS NOT NULL THEN
		v_page := ARRAY(
			SELECT t FROM activities t
			WHERE t.axis_id = p_axis AND t.id > p_after
			  AND EXISTS (SELECT 1 FROM axes a WHERE a.id = p_axis AND a.plan_id = p_plan)
			  AND (p_unit IS NULL OR EXISTS (SELECT 1 FROM activity_units au
			                                 WHERE au.activity_id = t.id AND au.unit_id = p_unit))
			  AND (p_month IS NULL OR t.due_month = p_month)
			  AND (p_status IS NULL OR t.status = p_status)
			  AND (p_overdue IS NULL
			       OR activity_overdue(v_year, t.due_month, t.status, current_date) = p_overdue)
			ORDER BY t.id LIMIT p_limit + 1);
	ELSIF p_unit IS NOT NULL THEN
		v_page := ARRAY(
			SELECT t FROM activity_units au JOIN activities t ON t.id = au.activity_id
			WHERE au.unit_id = p_unit AND au.activity_id > p_after
			  AND t.axis_id IN (SELECT id FROM axes WHERE plan_id = p_plan)
			  AND (p_month IS NULL OR t.due_month = p_month)
			  AND (p_status IS NULL OR t.status = p_status)
			  AND (p_overdue IS NULL
			       OR activity_overdue(v_year, t.due_month, t.status, current_date) = p_overdue)
			ORDER BY au.activity_id LIMIT p_limit + 1);
	ELSE
		v_page := ARRAY(
			SELECT t FROM activity_filter(p_plan, v_year, NULL, NULL, p_month, p_status,
			                              p_overdue, current_date) t
			WHERE t.id > p_after
			ORDER BY t.id LIMIT p_limit + 1);
	END IF;
	WITH page AS (
		SELECT t.* FROM unnest(v_page) WITH ORDINALITY AS t
		WHERE t.ordinality <= p_limit),
	un AS (
		SELECT au.activity_id,
		       json_agg(json_build_object('id', u.id, 'name', u.name)
		                ORDER BY au.position, u.id) AS units
		FROM page JOIN activity_units au ON au.activity_id = page.id
		JOIN units u ON u.id = au.unit_id
		GROUP BY au.activity_id)
	SELECT coalesce(json_agg(json_build_object(
	                'id', t.id, 'axis_id', t.axis_id, 'plan_id', p_plan, 'number', t.number,
	                'description', t.description, 'due_month', t.due_month,
	                'units', coalesce(un.units, '[]'), 'agreement_id', t.agreement_id,
	                'status', t.status, 'progress', t.progress,
	                'overdue', activity_overdue(v_year, t.due_month, t.status, current_date),
	                'updated_at', rfc3339(t.updated_at)) ORDER BY t.ordinality), '[]')
	INTO items
	FROM page t LEFT JOIN un ON un.activity_id = t.id;
	IF cardinality(v_page) > p_limit THEN
		next_after := v_page[p_limit].id;
	END IF;
END;
$$;

-- GET /plans/{id}/compliance. Counts each (axis, status, month) and each (unit, status,
-- month) once, then adds those few hundred rows up per group: the original carries 40,000
-- rows (every activity once per total, axis and unit, with the group's name) into one
-- hash aggregate keyed by text.
CREATE FUNCTION proposed.plan_compliance_counts(p_plan bigint, p_staff boolean, p_as_of date)
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

-- POST /axes/{id}/observations. The same steps, with two costs taken out: the request
-- hash is made only when an Idempotency-Key needs it, and the plan is held against
-- closing by a shared advisory lock on the plan (api_plan_close would take it exclusively)
-- instead of FOR SHARE on its row, which under concurrent submissions makes every
-- submission write the plan row's lock as a MultiXact.
CREATE FUNCTION proposed.api_observation_create(p_sub text, p_role text, p_staff boolean,
                                                p_axis bigint, p_body jsonb, p_key text,
                                                p_per_hour int) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_hash text;
	v_kept idempotency_keys;
	v_plan bigint;
	v_plan_status text;
	v_oldest timestamptz;
	v_obs observations;
	v_json json;
BEGIN
	PERFORM api_as(p_sub, p_role);
	IF p_key IS NOT NULL OR NOT p_staff THEN
		PERFORM pg_advisory_xact_lock(hashtextextended('observations:' || p_sub, 0));
	END IF;
	IF p_key IS NOT NULL THEN
		v_hash := md5('POST /api/v1/axes/' || p_axis || '/observations ' || p_body::text);
		SELECT * INTO v_kept FROM idempotency_keys
		WHERE actor_sub = p_sub AND key = p_key AND created_at > now() - interval '24 hours';
		IF FOUND THEN
			IF v_kept.request_hash <> v_hash THEN
				PERFORM api_raise(422, 'idempotency_key_reused', '');
			END IF;
			RETURN v_kept.body::json;
		END IF;
		DELETE FROM idempotency_keys
		WHERE actor_sub = p_sub AND created_at <= now() - interval '24 hours';
	END IF;

	SELECT a.plan_id INTO v_plan FROM axes a WHERE a.id = p_axis;
	IF FOUND THEN
		PERFORM pg_advisory_xact_lock_shared(7243001, v_plan::int);
		SELECT p.status INTO v_plan_status FROM plans p WHERE p.id = v_plan;
	END IF;
	IF v_plan_status IS NULL OR (v_plan_status = 'draft' AND NOT p_staff) THEN
		PERFORM api_raise(404, 'axis_not_found');
	ELSIF v_plan_status = 'closed' THEN
		PERFORM api_raise(409, 'plan_closed');
	END IF;

	IF NOT p_staff THEN
		SELECT created_at INTO v_oldest FROM observations
		WHERE author_sub = p_sub AND created_at > now() - interval '1 hour'
		ORDER BY created_at DESC
		OFFSET p_per_hour - 1 LIMIT 1;
		IF FOUND THEN
			PERFORM api_raise(429, 'rate_limited',
			                  greatest(1, ceil(extract(epoch FROM
			                      v_oldest + interval '1 hour' - now())))::bigint::text);
		END IF;
	END IF;

	INSERT INTO observations (axis_id, kind, body, source, author_sub, author_role)
	VALUES (p_axis, p_body->>'kind', p_body->>'body',
	        CASE WHEN p_staff THEN coalesce(p_body->>'source', 'deliberation') ELSE 'online' END,
	        p_sub, p_role)
	RETURNING * INTO v_obs;
	v_json := observation_json(v_obs, true);
	IF p_key IS NOT NULL THEN
		INSERT INTO idempotency_keys (actor_sub, key, request_hash, status, body, location)
		VALUES (p_sub, p_key, v_hash, 201, v_json::text, '/api/v1/observations/' || v_obs.id);
	END IF;
	RETURN v_json;
END;
$$;
