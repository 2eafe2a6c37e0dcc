-- How far a plan has come: the counts behind its compliance figures, which
-- service/core/compliance.c turns into percentages.

-- The activities of plan p_plan (visible to the caller) with their status and progress:
-- as they are now (p_history false: the rows themselves), or as they stood at p_end (the
-- end of the asked day in the session's time zone, TIME_ZONE) from their progress history:
-- the last report before p_end; with no report by then, the state the plan gave them
-- (pending and 0 when reports came only later, since the row then shows the reports'
-- state; not_done only from closing, so pending); and not_done if the plan was closed
-- before p_end with the activity neither done nor cancelled. Reports are never in the
-- future, so a day after today gives today's states.
CREATE FUNCTION compliance_activities(p_plan bigint, p_staff boolean, p_history boolean,
                                      p_end timestamptz)
RETURNS TABLE (id bigint, axis_id bigint, year int, due_month int, status text, progress int)
LANGUAGE sql STABLE AS $$
	SELECT t.id, t.axis_id, p.year, t.due_month, t.status, t.progress
	FROM plans p JOIN axes a ON a.plan_id = p.id JOIN activities t ON t.axis_id = a.id
	WHERE NOT p_history AND p.id = p_plan AND (p_staff OR plan_status_public(p.status))
	UNION ALL
	SELECT t.id, t.axis_id, p.year, t.due_month,
	       CASE WHEN p.closed_at < p_end AND s.status NOT IN ('done', 'cancelled')
	            THEN 'not_done' ELSE s.status END,
	       s.progress
	FROM plans p JOIN axes a ON a.plan_id = p.id JOIN activities t ON t.axis_id = a.id
	-- Per activity of the plan with reports, one: the last before p_end, else (reports
	-- only later) any, marked as not yet made. Set-based: one pass over the plan's reports.
	LEFT JOIN (
		SELECT DISTINCT ON (u.activity_id) u.activity_id, u.status, u.progress,
		       u.created_at < p_end AS by_then
		FROM axes a2 JOIN activities t2 ON t2.axis_id = a2.id
		JOIN progress_updates u ON u.activity_id = t2.id
		WHERE a2.plan_id = p_plan
		ORDER BY u.activity_id, u.created_at < p_end DESC, u.id DESC) r ON r.activity_id = t.id
	CROSS JOIN LATERAL (
		SELECT CASE WHEN r.by_then THEN r.status
		            WHEN r.activity_id IS NOT NULL OR t.status = 'not_done' THEN 'pending'
		            ELSE t.status END AS status,
		       CASE WHEN r.by_then THEN r.progress
		            WHEN r.activity_id IS NOT NULL THEN 0
		            ELSE t.progress END AS progress) s
	WHERE p_history AND p.id = p_plan AND (p_staff OR plan_status_public(p.status));
$$;

-- GET /plans/{id}/compliance: per group (the plan, each axis, each unit with activities
-- in the plan) the raw counts and the progress sum of the non-cancelled activities; the
-- service computes the percentages. No rows when the plan is not visible to the caller.
-- Each (axis, status, month) and (unit, status, month) is counted once, then those few
-- hundred rows are added up per group (make bench: 1.6-1.8× cheaper than aggregating
-- every activity once per group). p_history: the activities as they stood at the end of
-- p_as_of (compliance_activities), else as they are; overdue is judged on p_as_of.
-- Answers to online observations (the CPCCS rule: they "deberán ser atendidas"): answered_late,
-- answered after their answer_due, by the end of p_as_of; unanswered_overdue, due on a
-- day before p_as_of (judged by the day, as activities' overdue is, so that the figures
-- change only with a change the response cache hears of: audit_notify, 01_audit.sql) and
-- neither answered by the end of p_as_of nor withdrawn. Per axis, and per unit for those
-- assigned to one.
CREATE FUNCTION plan_compliance_counts(p_plan bigint, p_staff boolean, p_as_of date,
                                       p_history boolean)
RETURNS TABLE (kind text, id bigint, number int, name text, activities bigint, done bigint,
               in_progress bigint, pending bigint, cancelled bigint, not_done bigint,
               overdue bigint, progress_sum bigint, answered_late bigint,
               unanswered_overdue bigint)
LANGUAGE sql STABLE AS $$
	WITH p AS (
		SELECT p.id, p.year,
		       (p_as_of + 1)::timestamptz AS day_end, p_as_of::timestamptz AS due_before
		FROM plans p
		WHERE p.id = p_plan AND (p_staff OR plan_status_public(p.status))),
	t AS MATERIALIZED (
		SELECT x.* FROM p, compliance_activities(p_plan, p_staff, p_history, p.day_end) x),
	s AS (
		SELECT t.axis_id, t.status, t.due_month, count(*) AS n, sum(t.progress) AS prog
		FROM t
		GROUP BY t.axis_id, t.status, t.due_month),
	su AS (
		SELECT au.unit_id, t.status, t.due_month, count(*) AS n, sum(t.progress) AS prog
		FROM t JOIN activity_units au ON au.activity_id = t.id
		GROUP BY au.unit_id, t.status, t.due_month),
	-- Answers: each kind from its own partial index (014_search.sql); today's waiting ones
	-- are the received and in review, as of another day those not answered by its end.
	oc AS (
		SELECT o.axis_id, o.unit_id, 1 AS late, 0 AS waiting
		FROM p JOIN axes a ON a.plan_id = p.id JOIN observations o ON o.axis_id = a.id
		WHERE o.answered_at > o.answer_due AND o.answered_at < p.day_end
		UNION ALL
		SELECT o.axis_id, o.unit_id, 0, 1
		FROM p JOIN axes a ON a.plan_id = p.id JOIN observations o ON o.axis_id = a.id
		WHERE NOT p_history AND o.answer_due IS NOT NULL
		  AND o.status IN ('received', 'in_review') AND o.answer_due < p.due_before
		UNION ALL
		SELECT o.axis_id, o.unit_id, 0, 1
		FROM p JOIN axes a ON a.plan_id = p.id JOIN observations o ON o.axis_id = a.id
		WHERE p_history AND o.answer_due IS NOT NULL AND o.answer_due < p.due_before
		  AND o.created_at < p.day_end AND o.status <> 'withdrawn'
		  AND (o.answered_at IS NULL OR o.answered_at >= p.day_end)),
	ocs AS (
		SELECT oc.axis_id, oc.unit_id, sum(oc.late) AS late, sum(oc.waiting) AS waiting
		FROM oc GROUP BY oc.axis_id, oc.unit_id),
	g AS (
		SELECT 0 AS k, p.id AS gid, 0 AS gnum, ''::text AS gname, p.year, s.status,
		       s.due_month, s.n, s.prog
		FROM p LEFT JOIN s ON true
		UNION ALL
		SELECT 1, a.id, a.number, a.name, p.year, s.status, s.due_month, s.n, s.prog
		FROM p JOIN axes a ON a.plan_id = p.id LEFT JOIN s ON s.axis_id = a.id
		UNION ALL
		SELECT 2, u.id, 0, u.name, p.year, su.status, su.due_month, su.n, su.prog
		FROM p, su JOIN units u ON u.id = su.unit_id),
	c AS (
		SELECT g.k, g.gid, g.gnum, g.gname,
		       coalesce(sum(g.n), 0)::bigint AS activities,
		       coalesce(sum(g.n) FILTER (WHERE g.status = 'done'), 0)::bigint AS done,
		       coalesce(sum(g.n) FILTER (WHERE g.status = 'in_progress'), 0)::bigint AS in_progress,
		       coalesce(sum(g.n) FILTER (WHERE g.status = 'pending'), 0)::bigint AS pending,
		       coalesce(sum(g.n) FILTER (WHERE g.status = 'cancelled'), 0)::bigint AS cancelled,
		       coalesce(sum(g.n) FILTER (WHERE g.status = 'not_done'), 0)::bigint AS not_done,
		       coalesce(sum(g.n) FILTER (WHERE activity_overdue(g.year, g.due_month, g.status,
		                                                        p_as_of)), 0)::bigint AS overdue,
		       coalesce(sum(g.prog) FILTER (WHERE g.status <> 'cancelled'), 0)::bigint AS prog
		FROM g
		GROUP BY g.k, g.gid, g.gnum, g.gname)
	SELECT CASE c.k WHEN 0 THEN 'total' WHEN 1 THEN 'axis' ELSE 'unit' END, c.gid, c.gnum,
	       c.gname, c.activities, c.done, c.in_progress, c.pending, c.cancelled, c.not_done,
	       c.overdue, c.prog,
	       coalesce((SELECT sum(x.late) FROM ocs x
	                 WHERE c.k = 0 OR (c.k = 1 AND x.axis_id = c.gid)
	                    OR (c.k = 2 AND x.unit_id = c.gid)), 0)::bigint,
	       coalesce((SELECT sum(x.waiting) FROM ocs x
	                 WHERE c.k = 0 OR (c.k = 1 AND x.axis_id = c.gid)
	                    OR (c.k = 2 AND x.unit_id = c.gid)), 0)::bigint
	FROM c
	ORDER BY c.k, c.gnum, c.gname, c.gid;
$$;
