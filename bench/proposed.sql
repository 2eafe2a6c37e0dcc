-- Other formulations the benchmark measures beside the service's own SQL: each has the
-- signature and the result of the function of the same name in migrations/, and lives in
-- the schema "proposed" of the benchmark's database only. bench/*.alt.sql call them; when
-- one measures faster, its body is what to put in a migration (two did: what stands here
-- for the activity list is now the slower earlier version, for comparison; compliance's,
-- which no longer answered what the service's answers, is gone).
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
		FROM activity_filter(p_plan, v_year, p_axis, p_unit, NULL, p_month, p_status, p_overdue,
		                     today()) t
		WHERE t.id > p_after
		ORDER BY t.id LIMIT p_limit + 1),
	shown AS (
		SELECT p.t, p.n,
		       (SELECT json_agg(json_build_object('id', u.id, 'name', u.name)
		                        ORDER BY au.position, u.id)
		        FROM activity_units au JOIN units u ON u.id = au.unit_id
		        WHERE au.activity_id = (p.t).id) AS units,
		       (SELECT json_agg(l.observation_id ORDER BY l.observation_id)
		        FROM activity_observations l WHERE l.activity_id = (p.t).id) AS observations
		FROM page p WHERE p.n <= p_limit)
	SELECT coalesce((SELECT json_agg(activity_row_json(t, p_plan, v_year, units, observations,
	                                                   today())
	                                 ORDER BY n) FROM shown), '[]'),
	       (SELECT max((t).id) FROM page
	        WHERE n = p_limit AND (SELECT count(*) FROM page) > p_limit)
	INTO items, next_after;
END;
$$;
