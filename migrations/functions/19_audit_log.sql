-- Reading the audit log (GET /audit), which the triggers of 01_audit.sql write.

-- One page of audit rows (newest first, at most p_limit + 1 of them) as the API's items,
-- and the last id shown when another page follows.
CREATE FUNCTION audit_page(p_rows audit_log[], p_limit int, OUT items json,
                           OUT next_before bigint)
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(json_agg(json_build_object(
			'id', u.id, 'at', rfc3339(u.at), 'actor_sub', u.actor_sub,
			'actor_role', u.actor_role, 'action', u.action, 'entity', u.entity,
			'entity_id', u.entity_id, 'before', u.before, 'after', u.after)
		ORDER BY u.n) FILTER (WHERE u.n <= p_limit), '[]'),
	       max(u.id) FILTER (WHERE u.n = p_limit AND cardinality(p_rows) > p_limit)
	FROM unnest(p_rows) WITH ORDINALITY
	     AS u(id, at, actor_sub, actor_role, action, entity, entity_id, before, after, txid, n);
$$;

-- GET /audit: keyset page of the log, newest first (ids below p_before), optionally of
-- one kind of entity and one entity. One query per combination of filters, so that each
-- keeps a plan that walks its index backwards (a single query with "p IS NULL OR ..."
-- would get a generic plan that scans the whole log).
CREATE FUNCTION api_audit_list(p_entity text, p_entity_id bigint, p_before bigint,
                               p_limit int, OUT items json, OUT next_before bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_rows audit_log[];
BEGIN
	IF p_entity IS NOT NULL AND p_entity_id IS NOT NULL THEN
		v_rows := ARRAY(SELECT l FROM audit_log l
		                WHERE l.entity = p_entity AND l.entity_id = p_entity_id
		                  AND l.id < p_before
		                ORDER BY l.id DESC LIMIT p_limit + 1);
	ELSIF p_entity IS NOT NULL THEN
		v_rows := ARRAY(SELECT l FROM audit_log l
		                WHERE l.entity = p_entity AND l.id < p_before
		                ORDER BY l.id DESC LIMIT p_limit + 1);
	ELSIF p_entity_id IS NOT NULL THEN
		-- Every kind listed, so that audit_log_entity serves the lookup by id.
		v_rows := ARRAY(SELECT l FROM audit_log l
		                WHERE l.entity IN ('plan', 'axis', 'observation', 'agreement', 'unit',
		                                   'activity', 'progress_update', 'user')
		                  AND l.entity_id = p_entity_id AND l.id < p_before
		                ORDER BY l.id DESC LIMIT p_limit + 1);
	ELSE
		v_rows := ARRAY(SELECT l FROM audit_log l WHERE l.id < p_before
		                ORDER BY l.id DESC LIMIT p_limit + 1);
	END IF;
	SELECT pg.items, pg.next_before INTO items, next_before FROM audit_page(v_rows, p_limit) pg;
END;
$$;
