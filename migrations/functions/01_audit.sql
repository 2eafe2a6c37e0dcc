-- Every change is written to the audit log in the same transaction as the change, by
-- triggers, so no code path can forget it; the same triggers notify the service
-- instances' response caches. The actor is what the service declared for the
-- transaction with api_as(); changes made outside the service are logged as 'system'.
-- Another trigger keeps each row's updated_at.

-- Declares who is acting for the rest of the current transaction. PL/pgSQL, like every
-- function the writes call on each request: a SQL function called from PL/pgSQL is parsed
-- and planned on every call, a PL/pgSQL one keeps its plans for the session.
CREATE FUNCTION api_as(p_sub text, p_role text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('rendicion.actor_sub', p_sub, true),
	        set_config('rendicion.actor_role', p_role, true);
END;
$$;

-- The audit's image of a stored row, in the API's words: a plan's author and approver as
-- {name, position}, times as RFC 3339 UTC ("…Z"; to the microsecond, so that two changes
-- within a second still differ), never a password hash nor a search vector (014_search.sql).
-- PL/pgSQL, which keeps the query's plan for the session: a SQL function called from the
-- audit trigger was parsed and planned for every image of every audited write.
CREATE FUNCTION audit_image(p_row jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (
		SELECT jsonb_object_agg(k, CASE WHEN k LIKE '%\_at' AND jsonb_typeof(v) = 'string'
		                                THEN to_jsonb(to_char((v #>> '{}')::timestamptz AT TIME ZONE 'UTC',
		                                                      'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
		                                ELSE v END)
		FROM jsonb_each(CASE WHEN p_row ? 'elaborated_name' THEN
			p_row - 'elaborated_name' - 'elaborated_position' - 'approved_name' - 'approved_position'
			|| jsonb_build_object(
				'elaborated_by', person_json(p_row ->> 'elaborated_name', p_row ->> 'elaborated_position'),
				'approved_by', person_json(p_row ->> 'approved_name', p_row ->> 'approved_position'))
			ELSE p_row END - 'password_hash' - 'search_tsv') AS e(k, v));
END;
$$;

-- What the response caches of the service instances must hear about a changed row
-- (service/core/change.c applies it): one notification 'SCOPE ID AUDIENCE' per image of
-- the row (before, after), delivered at commit, identical ones once per transaction.
-- SCOPE ID is 'plan N', the plan the row belongs to, 'units 0' (unit names show in every
-- plan's activities), or 'all 0' when the plan cannot be found (a row deleted with its
-- plan): when in doubt, everything. AUDIENCE is 'public' when an anonymous reader could
-- see the row: the plan is not a draft and, for an observation, it has been answered
-- (accepted or rejected; 17_observations.sql) or is past the day it was due (the public
-- compliance figures count those, 16_compliance.sql); else 'staff'. Accounts are never public.
CREATE FUNCTION audit_notify(p_entity text, p_id bigint, p_before jsonb, p_after jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_row jsonb;
	v_plan bigint;
	v_status text;
BEGIN
	IF p_entity = 'user' THEN
		PERFORM pg_notify('rendicion_changes', 'users 0 staff');
		RETURN;
	ELSIF p_entity = 'unit' THEN
		PERFORM pg_notify('rendicion_changes', 'units 0 public');
		RETURN;
	END IF;
	FOREACH v_row IN ARRAY ARRAY[p_before, p_after] LOOP
		CONTINUE WHEN v_row IS NULL;
		IF p_entity = 'plan' THEN
			v_plan := p_id;
			v_status := v_row ->> 'status';
		ELSIF v_row ? 'plan_id' THEN
			-- An axis or an observation: the row names its plan.
			SELECT id, status INTO v_plan, v_status
			FROM plans WHERE id = (v_row ->> 'plan_id')::bigint;
		ELSE
			-- The row's axis: its own, or its activity's or agreement's (an agreement, an
			-- activity, a progress update, or a link row of an activity or an agreement).
			SELECT p.id, p.status INTO v_plan, v_status
			FROM axes x JOIN plans p ON p.id = x.plan_id
			WHERE x.id = coalesce((v_row ->> 'axis_id')::bigint,
			                      (SELECT axis_id FROM activities
			                       WHERE id = (v_row ->> 'activity_id')::bigint),
			                      (SELECT axis_id FROM agreements
			                       WHERE id = (v_row ->> 'agreement_id')::bigint));
		END IF;
		IF v_plan IS NULL OR v_status IS NULL THEN
			PERFORM pg_notify('rendicion_changes', 'all 0 public');
		ELSE
			PERFORM pg_notify('rendicion_changes', format('plan %s %s', v_plan,
				CASE WHEN v_status <> 'draft'
				          AND (p_entity <> 'observation'
				               OR v_row ->> 'status' IN ('accepted', 'rejected')
				               OR (v_row ->> 'answer_due')::timestamptz < today()::timestamptz)
				     THEN 'public' ELSE 'staff' END));
		END IF;
		v_plan := NULL;
		v_status := NULL;
	END LOOP;
END;
$$;

CREATE FUNCTION audit_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v_entity text := TG_ARGV[0];
	v_id_col text := coalesce(TG_ARGV[1], 'id');
	v_before jsonb;
	v_after  jsonb;
	v_action text;
	v_owner_exists boolean;
BEGIN
	IF TG_OP = 'UPDATE' AND to_jsonb(OLD) - 'updated_at' = to_jsonb(NEW) - 'updated_at' THEN
		RETURN NULL;
	END IF;
	IF TG_OP <> 'INSERT' THEN v_before := audit_image(to_jsonb(OLD)); END IF;
	IF TG_OP <> 'DELETE' THEN v_after := audit_image(to_jsonb(NEW)); END IF;
	v_action := CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END;
	-- A link row (activity ↔ unit, agreement ↔ observation, activity ↔ observation) is a change of its owner
	-- (TG_ARGV[2], the owner's table), unless the owner itself is being deleted: then
	-- the owner's own 'delete' row says it all.
	IF v_id_col <> 'id' THEN
		v_action := 'update';
		IF TG_OP = 'DELETE' THEN
			EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE id = $1)', TG_ARGV[2])
			INTO v_owner_exists USING (v_before ->> v_id_col)::bigint;
			IF NOT v_owner_exists THEN RETURN NULL; END IF;
		END IF;
	END IF;
	INSERT INTO audit_log (actor_sub, actor_role, action, entity, entity_id, before, after)
	VALUES (coalesce(nullif(current_setting('rendicion.actor_sub', true), ''), 'system'),
	        coalesce(nullif(current_setting('rendicion.actor_role', true), ''), 'system'),
	        v_action, v_entity,
	        (coalesce(v_after, v_before) ->> v_id_col)::bigint, v_before, v_after);
	-- Delivered at commit: the response caches of every instance drop what this change
	-- can alter.
	PERFORM audit_notify(v_entity, (coalesce(v_after, v_before) ->> v_id_col)::bigint,
	                     to_jsonb(OLD), to_jsonb(NEW));
	RETURN NULL;
END;
$$;

-- BEFORE UPDATE: a changed row carries the time of the change.
CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.updated_at := now();
	RETURN NEW;
END;
$$;

-- The triggers: an audit row per change of each audited table (a link table's change is
-- one of its owner), and updated_at on the tables that carry one.
DO $$
DECLARE
	t record;
BEGIN
	FOR t IN SELECT * FROM (VALUES
		('plans', 'plan', 'id', ''), ('axes', 'axis', 'id', ''),
		('observations', 'observation', 'id', ''), ('agreements', 'agreement', 'id', ''),
		('units', 'unit', 'id', ''), ('activities', 'activity', 'id', ''),
		('progress_updates', 'progress_update', 'id', ''), ('users', 'user', 'id', ''),
		('activity_units', 'activity', 'activity_id', 'activities'),
		('agreement_observations', 'agreement', 'agreement_id', 'agreements'),
		('activity_observations', 'activity', 'activity_id', 'activities'))
		AS v(tbl, entity, id_col, owner)
	LOOP
		EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
		                FOR EACH ROW EXECUTE FUNCTION audit_row(%L, %L, %L)',
		               t.tbl || '_audit', t.tbl, t.entity, t.id_col, t.owner);
	END LOOP;
	FOR t IN SELECT * FROM (VALUES ('plans'), ('axes'), ('observations'), ('agreements'),
	                               ('units'), ('activities'), ('users')) AS v(tbl)
	LOOP
		EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I
		                FOR EACH ROW EXECUTE FUNCTION touch_updated_at()',
		               t.tbl || '_touch', t.tbl);
	END LOOP;
END;
$$;
