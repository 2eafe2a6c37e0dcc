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
