-- The "Incorporación de aportes ciudadanos" report (GET /plans/{id}/report): for every
-- observation and contribution the caller may see, whether it was taken up, by which
-- agreements and activities, how far they have come and where the proof is. One
-- definition of "linked" serves it and the observations' outcome: observation_outcomes
-- (17_observations.sql).

-- The report in parts, in order: 'plan' (its header), one 'row' per observation and
-- contribution the caller may see, in the document's order (axis, observations before
-- contributions, number), then 'totals'; no part at all when the plan is not visible
-- (drafts: staff only). The service writes the JSON document from the parts as they come
-- (service/db/report.c): built here as one value, the report of 100,000 observations
-- spent most of its time copying that value of tens of MB (perf: the aggregate's growth,
-- its wrapper, the function's return, the output), 5.3 s against 2.9 s as parts.
CREATE FUNCTION plan_report_parts(p_plan bigint, p_staff boolean)
RETURNS TABLE (kind text, part json)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_plan plans;
	v_ids bigint[];
BEGIN
	-- The plan's visibility, checked once: what follows reads only a visible plan.
	SELECT * INTO v_plan FROM plans p
	WHERE p.id = p_plan AND (p_staff OR plan_status_public(p.status));
	IF NOT FOUND THEN
		RETURN;
	END IF;
	-- The rows' ids first, from the plan's range of an index on observations (plan_id,
	-- 019_observation_plan.sql). As a variable, the ids let observation_outcomes be inlined
	-- (an argument holding a subquery is not), instead of being planned afresh on every
	-- call.
	v_ids := ARRAY(
		SELECT o.id FROM observations o
		WHERE o.plan_id = p_plan AND (p_staff OR o.status IN ('accepted', 'rejected')));
	RETURN QUERY
		WITH items AS (
			SELECT o.id, o.kind, o.number, o.body, o.status, o.response,
			       a.number AS axis_number, a.name AS axis_name
			FROM observations o JOIN axes a ON a.id = o.axis_id
			WHERE o.id = ANY (v_ids)),
		outc AS (
			SELECT * FROM observation_outcomes(v_ids)),
		-- Each linked activity described once, its units grouped once.
		act AS (
			SELECT t.id, json_build_object(
				'description', t.description, 'month', t.due_month,
				'units', coalesce(json_agg(u.name ORDER BY au.position, u.id)
				                  FILTER (WHERE u.id IS NOT NULL), '[]'),
				'status', t.status, 'progress', t.progress) AS j
			FROM (SELECT DISTINCT json_array_elements_text(x.outcome->'activity_ids')::bigint
			      AS id FROM outc x) k
			JOIN activities t ON t.id = k.id
			LEFT JOIN activity_units au ON au.activity_id = t.id
			LEFT JOIN units u ON u.id = au.unit_id
			GROUP BY t.id),
		-- Each row's agreements and activities, grouped once (hash joins, linear in the
		-- rows: a subquery per row over act was quadratic on a large plan).
		ra AS (
			SELECT x.observation_id, json_agg(act.j ORDER BY act.id) AS j
			FROM outc x
			CROSS JOIN LATERAL json_array_elements_text(x.outcome->'activity_ids') e(v)
			JOIN act ON act.id = e.v::bigint
			GROUP BY x.observation_id),
		rg AS (
			SELECT x.observation_id, json_agg(g.text ORDER BY g.number, g.id) AS j
			FROM outc x
			CROSS JOIN LATERAL json_array_elements_text(x.outcome->'agreement_ids') e(v)
			JOIN agreements g ON g.id = e.v::bigint
			GROUP BY x.observation_id)
		-- Each part with its place: section (header, rows, totals), then a row's order.
		SELECT s.kind, s.part FROM (
			SELECT 0 AS section, 0 AS axis_number, 0 AS kind_order, 0 AS number,
			       'plan' AS kind, json_build_object(
				'id', v_plan.id, 'title', v_plan.title, 'entity', v_plan.entity,
				'year', v_plan.year, 'status', v_plan.status,
				'elaborated_by', person_json(v_plan.elaborated_name, v_plan.elaborated_position),
				'approved_by', person_json(v_plan.approved_name, v_plan.approved_position))
				AS part
			UNION ALL
			SELECT 1, i.axis_number, CASE i.kind WHEN 'observation' THEN 0 ELSE 1 END,
			       i.number, 'row', json_build_object(
				'axis', json_build_object('number', i.axis_number, 'name', i.axis_name),
				'kind', i.kind, 'number', i.number, 'text', i.body, 'status', i.status,
				'response', i.response,
				'incorporated', (x.outcome->>'incorporated')::boolean,
				'agreements', coalesce(rg.j, '[]'), 'activities', coalesce(ra.j, '[]'),
				'progress', x.outcome->'progress',
				'evidence_urls', x.outcome->'evidence_urls')
			FROM items i JOIN outc x ON x.observation_id = i.id
			LEFT JOIN ra ON ra.observation_id = i.id
			LEFT JOIN rg ON rg.observation_id = i.id
			UNION ALL
			SELECT 2, 0, 0, 0, 'totals', json_build_object(
				'items', count(*),
				'incorporated', count(*) FILTER (WHERE (x.outcome->>'incorporated')::boolean),
				'incorporated_pct', CASE WHEN count(*) = 0 THEN 0 ELSE round(
					100.0 * count(*) FILTER (WHERE (x.outcome->>'incorporated')::boolean)
					/ count(*), 1) END,
				'avg_progress', round(avg((x.outcome->>'progress')::numeric), 1))
			FROM outc x) s
		ORDER BY s.section, s.axis_number, s.kind_order, s.number;
END;
$$;

-- The report as one JSON value, NULL when the plan is not visible: what the CSV, XLSX
-- and PDF forms are made from (the JSON form is written by the service from the parts).
CREATE FUNCTION plan_report(p_plan bigint, p_staff boolean) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'plan', (array_agg(x.part) FILTER (WHERE x.kind = 'plan'))[1],
		'rows', coalesce(json_agg(x.part ORDER BY x.n) FILTER (WHERE x.kind = 'row'), '[]'),
		'totals', (array_agg(x.part) FILTER (WHERE x.kind = 'totals'))[1])
	FROM plan_report_parts(p_plan, p_staff) WITH ORDINALITY AS x(kind, part, n)
	HAVING count(*) > 0;
$$;

-- The report's rows as CSV records in Spanish (eje, tipo, número, texto, estado, respuesta,
-- incorporado, acuerdos, actividades, avance, medios de verificación); lists are joined
-- by " | ". NULL for NULL (a plan that is not visible).
CREATE FUNCTION plan_report_csv(p_report json) RETURNS json
LANGUAGE sql STABLE STRICT AS $$
	SELECT coalesce(json_agg(json_build_array(
		(e.r->'axis'->>'number') || '. ' || (e.r->'axis'->>'name'),
		CASE e.r->>'kind' WHEN 'observation' THEN 'Observación' ELSE 'Aporte' END,
		(e.r->>'number')::int,
		e.r->>'text',
		CASE e.r->>'status' WHEN 'received' THEN 'recibida' WHEN 'in_review' THEN 'en revisión'
		                    WHEN 'accepted' THEN 'aceptada' WHEN 'rejected' THEN 'rechazada'
		                    ELSE 'retirada' END,
		e.r->>'response',
		CASE WHEN (e.r->>'incorporated')::boolean THEN 'Sí' ELSE 'No' END,
		(SELECT string_agg(g.value, ' | ' ORDER BY g.n)
		 FROM json_array_elements_text(e.r->'agreements') WITH ORDINALITY AS g(value, n)),
		(SELECT string_agg(concat(t.value->>'description', ' (',
		                          (ARRAY['Enero', 'Febrero', 'Marzo', 'Abril', 'Mayo', 'Junio',
		                                 'Julio', 'Agosto', 'Septiembre', 'Octubre', 'Noviembre',
		                                 'Diciembre'])[(t.value->>'month')::int], '; ',
		                          (SELECT string_agg(u.value, ' / ' ORDER BY u.n)
		                           FROM json_array_elements_text(t.value->'units')
		                                WITH ORDINALITY AS u(value, n)), '; ',
		                          CASE t.value->>'status' WHEN 'pending' THEN 'pendiente'
		                                                  WHEN 'in_progress' THEN 'en curso'
		                                                  WHEN 'done' THEN 'cumplida'
		                                                  ELSE 'cancelada' END, '; ',
		                          t.value->>'progress', '%)'), ' | ' ORDER BY t.n)
		 FROM json_array_elements(e.r->'activities') WITH ORDINALITY AS t(value, n)),
		CASE WHEN json_typeof(e.r->'progress') = 'number' THEN (e.r->>'progress') || '%' END,
		(SELECT string_agg(v.value, ' ' ORDER BY v.n)
		 FROM json_array_elements_text(e.r->'evidence_urls') WITH ORDINALITY AS v(value, n)))
		ORDER BY e.n), '[]')
	FROM json_array_elements(p_report->'rows') WITH ORDINALITY AS e(r, n);
$$;
