-- Plans: their representations and visibility, the lifecycle (draft → approved →
-- closed), and the whole plan as one document, exported as it stands and imported in one
-- transaction (POST /plans/import and `rendicion seed`).

CREATE FUNCTION plan_json(p plans) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', p.id, 'title', p.title, 'process', p.process, 'entity', p.entity,
		'year', p.year, 'status', p.status,
		'elaborated_by', person_json(p.elaborated_name, p.elaborated_position),
		'approved_by', person_json(p.approved_name, p.approved_position),
		'approved_at', rfc3339(p.approved_at), 'version', p.version,
		'closed_at', rfc3339(p.closed_at), 'closing_note', p.closing_note,
		'withdrawn_at', rfc3339(p.withdrawn_at), 'withdrawn_reason', p.withdrawn_reason,
		'created_at', rfc3339(p.created_at), 'updated_at', rfc3339(p.updated_at));
$$;

-- The single-plan representation: the plan and its axes (id, number, name).
-- PL/pgSQL rather than SQL: its query plan is kept for the session instead of being
-- made again on every call.
CREATE FUNCTION plan_full_json(p_id bigint) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT json_build_object(
		'id', p.id, 'title', p.title, 'process', p.process, 'entity', p.entity,
		'year', p.year, 'status', p.status,
		'elaborated_by', person_json(p.elaborated_name, p.elaborated_position),
		'approved_by', person_json(p.approved_name, p.approved_position),
		'approved_at', rfc3339(p.approved_at), 'version', p.version,
		'closed_at', rfc3339(p.closed_at), 'closing_note', p.closing_note,
		'withdrawn_at', rfc3339(p.withdrawn_at), 'withdrawn_reason', p.withdrawn_reason,
		'created_at', rfc3339(p.created_at), 'updated_at', rfc3339(p.updated_at),
		'axes', coalesce((SELECT json_agg(json_build_object('id', a.id, 'number', a.number,
		                                                    'name', a.name) ORDER BY a.number)
		                  FROM axes a WHERE a.plan_id = p.id), '[]'))
	FROM plans p WHERE p.id = p_id);
END;
$$;

-- True if the public (and citizens) may see a plan of this status: not drafts, not
-- withdrawn plans (those only staff see).
CREATE FUNCTION plan_status_public(p_status text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT p_status NOT IN ('draft', 'withdrawn');
$$;

-- True if the plan exists and the caller may see it (drafts, withdrawn: staff only).
CREATE FUNCTION plan_visible(p_plan bigint, p_staff boolean) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM plans WHERE id = p_plan AND (p_staff OR plan_status_public(status)));
$$;

-- The year of a plan the caller may see (drafts: staff only), NULL when there is none.
CREATE FUNCTION plan_visible_year(p_plan bigint, p_staff boolean) RETURNS int
LANGUAGE sql STABLE AS $$
	SELECT year FROM plans WHERE id = p_plan AND (p_staff OR plan_status_public(status));
$$;

-- Locks a plan for a change and returns its status; 404 if it does not exist.
CREATE FUNCTION plan_lock(p_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_status text;
BEGIN
	SELECT status INTO v_status FROM plans WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM api_raise(404, 'plan_not_found');
	END IF;
	RETURN v_status;
END;
$$;

-- Locks the plan for a change of what it holds: 409 when closed or withdrawn (they change
-- no more); returns its status.
CREATE FUNCTION plan_require_open(p_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_status text := plan_lock(p_id);
BEGIN
	IF v_status = 'closed' THEN
		PERFORM api_raise(409, 'plan_closed');
	ELSIF v_status = 'withdrawn' THEN
		PERFORM api_raise(409, 'plan_withdrawn');
	END IF;
	RETURN v_status;
END;
$$;

-- What only a draft allows (deleting it or its structure, editing its heading).
CREATE FUNCTION plan_require_draft(p_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF plan_require_open(p_id) <> 'draft' THEN
		PERFORM api_raise(409, 'plan_not_draft');
	END IF;
END;
$$;

-- A new version of the plan p_id, by the current actor (api_as); the snapshot and the
-- changes are added at commit (plan_version_snapshot, below).
CREATE FUNCTION plan_version_add(p_id bigint, p_version int, p_reason text) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO plan_versions (plan_id, version, actor_sub, actor_role, reason)
	VALUES (p_id, p_version,
	        coalesce(nullif(current_setting('rendicion.actor_sub', true), ''), 'system'),
	        coalesce(nullif(current_setting('rendicion.actor_role', true), ''), 'system'),
	        p_reason);
$$;

-- Structure (axes, agreements, activities: text, month, units, links) may change in a
-- draft freely, and in an approved plan as an amendment: with a `reason` in the body
-- (else 422 at /reason), raising the plan's version. Closed and withdrawn plans change
-- no more. Locks the plan.
CREATE FUNCTION plan_require_amendable(p_id bigint, p_body jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	v_version int;
BEGIN
	IF plan_require_open(p_id) = 'approved' THEN
		IF p_body IS NULL OR p_body->>'reason' IS NULL THEN
			PERFORM api_raise(422, 'reason_required', '/reason');
		END IF;
		UPDATE plans SET version = version + 1 WHERE id = p_id RETURNING version INTO v_version;
		PERFORM plan_version_add(p_id, v_version, p_body->>'reason');
	END IF;
END;
$$;

-- The amendment of plan p_id made in this transaction, as activities show it
-- ({version, reason, at}), or NULL when there is none (a draft's change).
CREATE FUNCTION plan_amendment(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('version', v.version, 'reason', v.reason,
	                          'at', rfc3339(v.created_at))
	FROM plan_versions v
	WHERE v.plan_id = p_id AND v.txid = txid_current() AND v.reason IS NOT NULL
	ORDER BY v.version DESC LIMIT 1;
$$;

-- Same entity, year and title as a plan that is not withdrawn (other than p_except) →
-- 409 duplicate_plan. The advisory lock serialises creations of one entity and year so
-- that two concurrent ones cannot both pass the check.
CREATE FUNCTION plan_check_unique(p_entity text, p_year int, p_title text, p_except bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(7243013, hashtext(p_entity || '|' || p_year));
	IF EXISTS (SELECT 1 FROM plans WHERE entity = p_entity AND year = p_year
	           AND title = p_title AND status <> 'withdrawn'
	           AND id IS DISTINCT FROM p_except) THEN
		PERFORM api_raise(409, 'duplicate_plan');
	END IF;
END;
$$;

CREATE FUNCTION api_plan_create(p_sub text, p_role text, p_body jsonb) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	PERFORM api_as(p_sub, p_role);
	PERFORM plan_check_unique(p_body->>'entity', (p_body->>'year')::int, p_body->>'title', NULL);
	INSERT INTO plans (title, process, entity, year, elaborated_name, elaborated_position)
	VALUES (p_body->>'title', coalesce(p_body->>'process', ''), p_body->>'entity',
	        (p_body->>'year')::int, p_body->'elaborated_by'->>'name',
	        p_body->'elaborated_by'->>'position')
	RETURNING id INTO v_id;
	RETURN plan_full_json(v_id);
END;
$$;

CREATE FUNCTION api_plan_update(p_sub text, p_role text, p_id bigint, p_body jsonb,
                                p_if_match text) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM api_as(p_sub, p_role);
	PERFORM plan_require_draft(p_id);
	PERFORM check_if_match(p_if_match, plan_full_json(p_id));
	UPDATE plans SET
		title = coalesce(p_body->>'title', title),
		process = coalesce(p_body->>'process', process),
		entity = coalesce(p_body->>'entity', entity),
		year = coalesce((p_body->>'year')::int, year),
		elaborated_name = CASE WHEN p_body ? 'elaborated_by'
		                       THEN p_body->'elaborated_by'->>'name' ELSE elaborated_name END,
		elaborated_position = CASE WHEN p_body ? 'elaborated_by'
		                           THEN p_body->'elaborated_by'->>'position'
		                           ELSE elaborated_position END
	WHERE id = p_id;
	PERFORM plan_check_unique(p.entity, p.year, p.title, p.id) FROM plans p WHERE p.id = p_id;
	RETURN plan_full_json(p_id);
END;
$$;

CREATE FUNCTION api_plan_delete(p_sub text, p_role text, p_id bigint) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM api_as(p_sub, p_role);
	PERFORM plan_require_draft(p_id);
	DELETE FROM plans WHERE id = p_id;
	RETURN '{}'::json;
END;
$$;

CREATE FUNCTION api_plan_approve(p_sub text, p_role text, p_id bigint, p_body jsonb)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_plan plans;
BEGIN
	PERFORM api_as(p_sub, p_role);
	PERFORM plan_require_draft(p_id);
	SELECT * INTO v_plan FROM plans WHERE id = p_id;
	IF v_plan.elaborated_name IS NULL THEN
		PERFORM api_raise(409, 'plan_needs_elaborated_by');
	END IF;
	IF NOT EXISTS (SELECT 1 FROM axes WHERE plan_id = p_id) THEN
		PERFORM api_raise(409, 'plan_needs_axes');
	END IF;
	UPDATE plans SET status = 'approved', approved_name = p_body->>'name',
	                 approved_position = p_body->>'position', approved_at = now(),
	                 version = 1
	WHERE id = p_id;
	PERFORM plan_version_add(p_id, 1, NULL);
	RETURN plan_full_json(p_id);
END;
$$;

-- approved → closed: records when, and the optional note; every activity neither done
-- nor cancelled becomes not_done ("no cumplida") in the same transaction.
CREATE FUNCTION api_plan_close(p_sub text, p_role text, p_id bigint, p_body jsonb)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_status text;
BEGIN
	PERFORM api_as(p_sub, p_role);
	v_status := plan_lock(p_id);
	IF v_status = 'closed' THEN
		PERFORM api_raise(409, 'plan_closed');
	ELSIF v_status <> 'approved' THEN
		PERFORM api_raise(409, 'plan_not_approved');
	END IF;
	UPDATE activities t SET status = 'not_done'
	FROM axes a
	WHERE a.plan_id = p_id AND t.axis_id = a.id
	  AND t.status NOT IN ('done', 'cancelled', 'not_done');
	UPDATE plans SET status = 'closed', closed_at = now(),
	                 closing_note = coalesce(p_body, '{}')->>'note'
	WHERE id = p_id;
	RETURN plan_full_json(p_id);
END;
$$;

-- draft or approved → withdrawn {reason}: hidden from the public and citizens (404),
-- kept for staff; its title, entity and year are free again for a new plan.
CREATE FUNCTION api_plan_withdraw(p_sub text, p_role text, p_id bigint, p_body jsonb)
RETURNS json LANGUAGE plpgsql AS $$
BEGIN
	PERFORM api_as(p_sub, p_role);
	PERFORM plan_require_open(p_id);
	UPDATE plans SET status = 'withdrawn', withdrawn_at = now(),
	                 withdrawn_reason = p_body->>'reason'
	WHERE id = p_id;
	RETURN plan_full_json(p_id);
END;
$$;

-- An axis's observations or contributions in the document format, by number. The public
-- sees only reviewed ones (accepted, rejected); staff see them all.
-- (PL/pgSQL so its plan is kept: it runs twice per axis of every document.)
CREATE FUNCTION document_observations(p_axis bigint, p_kind text, p_staff boolean)
RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT coalesce(json_agg(json_build_object('number', o.number, 'body', o.body,
	                                                   'source', o.source, 'status', o.status,
	                                                   'response', o.response)
	                                 ORDER BY o.number), '[]')
	        FROM observations o
	        WHERE o.axis_id = p_axis AND o.kind = p_kind
	          AND (p_staff OR o.status IN ('accepted', 'rejected')));
END;
$$;

-- The observations p_ids of axis p_axis as the document names them: {observations: [n],
-- contributions: [n]} by number. Links only accepted ones exist (agreement_link,
-- activity_link), so the public's document names none it does not show. A link to another
-- axis (release 1 let agreements answer any observation of the plan) has no number here.
CREATE FUNCTION document_responds_to(p_axis bigint, p_ids bigint[]) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'observations', coalesce(json_agg(o.number ORDER BY o.number)
		                         FILTER (WHERE o.kind = 'observation'), '[]'),
		'contributions', coalesce(json_agg(o.number ORDER BY o.number)
		                          FILTER (WHERE o.kind = 'contribution'), '[]'))
	FROM observations o WHERE o.id = ANY (p_ids) AND o.axis_id = p_axis;
$$;

-- The whole plan in the import/export format, as visible to the caller.
CREATE FUNCTION plan_document(p_id bigint, p_staff boolean) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT json_build_object(
		'title', p.title, 'process', p.process, 'entity', p.entity, 'year', p.year,
		'status', p.status,
		'elaborated_by', person_json(p.elaborated_name, p.elaborated_position),
		'approved_by', person_json(p.approved_name, p.approved_position),
		'approved_at', rfc3339(p.approved_at),
		'axes', coalesce((
			SELECT json_agg(json_build_object(
				'number', a.number, 'name', a.name, 'description', a.description,
				'observations', document_observations(a.id, 'observation', p_staff),
				'contributions', document_observations(a.id, 'contribution', p_staff),
				'agreements', coalesce((
					SELECT json_agg(json_build_object(
						'number', g.number, 'text', g.text,
						'responds_to', document_responds_to(a.id, ARRAY(
							SELECT l.observation_id FROM agreement_observations l
							WHERE l.agreement_id = g.id)))
					                ORDER BY g.number)
					FROM agreements g WHERE g.axis_id = a.id), '[]'),
				'activities', coalesce((
					SELECT json_agg(json_build_object(
						'number', t.number, 'description', t.description,
						'due_month', t.due_month,
						'units', coalesce((SELECT json_agg(u.name ORDER BY au.position, u.id)
						                   FROM activity_units au JOIN units u ON u.id = au.unit_id
						                   WHERE au.activity_id = t.id), '[]'),
						'status', t.status, 'progress', t.progress,
						'agreement', (SELECT g.number FROM agreements g
						              WHERE g.id = t.agreement_id AND g.axis_id = a.id),
						'responds_to', document_responds_to(a.id, ARRAY(
							SELECT l.observation_id FROM activity_observations l
							WHERE l.activity_id = t.id))) ORDER BY t.number)
					FROM activities t WHERE t.axis_id = a.id), '[]'))
				ORDER BY a.number)
			FROM axes a WHERE a.plan_id = p.id), '[]'))
	FROM plans p
	WHERE p.id = p_id AND (p_staff OR plan_status_public(p.status)));
END;
$$;

-- The ids of the observations of axis p_axis that a document's {observations: [n],
-- contributions: [n]} names (NULL: none); the service has checked that each exists.
CREATE FUNCTION document_link_ids(p_axis bigint, p_responds_to jsonb) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
	SELECT ob.id
	FROM (VALUES ('observation', 'observations'), ('contribution', 'contributions')) AS k(kind, key)
	CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(p_responds_to->k.key, '[]')) AS n
	JOIN observations ob ON ob.axis_id = p_axis AND ob.kind = k.kind AND ob.number = n::int;
$$;

-- POST /plans/import and `rendicion seed`: creates a whole plan from a document the
-- service has validated, in one transaction. With p_unless_exists, returns NULL without
-- writing when a plan of the same title, entity and year exists (the seed is idempotent).
CREATE FUNCTION api_plan_import(p_sub text, p_role text, p_doc jsonb, p_unless_exists boolean)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_plan bigint;
	v_axis bigint;
	v_act bigint;
	v_status text := coalesce(p_doc->>'status', 'draft');
	a jsonb;
	o jsonb;
	u record;
BEGIN
	PERFORM api_as(p_sub, p_role);
	IF NOT p_unless_exists THEN
		PERFORM plan_check_unique(p_doc->>'entity', (p_doc->>'year')::int, p_doc->>'title', NULL);
	END IF;
	IF p_unless_exists THEN
		-- Serialises concurrent seeds so the check below cannot race.
		PERFORM pg_advisory_xact_lock(7243002);
		IF EXISTS (SELECT 1 FROM plans WHERE title = p_doc->>'title'
		           AND entity = p_doc->>'entity' AND year = (p_doc->>'year')::int) THEN
			RETURN NULL;
		END IF;
	END IF;
	INSERT INTO plans (title, process, entity, year, status, elaborated_name,
	                   elaborated_position, approved_name, approved_position, approved_at,
	                   version, closed_at)
	VALUES (p_doc->>'title', coalesce(p_doc->>'process', ''), p_doc->>'entity',
	        (p_doc->>'year')::int, v_status,
	        p_doc->'elaborated_by'->>'name', p_doc->'elaborated_by'->>'position',
	        p_doc->'approved_by'->>'name', p_doc->'approved_by'->>'position',
	        -- as the document gives it (the seed's is null), never the time of the import
	        CASE WHEN v_status <> 'draft' THEN (p_doc->>'approved_at')::timestamptz END,
	        CASE WHEN v_status <> 'draft' THEN 1 ELSE 0 END,
	        CASE WHEN v_status = 'closed' THEN (p_doc->>'closed_at')::timestamptz END)
	RETURNING id INTO v_plan;
	FOR a IN SELECT * FROM jsonb_array_elements(p_doc->'axes') LOOP
		INSERT INTO axes (plan_id, number, name, description)
		VALUES (v_plan, (a->>'number')::int, a->>'name', coalesce(a->>'description', ''))
		RETURNING id INTO v_axis;
		INSERT INTO observations (plan_id, axis_id, kind, number, body, source, status,
		                          response, author_sub, author_role)
		SELECT v_plan, v_axis, k.kind, coalesce((e.value->>'number')::int, e.ordinality::int),
		       e.value->>'body', coalesce(e.value->>'source', 'deliberation'),
		       coalesce(e.value->>'status', 'received'), e.value->>'response', p_sub, p_role
		FROM (VALUES ('observation', 'observations'), ('contribution', 'contributions')) AS k(kind, key)
		CROSS JOIN LATERAL jsonb_array_elements(coalesce(a->k.key, '[]')) WITH ORDINALITY AS e
		ORDER BY k.kind DESC, e.ordinality;
		INSERT INTO agreements (axis_id, number, text)
		SELECT v_axis, (g->>'number')::int, g->>'text'
		FROM jsonb_array_elements(coalesce(a->'agreements', '[]')) AS g;
		INSERT INTO agreement_observations (agreement_id, observation_id)
		SELECT ag.id, ob.id
		FROM jsonb_array_elements(coalesce(a->'agreements', '[]')) AS g
		JOIN agreements ag ON ag.axis_id = v_axis AND ag.number = (g->>'number')::int
		CROSS JOIN LATERAL document_link_ids(v_axis, g->'responds_to') AS ob(id)
		ON CONFLICT DO NOTHING;
		FOR o IN SELECT * FROM jsonb_array_elements(coalesce(a->'activities', '[]')) LOOP
			INSERT INTO activities (axis_id, number, description, due_month, status, progress,
			                        agreement_id)
			VALUES (v_axis, (o->>'number')::int, o->>'description', (o->>'due_month')::int,
			        coalesce(o->>'status', 'pending'), coalesce((o->>'progress')::int, 0),
			        (SELECT ag.id FROM agreements ag
			         WHERE ag.axis_id = v_axis AND ag.number = (o->>'agreement')::int))
			RETURNING id INTO v_act;
			INSERT INTO activity_observations (activity_id, observation_id)
			SELECT v_act, ob.id FROM document_link_ids(v_axis, o->'responds_to') AS ob(id)
			ON CONFLICT DO NOTHING;
			FOR u IN SELECT value, ordinality FROM jsonb_array_elements_text(o->'units')
			         WITH ORDINALITY LOOP
				INSERT INTO activity_units (activity_id, unit_id, position)
				VALUES (v_act, unit_ensure(u.value), u.ordinality)
				ON CONFLICT DO NOTHING;
			END LOOP;
		END LOOP;
	END LOOP;
	IF v_status <> 'draft' THEN
		PERFORM plan_version_add(v_plan, 1, NULL);
	END IF;
	RETURN plan_full_json(v_plan);
END;
$$;

-- At commit (a deferred constraint trigger): a new version keeps the plan's document as
-- it then stands, for the staff and for the public, and the audit rows of its
-- transaction as its changes.
CREATE FUNCTION plan_version_snapshot() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE plan_versions SET
		doc_staff = plan_document(NEW.plan_id, true),
		doc_public = plan_document(NEW.plan_id, false),
		changes = (SELECT coalesce(json_agg(json_build_object(
		                   'entity', l.entity, 'entity_id', l.entity_id, 'action', l.action,
		                   'before', l.before, 'after', l.after) ORDER BY l.id), '[]')
		           FROM audit_log l WHERE l.txid = NEW.txid)
	WHERE plan_id = NEW.plan_id AND version = NEW.version;
	RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER plan_versions_snapshot AFTER INSERT ON plan_versions
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION plan_version_snapshot();

-- GET /plans/{id}/document?version=N: the document as it stood at version N (the
-- current one without N). A plan approved before versions were kept has no snapshot of
-- its version 1: while it is still at that version, its current document is that one.
CREATE FUNCTION plan_document_at(p_id bigint, p_staff boolean, p_version int) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_doc json;
	v_current int;
BEGIN
	IF p_version IS NULL THEN
		RETURN plan_document(p_id, p_staff);
	END IF;
	SELECT version INTO v_current FROM plans
	WHERE id = p_id AND (p_staff OR plan_status_public(status));
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	SELECT CASE WHEN p_staff THEN doc_staff ELSE doc_public END INTO v_doc
	FROM plan_versions WHERE plan_id = p_id AND version = p_version;
	IF v_doc IS NULL AND p_version = v_current THEN
		RETURN plan_document(p_id, p_staff);
	ELSIF v_doc IS NULL THEN
		PERFORM api_raise(404, 'version_not_found');
	END IF;
	RETURN v_doc;
END;
$$;

-- GET /plans/{id}/versions (staff): each version, newest first, with its changes.
CREATE FUNCTION api_plan_versions(p_plan bigint, p_after bigint, p_limit int,
                                  OUT items json, OUT next_after bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM plans WHERE id = p_plan) THEN
		PERFORM api_raise(404, 'plan_not_found');
	END IF;
	WITH page AS (
		SELECT v.*, row_number() OVER (ORDER BY v.version) AS n
		FROM plan_versions v WHERE v.plan_id = p_plan AND v.version > p_after
		ORDER BY v.version LIMIT p_limit + 1)
	SELECT coalesce(json_agg(json_build_object(
	                'version', version, 'created_at', rfc3339(created_at),
	                'actor_sub', actor_sub, 'reason', reason,
	                'changes', coalesce(changes, '[]')) ORDER BY n)
	                FILTER (WHERE n <= p_limit), '[]'),
	       max(version) FILTER (WHERE n = p_limit AND (SELECT count(*) FROM page) > p_limit)
	INTO items, next_after
	FROM page;
END;
$$;
