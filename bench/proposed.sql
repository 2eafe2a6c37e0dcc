-- Other formulations the benchmark measures beside the service's own SQL: each has the
-- signature and the result of the function of the same name in migrations/, and lives in
-- the schema "proposed" of the benchmark's database only. bench/*.alt.sql call them; when
-- one measures faster, its body is what to put in a migration (two did: what stands here
-- for the activity list and compliance is now the slower earlier version, for comparison).
\set ON_ERROR_STOP 1
DROP SCHEMA IF EXISTS proposed CASCADE;
CREATE SCHEMA proposed;

-- GET /plans/{id}/activities, the earlier formulation, kept as the other one measured:
-- a single query with optional filters under a forced generic plan, which reads and sorts
-- every activity of the plan (10,000 rows for a page of 50). The service's own (one query
-- per kind of filter, migrations/functions/14_activities.sql) measured about 5× cheaper.
CREATE FUNCTION proposed.api_activity_list(p_staff boolean, p_plan bigint, p_axis bigint, p_unit bigint,
                                  p_month int, p_status text, p_overdue boolean,
                                  p_after bigint, p_limit int,
                                  OUT items json, OUT next_after bigint)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
	v_year int := plan_visible_year(p_plan, p_staff);
BEGIN
	IF v_year IS NULL THEN
		RETURN;
	END IF;
	WITH page AS (
		SELECT t, row_number() OVER (ORDER BY t.id) AS n
		FROM activity_filter(p_plan, v_year, p_axis, p_unit, p_month, p_status, p_overdue,
		                     current_date) t
		WHERE t.id > p_after
		ORDER BY t.id LIMIT p_limit + 1),
	shown AS (
		SELECT p.t, p.n,
		       (SELECT json_agg(json_build_object('id', u.id, 'name', u.name)
		                        ORDER BY au.position, u.id)
		        FROM activity_units au JOIN units u ON u.id = au.unit_id
		        WHERE au.activity_id = (p.t).id) AS units
		FROM page p WHERE p.n <= p_limit)
	SELECT coalesce((SELECT json_agg(activity_row_json(t, p_plan, v_year, units, current_date)
	                                 ORDER BY n) FROM shown), '[]'),
	       (SELECT max((t).id) FROM page
	        WHERE n = p_limit AND (SELECT count(*) FROM page) > p_limit)
	INTO items, next_after;
END;
$$;

-- GET /plans/{id}/compliance, the earlier formulation, kept as the other one measured:
-- every activity carried once per group (total, axis, unit) into one hash aggregate keyed
-- by the group's name. The service's own (counts per group, status and month first,
-- migrations/functions/16_compliance.sql) measured 1.6-1.8× cheaper.
CREATE FUNCTION proposed.plan_compliance_counts(p_plan bigint, p_staff boolean, p_as_of date)
RETURNS TABLE (kind text, id bigint, number int, name text, activities bigint, done bigint,
               in_progress bigint, pending bigint, cancelled bigint, overdue bigint,
               progress_sum bigint)
LANGUAGE sql STABLE AS $$
	WITH p AS (
		SELECT p.id, p.year FROM plans p
		WHERE p.id = p_plan AND (p_staff OR p.status <> 'draft')),
	t AS (
		SELECT t.id, t.axis_id, t.status, t.progress,
		       activity_overdue(p.year, t.due_month, t.status, p_as_of) AS late
		FROM p JOIN axes a ON a.plan_id = p.id JOIN activities t ON t.axis_id = a.id),
	g AS (
		SELECT 0 AS k, p.id AS gid, 0 AS gnum, ''::text AS gname, t.id AS tid, t.status,
		       t.progress, t.late
		FROM p LEFT JOIN t ON true
		UNION ALL
		SELECT 1, a.id, a.number, a.name, t.id, t.status, t.progress, t.late
		FROM p JOIN axes a ON a.plan_id = p.id LEFT JOIN t ON t.axis_id = a.id
		UNION ALL
		SELECT 2, u.id, 0, u.name, t.id, t.status, t.progress, t.late
		FROM t JOIN activity_units au ON au.activity_id = t.id JOIN units u ON u.id = au.unit_id)
	SELECT CASE g.k WHEN 0 THEN 'total' WHEN 1 THEN 'axis' ELSE 'unit' END, g.gid, g.gnum,
	       g.gname, count(g.tid),
	       count(*) FILTER (WHERE g.status = 'done'),
	       count(*) FILTER (WHERE g.status = 'in_progress'),
	       count(*) FILTER (WHERE g.status = 'pending'),
	       count(*) FILTER (WHERE g.status = 'cancelled'),
	       count(*) FILTER (WHERE g.late),
	       coalesce(sum(g.progress) FILTER (WHERE g.status <> 'cancelled'), 0)
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
