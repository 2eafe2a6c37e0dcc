-- How far a plan has come: the counts behind its compliance figures, which
-- service/core/compliance.c turns into percentages.

-- GET /plans/{id}/compliance: per group (the plan, each axis, each unit with activities
-- in the plan) the raw counts and the progress sum of the non-cancelled activities; the
-- service computes the percentages. No rows when the plan is not visible to the caller.
-- Each (axis, status, month) and (unit, status, month) is counted once, then those few
-- hundred rows are added up per group (make bench: 1.6-1.8× cheaper than aggregating
-- every activity once per group).
CREATE FUNCTION plan_compliance_counts(p_plan bigint, p_staff boolean, p_as_of date)
RETURNS TABLE (kind text, id bigint, number int, name text, activities bigint, done bigint,
               in_progress bigint, pending bigint, cancelled bigint, not_done bigint,
               overdue bigint,
               progress_sum bigint)
LANGUAGE sql STABLE AS $$
	WITH p AS (
		SELECT p.id, p.year FROM plans p
		WHERE p.id = p_plan AND (p_staff OR plan_status_public(p.status))),
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
	       coalesce(sum(g.n) FILTER (WHERE g.status = 'not_done'), 0)::bigint,
	       coalesce(sum(g.n) FILTER (WHERE activity_overdue(g.year, g.due_month, g.status,
	                                                        p_as_of)), 0)::bigint,
	       coalesce(sum(g.prog) FILTER (WHERE g.status <> 'cancelled'), 0)::bigint
	FROM g
	GROUP BY g.k, g.gid, g.gnum, g.gname
	ORDER BY g.k, g.gnum, g.gname, g.gid;
$$;
