-- Observations and contributions: who sees which, submission (with Idempotency-Key and a
-- citizen's hourly limit, both decided here so they hold across instances and under
-- concurrency), and the review, whose state machine is the table observation_transitions
-- (006_observations.sql).

-- New observations are numbered within their axis and kind, in the order recorded (a
-- number given by the insert, as an import does, is kept). One lock per axis and kind
-- makes concurrent submissions take distinct numbers. An online one is due
-- rendicion.answer_days (ANSWER_DAYS, set on the service's sessions by db/pool.c; 15
-- elsewhere) after it is recorded.
CREATE FUNCTION observation_number() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.source = 'online' AND NEW.answer_due IS NULL THEN
		NEW.answer_due := coalesce(NEW.created_at, now())
		                  + make_interval(days => coalesce(nullif(
		                        current_setting('rendicion.answer_days', true), '')::int, 15));
	END IF;
	IF NEW.number IS NULL THEN
		PERFORM pg_advisory_xact_lock(hashtextextended('observation-number:' || NEW.axis_id
		                                               || ':' || NEW.kind, 0));
		SELECT coalesce(max(number), 0) + 1 INTO NEW.number FROM observations
		WHERE axis_id = NEW.axis_id AND kind = NEW.kind;
	END IF;
	RETURN NEW;
END;
$$;
CREATE TRIGGER observations_number BEFORE INSERT ON observations
FOR EACH ROW EXECUTE FUNCTION observation_number();

-- What became of each of the observations p_ids: the agreements that answer it, the
-- activities that answer it directly or carry out one of those agreements, their mean
-- progress (one decimal; null without activities) and the evidence reported on them
-- (each URL once, in the order reported). Incorporated: accepted, with an activity.
-- Set-based, so that a page costs one pass over the links, not a query per row.
CREATE FUNCTION observation_outcomes(p_ids bigint[])
RETURNS TABLE (observation_id bigint, outcome json)
LANGUAGE sql STABLE AS $$
	WITH links AS (
		SELECT l.observation_id, l.activity_id FROM activity_observations l
		WHERE l.observation_id = ANY (p_ids)
		UNION
		SELECT ao.observation_id, t.id FROM agreement_observations ao
		JOIN activities t ON t.agreement_id = ao.agreement_id
		WHERE ao.observation_id = ANY (p_ids)),
	acts AS (
		SELECT k.observation_id, json_agg(t.id ORDER BY t.id) AS ids,
		       round(avg(t.progress), 1) AS progress
		FROM links k JOIN activities t ON t.id = k.activity_id
		GROUP BY k.observation_id),
	agrs AS (
		SELECT ao.observation_id, json_agg(ao.agreement_id ORDER BY ao.agreement_id) AS ids
		FROM agreement_observations ao WHERE ao.observation_id = ANY (p_ids)
		GROUP BY ao.observation_id),
	urls AS (
		SELECT e.observation_id, json_agg(e.url ORDER BY e.first) AS urls
		FROM (SELECT k.observation_id, u.evidence_url AS url, min(u.id) AS first
		      FROM links k JOIN progress_updates u ON u.activity_id = k.activity_id
		      WHERE u.evidence_url IS NOT NULL
		      GROUP BY k.observation_id, u.evidence_url) e
		GROUP BY e.observation_id)
	SELECT o.id, json_build_object(
		'incorporated', o.status = 'accepted' AND acts.ids IS NOT NULL,
		'agreement_ids', coalesce(agrs.ids, '[]'),
		'activity_ids', coalesce(acts.ids, '[]'),
		'progress', acts.progress,
		'evidence_urls', coalesce(urls.urls, '[]'))
	FROM observations o
	LEFT JOIN acts ON acts.observation_id = o.id
	LEFT JOIN agrs ON agrs.observation_id = o.id
	LEFT JOIN urls ON urls.observation_id = o.id
	WHERE o.id = ANY (p_ids);
$$;

-- The outcome of one observation. In PL/pgSQL, which keeps the query's plan for the
-- session: as a SQL function called from PL/pgSQL it was parsed and planned on every
-- call, 0.7 ms of each submission's 1.8 ms in PostgreSQL (make bench).
CREATE FUNCTION observation_outcome(p_id bigint) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT outcome FROM observation_outcomes(ARRAY[p_id]));
END;
$$;

-- True if o is past its answer_due without an answer (accepted or rejected; a withdrawn
-- one needs none).
CREATE FUNCTION observation_overdue(o observations) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT o.answer_due IS NOT NULL AND o.status IN ('received', 'in_review')
	       AND now() > o.answer_due;
$$;

-- The representation, with its outcome; author_sub only for staff and for the author.
CREATE FUNCTION observation_json(o observations, p_with_author boolean, p_outcome json)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN p_with_author THEN
		json_build_object('id', o.id, 'axis_id', o.axis_id, 'kind', o.kind, 'number', o.number,
		                  'body', o.body, 'source', o.source, 'status', o.status,
		                  'response', o.response, 'outcome', p_outcome,
		                  'answer_due', rfc3339(o.answer_due),
		                  'answer_overdue', observation_overdue(o), 'unit_id', o.unit_id,
		                  'activity_id', o.activity_id, 'author_sub', o.author_sub, 'created_at', rfc3339(o.created_at),
		                  'updated_at', rfc3339(o.updated_at))
	ELSE
		json_build_object('id', o.id, 'axis_id', o.axis_id, 'kind', o.kind, 'number', o.number,
		                  'body', o.body, 'source', o.source, 'status', o.status,
		                  'response', o.response, 'outcome', p_outcome,
		                  'answer_due', rfc3339(o.answer_due),
		                  'answer_overdue', observation_overdue(o), 'unit_id', o.unit_id,
		                  'activity_id', o.activity_id, 'created_at', rfc3339(o.created_at), 'updated_at', rfc3339(o.updated_at))
	END;
$$;

-- What a write answers: the observation with its author and outcome. The outcome goes
-- through a variable: passed as a call, it would be evaluated twice in
-- observation_json's body, which is therefore not inlined (and was planned per call).
CREATE FUNCTION observation_reply(o observations) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_outcome json := observation_outcome(o.id);
BEGIN
	RETURN observation_json(o, true, v_outcome);
END;
$$;

-- True if the caller submitted o: only citizens have "own" observations.
CREATE FUNCTION observation_is_own(o observations, p_sub text, p_role text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT p_role = 'ciudadanos' AND p_sub <> '' AND o.author_sub = p_sub;
$$;

-- Whether the caller sees o, its plan being visible: staff see all; others the answered
-- ones (accepted, rejected) and a citizen their own. The one rule of the single read, the
-- lists and the search (24_search.sql).
CREATE FUNCTION observation_visible(o observations, p_sub text, p_role text, p_staff boolean)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
	SELECT p_staff OR o.status IN ('accepted', 'rejected') OR observation_is_own(o, p_sub, p_role);
$$;

-- GET /observations/{id}: NULL (404) unless visible: staff see all; others only in plans
-- that are not drafts, and only reviewed ones or their own.
CREATE FUNCTION observation_view(p_id bigint, p_sub text, p_role text, p_staff boolean)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT observation_json(o, p_staff OR observation_is_own(o, p_sub, p_role),
	                        observation_outcome(o.id))
	FROM observations o
	JOIN plans p ON p.id = o.plan_id
	WHERE o.id = p_id AND (p_staff OR p.status <> 'draft')
	  AND observation_visible(o, p_sub, p_role, p_staff);
$$;

-- A list's page of observations: p_rows in the list's order, at most p_limit + 1 of them
-- (one more says another page follows), each with its outcome and, for staff and its
-- author, author_sub; and the id of the page's last row when another page follows.
-- PL/pgSQL, so that its plan is kept for the session instead of made again on every page;
-- each row is taken out of the array once (OFFSET 0 keeps the subquery whole: flattened,
-- every use of e.o would copy the row again, 15% of a page).
CREATE FUNCTION observation_page(p_rows observations[], p_limit int, p_staff boolean,
                                 p_sub text, p_role text, OUT items json, OUT next_after bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	SELECT coalesce(json_agg(observation_json(e.o, p_staff OR observation_is_own(e.o, p_sub, p_role),
	                                          x.outcome)
	                         ORDER BY e.n) FILTER (WHERE e.n <= p_limit), '[]'),
	       max((e.o).id) FILTER (WHERE e.n = p_limit AND cardinality(p_rows) > p_limit)
	INTO items, next_after
	FROM (SELECT p_rows[n] AS o, n FROM generate_subscripts(p_rows, 1) AS n OFFSET 0) e
	LEFT JOIN observation_outcomes(ARRAY(SELECT r.id FROM unnest(p_rows) AS r)) x
	       ON x.observation_id = (e.o).id;
END;
$$;

-- Whether observation p_id is linked to an activity, directly or through an agreement
-- that has activities (what "incorporated" needs besides acceptance).
CREATE FUNCTION observation_linked(p_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM activity_observations l WHERE l.observation_id = p_id
	               UNION ALL
	               SELECT 1 FROM agreement_observations ao
	               JOIN activities t ON t.agreement_id = ao.agreement_id
	               WHERE ao.observation_id = p_id);
$$;

-- Whether o passes a list's filters (NULL: any) and is visible to the caller
-- (observation_visible); answer_overdue by observation_overdue. One expression, so that it
-- is inlined into each caller's WHERE: as a function called per row it cost the inbox's
-- first page ~15 µs a row, 51 rows per axis (make bench-scale). observation_linked, which
-- holds a subquery, is reached only when incorporated is asked and o is accepted.
CREATE FUNCTION observation_matches(o observations, p_sub text, p_role text,
                                    p_staff boolean, p_kind text, p_status text,
                                    p_source text, p_incorporated text, p_overdue text,
                                    p_unit bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT (p_kind IS NULL OR o.kind = p_kind)
	   AND (p_status IS NULL OR o.status = p_status)
	   AND (p_source IS NULL OR o.source = p_source)
	   AND (p_unit IS NULL OR o.unit_id = p_unit)
	   AND (p_overdue IS NULL OR p_overdue::boolean = observation_overdue(o))
	   AND (p_incorporated IS NULL OR p_incorporated::boolean =
	        (o.status = 'accepted' AND observation_linked(o.id)))
	   AND observation_visible(o, p_sub, p_role, p_staff);
$$;

-- GET /axes/{id}/observations: keyset page of the visible observations of a visible axis
-- (items NULL, i.e. 404, when the axis is not visible), and the last id if more follow.
CREATE FUNCTION api_observation_list(p_sub text, p_role text, p_staff boolean, p_axis bigint,
                                     p_kind text, p_status text, p_after bigint, p_limit int,
                                     OUT items json, OUT next_after bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM axes a JOIN plans p ON p.id = a.plan_id
	               WHERE a.id = p_axis AND (p_staff OR p.status <> 'draft')) THEN
		RETURN;
	END IF;
	SELECT * INTO items, next_after
	FROM observation_page(ARRAY(
		SELECT o FROM observations o
		WHERE o.axis_id = p_axis AND o.id > p_after
		  AND observation_matches(o, p_sub, p_role, p_staff, p_kind, p_status, NULL, NULL,
		                          NULL, NULL)
		ORDER BY o.id
		LIMIT p_limit + 1), p_limit, p_staff, p_sub, p_role);
END;
$$;

-- GET /me/observations: the citizen's own submissions in every status (drafts' aside,
-- which citizens never see).
CREATE FUNCTION api_observation_mine(p_sub text, p_after bigint, p_limit int,
                                     OUT items json, OUT next_after bigint)
LANGUAGE sql STABLE AS $$
	SELECT * FROM observation_page(ARRAY(
		SELECT o FROM observations o
		JOIN plans p ON p.id = o.plan_id
		WHERE o.author_sub = p_sub AND p.status <> 'draft' AND o.id > p_after
		ORDER BY o.id
		LIMIT p_limit + 1), p_limit, true, p_sub, 'ciudadanos');
$$;

-- POST /axes/{id}/observations. p_body is validated by the service ({kind, body, source?,
-- activity_id?}; a citizen's source is never 'deliberation'); activity_id must be an
-- activity of the axis (422 activity_other_axis). With p_key (Idempotency-Key), the first
-- successful answer of (actor, key) is kept for 24 hours and returned again for the same
-- request; another request under that key is refused (422). Citizens: plan approved
-- (a draft is invisible: 404), at most p_per_hour submissions in the last hour (429, the
-- detail is Retry-After in seconds). Staff: plan draft or approved. One advisory lock per
-- actor makes the key lookup, the hourly count and the insert atomic across instances.
CREATE FUNCTION api_observation_create(p_sub text, p_role text, p_staff boolean,
                                       p_axis bigint, p_body jsonb, p_key text,
                                       p_per_hour int) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_hash text := md5('POST /api/v1/axes/' || p_axis || '/observations ' || p_body::text);
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
		SELECT * INTO v_kept FROM idempotency_keys
		WHERE actor_sub = p_sub AND key = p_key AND created_at > now() - interval '24 hours';
		IF FOUND THEN
			IF v_kept.request_hash <> v_hash THEN
				PERFORM api_raise(422, 'idempotency_key_reused', '');
			END IF;
			RETURN v_kept.body::json;
		END IF;
		-- Keys older than a day are forgotten.
		DELETE FROM idempotency_keys
		WHERE actor_sub = p_sub AND created_at <= now() - interval '24 hours';
	END IF;

	SELECT p.id, p.status INTO v_plan, v_plan_status
	FROM axes a JOIN plans p ON p.id = a.plan_id
	WHERE a.id = p_axis
	FOR SHARE OF p;
	IF NOT FOUND OR (v_plan_status = 'draft' AND NOT p_staff) THEN
		PERFORM api_raise(404, 'axis_not_found');
	ELSIF v_plan_status = 'closed' THEN
		PERFORM api_raise(409, 'plan_closed');
	END IF;

	IF NOT p_staff THEN
		-- The submission that must leave the window before another fits in it.
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

	IF p_body->>'activity_id' IS NOT NULL
	   AND NOT EXISTS (SELECT 1 FROM activities
	                   WHERE id = (p_body->>'activity_id')::bigint AND axis_id = p_axis) THEN
		PERFORM api_raise(422, 'activity_other_axis', '/activity_id');
	END IF;

	INSERT INTO observations (plan_id, axis_id, kind, body, source, author_sub, author_role,
	                          activity_id)
	VALUES (v_plan, p_axis, p_body->>'kind', trim_blanks(p_body->>'body'),
	        CASE WHEN p_staff THEN coalesce(p_body->>'source', 'deliberation') ELSE 'online' END,
	        p_sub, p_role, (p_body->>'activity_id')::bigint)
	RETURNING * INTO v_obs;
	v_json := observation_reply(v_obs);
	IF p_key IS NOT NULL THEN
		INSERT INTO idempotency_keys (actor_sub, key, request_hash, status, body, location)
		VALUES (p_sub, p_key, v_hash, 201, v_json::text, '/api/v1/observations/' || v_obs.id);
	END IF;
	RETURN v_json;
END;
$$;

-- Locks an observation for a change, with its plan held against closing meanwhile, and
-- returns it; 404 when it does not exist.
CREATE FUNCTION observation_lock(p_id bigint) RETURNS observations
LANGUAGE plpgsql AS $$
DECLARE
	v_obs observations;
BEGIN
	PERFORM 1 FROM plans p JOIN observations o ON o.plan_id = p.id
	WHERE o.id = p_id
	FOR SHARE OF p;
	SELECT * INTO v_obs FROM observations WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM api_raise(404, 'observation_not_found');
	END IF;
	RETURN v_obs;
END;
$$;

-- Review and withdrawal go on while the plan is a draft or approved; a closed one is
-- read-only (409).
CREATE FUNCTION observation_require_open(o observations) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF (SELECT p.status FROM plans p WHERE p.id = o.plan_id) = 'closed' THEN
		PERFORM api_raise(409, 'plan_closed');
	END IF;
END;
$$;

-- True if observation_transitions lets actor move an observation from one status to another.
CREATE FUNCTION observation_may_move(p_from text, p_to text, p_actor text) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM observation_transitions
	               WHERE from_status = p_from AND to_status = p_to AND actor = p_actor);
$$;

-- PATCH /observations/{id} {status?, response?, unit_id?} by staff: one step of the
-- review (received may be answered at once), or, with the status it has, a correction of
-- an answered one's response (the service requires status with response); unit_id
-- (null included) assigns it to a unit (422 unknown_unit). A given response (null
-- included) replaces the current one; rejecting needs a non-blank one.
CREATE FUNCTION api_observation_review(p_sub text, p_role text, p_id bigint, p_body jsonb,
                                       p_if_match text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_obs observations;
	v_to text := p_body->>'status';
	v_response text;
BEGIN
	PERFORM api_as(p_sub, p_role);
	v_obs := observation_lock(p_id);
	PERFORM observation_require_open(v_obs);
	PERFORM check_if_match(p_if_match, observation_reply(v_obs));
	IF p_body ? 'unit_id' AND p_body->>'unit_id' IS NOT NULL
	   AND NOT EXISTS (SELECT 1 FROM units WHERE id = (p_body->>'unit_id')::bigint) THEN
		PERFORM api_raise(422, 'unknown_unit', '/unit_id');
	END IF;
	IF v_to IS NULL THEN
		v_to := v_obs.status;   -- an assignment alone
	ELSIF NOT observation_may_move(v_obs.status, v_to, 'reviewer') THEN
		PERFORM api_raise(409, 'illegal_transition');
	END IF;
	v_response := CASE WHEN p_body ? 'response' THEN trim_blanks(p_body->>'response') ELSE v_obs.response END;
	IF v_to = 'rejected' AND coalesce(v_response, '') = '' THEN   -- trimmed of every blank
		PERFORM api_raise(422, 'response_required', '/response');
	END IF;
	UPDATE observations SET status = v_to, response = v_response,
	       answered_at = CASE WHEN v_to IN ('accepted', 'rejected')
	                          THEN coalesce(answered_at, now()) END,
	       unit_id = CASE WHEN p_body ? 'unit_id' THEN (p_body->>'unit_id')::bigint
	                      ELSE unit_id END
	WHERE id = p_id
	RETURNING * INTO v_obs;
	RETURN observation_reply(v_obs);
END;
$$;

-- POST /observations/{id}/withdraw by a citizen: their own, while received. Someone else's
-- is 404 when they cannot see it and 403 when they can.
CREATE FUNCTION api_observation_withdraw(p_sub text, p_role text, p_id bigint) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_obs observations;
BEGIN
	PERFORM api_as(p_sub, p_role);
	IF observation_view(p_id, p_sub, p_role, false) IS NULL THEN
		PERFORM api_raise(404, 'observation_not_found');
	END IF;
	v_obs := observation_lock(p_id);
	IF NOT observation_is_own(v_obs, p_sub, p_role) THEN
		PERFORM api_raise(403, 'not_author');
	END IF;
	PERFORM observation_require_open(v_obs);
	IF NOT observation_may_move(v_obs.status, 'withdrawn', 'author') THEN
		PERFORM api_raise(409, 'illegal_transition');
	END IF;
	UPDATE observations SET status = 'withdrawn' WHERE id = p_id RETURNING * INTO v_obs;
	RETURN observation_reply(v_obs);
END;
$$;

-- The inbox's order (openapi/openapi.yaml): a key per sort, ties broken by id. created_at
-- as exact epoch microseconds (numeric), negated for -created_at; number as is.
CREATE FUNCTION observation_sort_key(o observations, p_sort text) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE p_sort
		WHEN 'number' THEN o.number::numeric
		WHEN '-created_at' THEN -extract(epoch FROM o.created_at)
		ELSE extract(epoch FROM o.created_at)
	END;
$$;

-- GET /plans/{id}/observations: keyset page of the plan's observations the caller may see
-- (items NULL, i.e. 404, when the plan is not visible), filtered (observation_matches,
-- and the axis) and sorted (created_at by default). The cursor holds the id of the page's
-- last row; its sort key is read back from that row (created_at and number never change,
-- and observations are never deleted), so the page after it stays exact under every sort
-- while new observations arrive. Without q the plan's observations are read in the sort's
-- order from its index (019_observation_plan.sql) until limit + 1 match: an unfiltered
-- page costs the same however many observations the plan has (a filter reads as many
-- more rows as it passes over). With q the matches come from the GIN index and are
-- sorted whole.
CREATE FUNCTION api_plan_observation_list(p_sub text, p_role text, p_staff boolean,
                                          p_plan bigint, p_axis bigint, p_kind text,
                                          p_status text, p_source text, p_incorporated text,
                                          p_sort text, p_overdue text, p_unit bigint,
                                          p_q text, p_after bigint,
                                          p_limit int,
                                          OUT items json, OUT next_after bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_sort text := coalesce(p_sort, 'created_at');
	v_after observations;
	v_page observations[];
BEGIN
	IF NOT EXISTS (SELECT 1 FROM plans p
	               WHERE p.id = p_plan AND (p_staff OR p.status <> 'draft')) THEN
		RETURN;
	END IF;
	IF p_after > 0 THEN
		SELECT * INTO v_after FROM observations o WHERE o.id = p_after;
	END IF;
	IF p_q IS NOT NULL THEN
		v_page := ARRAY(
			SELECT o FROM observations o
			WHERE o.plan_id = p_plan AND (p_axis IS NULL OR o.axis_id = p_axis)
			  AND (p_after = 0 OR (observation_sort_key(o, v_sort), o.id) >
			                      (observation_sort_key(v_after, v_sort), p_after))
			  AND o.search_tsv @@ websearch_to_tsquery('es_unaccent'::regconfig, p_q)
			  AND observation_matches(o, p_sub, p_role, p_staff, p_kind, p_status, p_source,
			                          p_incorporated, p_overdue, p_unit)
			ORDER BY observation_sort_key(o, v_sort), o.id
			LIMIT p_limit + 1);
	ELSE
		-- One branch per sort, each in its index's order; the others are cut by their
		-- constant condition before they read anything.
		v_page := ARRAY(SELECT s.o FROM (
			(SELECT o FROM observations o
			 WHERE v_sort = 'created_at' AND o.plan_id = p_plan
			   AND (p_after = 0 OR (o.created_at, o.id) > (v_after.created_at, p_after))
			   AND (p_axis IS NULL OR o.axis_id = p_axis)
			   AND observation_matches(o, p_sub, p_role, p_staff, p_kind, p_status,
			                           p_source, p_incorporated, p_overdue, p_unit)
			 ORDER BY o.created_at, o.id LIMIT p_limit + 1)
			UNION ALL
			(SELECT o FROM observations o
			 WHERE v_sort = '-created_at' AND o.plan_id = p_plan
			   AND (p_after = 0 OR o.created_at < v_after.created_at
			        OR (o.created_at = v_after.created_at AND o.id > p_after))
			   AND (p_axis IS NULL OR o.axis_id = p_axis)
			   AND observation_matches(o, p_sub, p_role, p_staff, p_kind, p_status,
			                           p_source, p_incorporated, p_overdue, p_unit)
			 ORDER BY o.created_at DESC, o.id LIMIT p_limit + 1)
			UNION ALL
			(SELECT o FROM observations o
			 WHERE v_sort = 'number' AND o.plan_id = p_plan
			   AND (p_after = 0 OR (o.number, o.id) > (v_after.number, p_after))
			   AND (p_axis IS NULL OR o.axis_id = p_axis)
			   AND observation_matches(o, p_sub, p_role, p_staff, p_kind, p_status,
			                           p_source, p_incorporated, p_overdue, p_unit)
			 ORDER BY o.number, o.id LIMIT p_limit + 1)) s
			ORDER BY observation_sort_key(s.o, v_sort), (s.o).id);
	END IF;
	SELECT * INTO items, next_after
	FROM observation_page(v_page, p_limit, p_staff, p_sub, p_role);
END;
$$;
