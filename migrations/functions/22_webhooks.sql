-- Webhook subscriptions (administradora) and the deliveries list. Events reach them
-- through the outbox (21_outbox.sql); the service checks the URL and makes the secret.

CREATE FUNCTION webhook_json(w webhooks) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', w.id, 'url', w.url, 'events', to_json(w.events),
	                         'created_at', rfc3339(w.created_at));
$$;

-- POST /webhooks {url, events}: the subscription, with its secret (shown this once).
CREATE FUNCTION api_webhook_create(p_sub text, p_role text, p_body jsonb, p_secret text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v webhooks;
BEGIN
	PERFORM api_as(p_sub, p_role);
	INSERT INTO webhooks (url, events, secret, created_by)
	VALUES (p_body->>'url',
	        ARRAY(SELECT DISTINCT e FROM jsonb_array_elements_text(p_body->'events') e ORDER BY e),
	        p_secret, p_sub)
	RETURNING * INTO v;
	RETURN (webhook_json(v)::jsonb || jsonb_build_object('secret', v.secret))::json;
END;
$$;

-- GET /webhooks: keyset page, oldest first; never the secrets.
CREATE FUNCTION api_webhook_list(p_after bigint, p_limit int, OUT items json,
                                 OUT next_after bigint)
LANGUAGE sql STABLE AS $$
	WITH page AS (
		SELECT w, row_number() OVER (ORDER BY w.id) AS n
		FROM webhooks w WHERE w.id > p_after ORDER BY w.id LIMIT p_limit + 1)
	SELECT coalesce(json_agg(webhook_json(w) ORDER BY n) FILTER (WHERE n <= p_limit), '[]'),
	       max((w).id) FILTER (WHERE n = p_limit AND (SELECT count(*) FROM page) > p_limit)
	FROM page;
$$;

-- GET /webhooks/{id}: one subscription (no secret).
CREATE FUNCTION api_webhook_get(p_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT webhook_json(w) FROM webhooks w WHERE w.id = p_id;
$$;

-- DELETE /webhooks/{id}: the subscription and its pending deliveries go.
CREATE FUNCTION api_webhook_delete(p_sub text, p_role text, p_id bigint) RETURNS json
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM api_as(p_sub, p_role);
	DELETE FROM webhooks WHERE id = p_id;
	IF NOT FOUND THEN
		PERFORM api_raise(404, 'webhook_not_found');
	END IF;
	RETURN '{}'::json;
END;
$$;

CREATE FUNCTION webhook_delivery_json(o outbox) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', o.id, 'message_id', 'msg_' || replace(o.message_id::text, '-', ''),
		'event', o.event, 'status', o.status, 'attempts', o.attempts,
		'next_attempt_at', CASE WHEN o.status = 'pending' THEN rfc3339(o.next_attempt_at) END,
		'last_error', o.last_error, 'created_at', rfc3339(o.created_at),
		'sent_at', rfc3339(o.sent_at), 'payload', o.payload,
		'tries', (SELECT coalesce(json_agg(json_build_object('attempt', a.attempt,
		                'attempted_at', rfc3339(a.attempted_at), 'http_status', a.http_status,
		                'error', a.error, 'duration_ms', a.duration_ms) ORDER BY a.id), '[]')
		          FROM webhook_attempts a WHERE a.outbox_id = o.id));
$$;

-- GET /webhooks/{id}/deliveries: each event sent (or to send) to the subscription, oldest
-- first, with every attempt; 404 webhook_not_found for an unknown subscription.
CREATE FUNCTION api_webhook_deliveries(p_id bigint, p_after bigint, p_limit int,
                                       OUT items json, OUT next_after bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM webhooks WHERE id = p_id) THEN
		PERFORM api_raise(404, 'webhook_not_found');
	END IF;
	WITH page AS (
		SELECT o, row_number() OVER (ORDER BY o.id) AS n
		FROM outbox o WHERE o.webhook_id = p_id AND o.id > p_after
		ORDER BY o.id LIMIT p_limit + 1)
	SELECT coalesce(json_agg(webhook_delivery_json(o) ORDER BY n) FILTER (WHERE n <= p_limit),
	                '[]'),
	       max((o).id) FILTER (WHERE n = p_limit AND (SELECT count(*) FROM page) > p_limit)
	INTO items, next_after
	FROM page;
END;
$$;
