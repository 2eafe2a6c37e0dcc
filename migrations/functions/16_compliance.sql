-- How far a plan has come: the counts behind its compliance figures, which
-- service/core/compliance.c turns into percentages.

-- activity_tally (migrations/018_activity_tally.sql) holds, per axis (unit_id 0) and per
-- axis and unit, the activities counted by status and due month with their progress sum.
-- The rule that keeps it true: every statement that changes activities or activity_units
-- adds, in its own transaction, minus the rows as they were plus the rows as they are.
-- Two exceptions, both deletions by cascade: the links of a deleted activity are counted
-- out by the activity's own trigger (when the links go, it is gone and their status with
-- it), and the rows of a deleted axis are dropped whole. Every migrate rebuilds the table
-- from the rows (the last statement of this file), and tests/integration/tally.test.mjs
-- and tests/integration/run.sh compare the two (activity_tally_drift) after each change
-- and after every suite.

-- What activity_tally must hold: counted from the rows.
CREATE FUNCTION activity_tally_expected() RETURNS SETOF activity_tally
LANGUAGE sql STABLE AS $$
	SELECT t.axis_id, 0::bigint, t.status, t.due_month, count(*), sum(t.progress)
	FROM activities t
	GROUP BY t.axis_id, t.status, t.due_month
	UNION ALL
	SELECT t.axis_id, au.unit_id, t.status, t.due_month, count(*), sum(t.progress)
	FROM activities t JOIN activity_units au ON au.activity_id = t.id
	GROUP BY t.axis_id, au.unit_id, t.status, t.due_month;
$$;

-- Adds differences to activity_tally, key by key in key order (two transactions that
-- touch the same keys lock them in the same order: no deadlock). PL/pgSQL, like the
-- trigger functions below, so that their plans last the session: they run on every
-- progress report.
CREATE FUNCTION activity_tally_add(p_rows activity_tally[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO activity_tally AS k (axis_id, unit_id, status, due_month, n, progress_sum)
	SELECT d.axis_id, d.unit_id, d.status, d.due_month, sum(d.n), sum(d.progress_sum)
	FROM unnest(p_rows) d
	GROUP BY d.axis_id, d.unit_id, d.status, d.due_month
	HAVING sum(d.n) <> 0 OR sum(d.progress_sum) <> 0
	ORDER BY d.axis_id, d.unit_id, d.status, d.due_month
	ON CONFLICT (axis_id, unit_id, status, due_month) DO UPDATE
	SET n = k.n + excluded.n, progress_sum = k.progress_sum + excluded.progress_sum;
END;
$$;

-- A change of activities: each row as it was counts out and as it is counts in, for its
-- axis and for each unit it has (an inserted row has none yet).
CREATE FUNCTION activity_tally_change(p_old activities[], p_new activities[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM activity_tally_add(array_agg((c.axis_id, u.unit_id, c.status, c.due_month, c.n,
	                                      c.n * c.progress)::activity_tally))
	FROM (SELECT t.id, t.axis_id, t.status, t.due_month, t.progress, -1 AS n
	      FROM unnest(p_old) t
	      UNION ALL
	      SELECT t.id, t.axis_id, t.status, t.due_month, t.progress, 1
	      FROM unnest(p_new) t) c
	CROSS JOIN LATERAL (SELECT 0::bigint AS unit_id
	                    UNION ALL
	                    SELECT au.unit_id FROM activity_units au WHERE au.activity_id = c.id) u;
END;
$$;

-- activities, per statement (insert and update: the transition tables an event has).
CREATE FUNCTION activities_tally() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v_old activities[] := '{}';
BEGIN
	IF TG_OP = 'UPDATE' THEN
		v_old := ARRAY(SELECT o::activities FROM tally_old o);
	END IF;
	PERFORM activity_tally_change(v_old, ARRAY(SELECT n::activities FROM tally_new n));
	RETURN NULL;
END;
$$;

-- An activity deleted: counted out with its links while they are still there; in an
-- axis's cascade (the axis already gone) there is nothing to count out.
CREATE FUNCTION activities_tally_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM axes WHERE id = OLD.axis_id) THEN
		PERFORM activity_tally_change(ARRAY[OLD], '{}');
	END IF;
	RETURN OLD;
END;
$$;

-- activity_units, per statement: links counted out as they were and in as they are, for
-- activities that still exist (a deleted activity counted its own out).
CREATE FUNCTION activity_units_tally() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v_old activity_units[] := '{}';
	v_new activity_units[] := '{}';
BEGIN
	IF TG_OP <> 'INSERT' THEN
		v_old := ARRAY(SELECT o::activity_units FROM tally_old o);
	END IF;
	IF TG_OP <> 'DELETE' THEN
		v_new := ARRAY(SELECT n::activity_units FROM tally_new n);
	END IF;
	PERFORM activity_tally_add(array_agg((t.axis_id, l.unit_id, t.status, t.due_month, l.n,
	                                      l.n * t.progress)::activity_tally))
	FROM (SELECT x.activity_id, x.unit_id, -1 AS n FROM unnest(v_old) x
	      UNION ALL
	      SELECT x.activity_id, x.unit_id, 1 FROM unnest(v_new) x) l
	JOIN activities t ON t.id = l.activity_id;
	RETURN NULL;
END;
$$;

-- An axis deleted: its rows go with it.
CREATE FUNCTION axes_tally_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM activity_tally k USING tally_old o WHERE k.axis_id = o.id;
	RETURN NULL;
END;
$$;

-- Transition tables allow one event per trigger, hence three per table.
CREATE TRIGGER activities_tally_insert AFTER INSERT ON activities
	REFERENCING NEW TABLE AS tally_new FOR EACH STATEMENT EXECUTE FUNCTION activities_tally();
CREATE TRIGGER activities_tally_update AFTER UPDATE ON activities
	REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new
	FOR EACH STATEMENT EXECUTE FUNCTION activities_tally();
CREATE TRIGGER activities_tally_delete BEFORE DELETE ON activities
	FOR EACH ROW EXECUTE FUNCTION activities_tally_delete();
CREATE TRIGGER activity_units_tally_insert AFTER INSERT ON activity_units
	REFERENCING NEW TABLE AS tally_new FOR EACH STATEMENT EXECUTE FUNCTION activity_units_tally();
CREATE TRIGGER activity_units_tally_update AFTER UPDATE ON activity_units
	REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new
	FOR EACH STATEMENT EXECUTE FUNCTION activity_units_tally();
CREATE TRIGGER activity_units_tally_delete AFTER DELETE ON activity_units
	REFERENCING OLD TABLE AS tally_old FOR EACH STATEMENT EXECUTE FUNCTION activity_units_tally();
CREATE TRIGGER axes_tally_delete AFTER DELETE ON axes
	REFERENCING OLD TABLE AS tally_old FOR EACH STATEMENT EXECUTE FUNCTION axes_tally_delete();

-- The activities of plan p_plan (visible to the caller) with their status and progress
-- as they stood at p_end (the end of the asked day in the session's time zone, TIME_ZONE),
-- from their progress history:
-- the last report before p_end; with no report by then, the state the plan gave them
-- (pending and 0 when reports came only later, since the row then shows the reports'
-- state; not_done only from closing, so pending); and not_done if the plan was closed
-- before p_end with the activity neither done nor cancelled. Reports are never in the
-- future, so a day after today gives today's states.
CREATE FUNCTION compliance_activities(p_plan bigint, p_staff boolean, p_end timestamptz)
RETURNS TABLE (id bigint, axis_id bigint, year int, due_month int, status text, progress int)
LANGUAGE sql STABLE AS $$
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
	WHERE p.id = p_plan AND (p_staff OR plan_status_public(p.status));
$$;

-- GET /plans/{id}/compliance: per group (the plan, each axis, each unit with activities
-- in the plan) the raw counts and the progress sum of the non-cancelled activities; the
-- service computes the percentages. No rows when the plan is not visible to the caller.
-- Each (axis, status, month) and (unit, status, month) is counted once, then those few
-- hundred rows are added up per group (make bench: 1.6-1.8× cheaper than aggregating
-- every activity once per group). p_history: the activities as they stood at the end of
-- p_as_of (compliance_activities), else as they are (activity_tally, counted already);
-- overdue is judged on p_as_of.
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
	-- As of a day: the activities as they stood then, counted here. Now: activity_tally.
	t AS MATERIALIZED (
		SELECT x.* FROM p, compliance_activities(p_plan, p_staff, p.day_end) x
		WHERE p_history),
	k AS (
		SELECT k.* FROM p JOIN axes a ON a.plan_id = p.id
		JOIN activity_tally k ON k.axis_id = a.id
		WHERE NOT p_history AND k.n > 0),
	s AS (
		SELECT k.axis_id, k.status, k.due_month, k.n, k.progress_sum AS prog
		FROM k WHERE k.unit_id = 0
		UNION ALL
		SELECT t.axis_id, t.status, t.due_month, count(*), sum(t.progress)
		FROM t
		GROUP BY t.axis_id, t.status, t.due_month),
	su AS (
		SELECT k.unit_id, k.status, k.due_month, sum(k.n) AS n, sum(k.progress_sum) AS prog
		FROM k WHERE k.unit_id <> 0
		GROUP BY k.unit_id, k.status, k.due_month
		UNION ALL
		SELECT au.unit_id, t.status, t.due_month, count(*), sum(t.progress)
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

-- How many rows of activity_tally differ from the count from the rows (0 when it is
-- true): what tests/integration/tally.test.mjs and run.sh check.
CREATE FUNCTION activity_tally_drift() RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT count(*) FROM (
		(SELECT * FROM activity_tally WHERE n <> 0 OR progress_sum <> 0
		 EXCEPT ALL SELECT * FROM activity_tally_expected())
		UNION ALL
		(SELECT * FROM activity_tally_expected() EXCEPT ALL SELECT * FROM activity_tally)) x;
$$;

-- The tally counted afresh from the rows: on every migrate (below), and by tests that
-- change activities with the triggers off (session_replication_role = replica).
CREATE FUNCTION activity_tally_rebuild() RETURNS void
LANGUAGE sql AS $$
	DELETE FROM activity_tally;
	INSERT INTO activity_tally SELECT * FROM activity_tally_expected();
$$;

-- This file runs whole in the migrate's transaction, which holds the tables locked from
-- the drop of the old triggers on: no change can slip between the count and the triggers.
SELECT activity_tally_rebuild();
