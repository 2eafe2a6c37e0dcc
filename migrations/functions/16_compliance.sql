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
	LEFT JOIN LATERAL (
		SELECT u.status, u.progress FROM progress_updates u
		WHERE u.activity_id = t.id AND u.created_at < p_end
		ORDER BY u.id DESC LIMIT 1) r ON true
	CROSS JOIN LATERAL (
		SELECT CASE WHEN r.status IS NOT NULL THEN r.status
		            WHEN EXISTS (SELECT 1 FROM progress_updates l WHERE l.activity_id = t.id)
		                 OR t.status = 'not_done' THEN 'pending'
		            ELSE t.status END AS status,
		       CASE WHEN r.status IS NOT NULL THEN r.progress
		            WHEN EXISTS (SELECT 1 FROM progress_updates l WHERE l.activity_id = t.id)
		                 THEN 0
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
	oc AS (
		SELECT o.axis_id, o.unit_id,
		       count(*) FILTER (WHERE o.answered_at > o.answer_due
		                          AND o.answered_at < p.day_end) AS late,
		       count(*) FILTER (WHERE o.answer_due < p.due_before AND o.status <> 'withdrawn'
		                          AND (o.answered_at IS NULL OR o.answered_at >= p.day_end))
		           AS waiting
		FROM p JOIN axes a ON a.plan_id = p.id JOIN observations o ON o.axis_id = a.id
		WHERE o.answer_due IS NOT NULL AND o.created_at < p.day_end
		  AND (o.answered_at > o.answer_due
		       OR (o.answer_due < p.due_before AND o.status <> 'withdrawn'
		           AND (o.answered_at IS NULL OR o.answered_at >= p.day_end)))
		GROUP BY o.axis_id, o.unit_id),
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
	       coalesce((SELECT sum(oc.late) FROM oc
	                 WHERE c.k = 0 OR (c.k = 1 AND oc.axis_id = c.gid)
	                    OR (c.k = 2 AND oc.unit_id = c.gid)), 0)::bigint,
	       coalesce((SELECT sum(oc.waiting) FROM oc
	                 WHERE c.k = 0 OR (c.k = 1 AND oc.axis_id = c.gid)
	                    OR (c.k = 2 AND oc.unit_id = c.gid)), 0)::bigint
	FROM c
	ORDER BY c.k, c.gnum, c.gname, c.gid;
$$;
