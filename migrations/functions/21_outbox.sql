-- The transactional outbox (migrations/013_outbox.sql): what enqueues mail and webhook
-- events in the transaction of the change that causes them, and what `serve`'s
-- dispatcher (service/notify/outbox.c) calls to claim a message and record how its
-- attempt went. Mail to an account is enqueued by outbox_mail (18_users.sql).

-- An event to every webhook subscribed to it: the body is {type, timestamp, data}.
CREATE FUNCTION outbox_webhooks(p_event text, p_data jsonb) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO outbox (channel, event, webhook_id, payload)
	SELECT 'webhook', p_event, w.id,
	       jsonb_build_object('type', p_event, 'timestamp', rfc3339(now()), 'data', p_data)
	FROM webhooks w WHERE p_event = ANY (w.events)
	ORDER BY w.id;
$$;

-- Wakes the dispatchers of every instance once per transaction that enqueued something.
CREATE FUNCTION outbox_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('rendicion_outbox', '');
	RETURN NULL;
END;
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
	FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- The plan an axis belongs to, with its title (for event data).
CREATE FUNCTION outbox_plan_of_axis(p_axis bigint) RETURNS plans
LANGUAGE sql STABLE AS $$
	SELECT p.* FROM axes a JOIN plans p ON p.id = a.plan_id WHERE a.id = p_axis;
$$;

-- observation.answered: accepted or rejected, or its answer corrected. The author of an
-- observation sent online gets a mail quoting the answer; webhooks get the event.
CREATE FUNCTION outbox_observation_answered() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v_plan plans := outbox_plan_of_axis(NEW.axis_id);
	v_data jsonb;
	v_user bigint;
BEGIN
	v_data := jsonb_build_object('observation_id', NEW.id, 'axis_id', NEW.axis_id,
		'plan_id', v_plan.id, 'kind', NEW.kind, 'number', NEW.number,
		'status', NEW.status, 'response', NEW.response);
	PERFORM outbox_webhooks('observation.answered', v_data);
	IF NEW.source = 'online' AND NEW.author_sub ~ '^user:[0-9]{1,18}$' THEN
		v_user := substr(NEW.author_sub, 6)::bigint;
		IF EXISTS (SELECT 1 FROM users WHERE id = v_user AND NOT disabled) THEN
			PERFORM outbox_mail(v_user, 'observation.answered', v_data || jsonb_build_object(
				'body', NEW.body, 'plan_title', v_plan.title, 'plan_year', v_plan.year));
		END IF;
	END IF;
	RETURN NULL;
END;
$$;

CREATE TRIGGER observations_answered AFTER UPDATE ON observations
	FOR EACH ROW WHEN (NEW.status IN ('accepted', 'rejected') AND
	                   (OLD.status IS DISTINCT FROM NEW.status OR
	                    OLD.response IS DISTINCT FROM NEW.response))
	EXECUTE FUNCTION outbox_observation_answered();

-- progress.reported: the report as the public sees it (the reporting unit's role, not the
-- reporter's sub).
CREATE FUNCTION outbox_progress_reported() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM outbox_webhooks('progress.reported', jsonb_build_object(
		'progress_update_id', NEW.id, 'activity_id', NEW.activity_id,
		'plan_id', (SELECT a.plan_id FROM activities t JOIN axes a ON a.id = t.axis_id
		            WHERE t.id = NEW.activity_id),
		'progress', NEW.progress, 'status', NEW.status, 'note', NEW.note,
		'evidence_url', NEW.evidence_url, 'created_at', rfc3339(NEW.created_at)));
	RETURN NULL;
END;
$$;

CREATE TRIGGER progress_updates_reported AFTER INSERT ON progress_updates
	FOR EACH ROW EXECUTE FUNCTION outbox_progress_reported();

-- plan.approved and plan.closed: the plan's status moved there.
CREATE FUNCTION outbox_plan_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM outbox_webhooks('plan.' || NEW.status, jsonb_build_object(
		'plan_id', NEW.id, 'title', NEW.title, 'entity', NEW.entity, 'year', NEW.year,
		'status', NEW.status, 'version', NEW.version));
	RETURN NULL;
END;
$$;

CREATE TRIGGER plans_status_event AFTER UPDATE ON plans
	FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status AND
	                   NEW.status IN ('approved', 'closed'))
	EXECUTE FUNCTION outbox_plan_status();

-- plan.amended: a new version of an approved plan (version 1 is the approval).
CREATE FUNCTION outbox_plan_amended() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM outbox_webhooks('plan.amended', jsonb_build_object(
		'plan_id', NEW.plan_id, 'version', NEW.version, 'reason', NEW.reason,
		'created_at', rfc3339(NEW.created_at)));
	RETURN NULL;
END;
$$;

CREATE TRIGGER plan_versions_amended AFTER INSERT ON plan_versions
	FOR EACH ROW WHEN (NEW.version > 1)
	EXECUTE FUNCTION outbox_plan_amended();

-- The dispatcher, inside its own transaction: the next due message, locked (FOR UPDATE
-- SKIP LOCKED: another instance takes another one), with what sending it needs; NULL
-- when none is due. Rows of a channel this instance cannot send (p_mail false) wait.
CREATE FUNCTION outbox_claim(p_mail boolean) RETURNS json
LANGUAGE sql AS $$
	WITH next AS (
		SELECT o.* FROM outbox o
		WHERE o.status = 'pending' AND o.next_attempt_at <= now()
		  AND (p_mail OR o.channel = 'webhook')
		ORDER BY o.next_attempt_at, o.id
		LIMIT 1 FOR UPDATE SKIP LOCKED)
	SELECT json_build_object('id', n.id, 'message_id', n.message_id, 'channel', n.channel,
		'event', n.event, 'attempts', n.attempts, 'payload', n.payload,
		'created_at', extract(epoch FROM n.created_at)::bigint,
		'email', u.email, 'name', u.name, 'url', w.url, 'secret', w.secret)
	FROM next n LEFT JOIN users u ON u.id = n.user_id LEFT JOIN webhooks w ON w.id = n.webhook_id;
$$;

-- How an attempt went. Sent: done, and a link's token leaves the row. Failed: retried
-- after p_base × 2^(attempts − 1) seconds, at most p_cap, until p_max attempts; then
-- dead. A webhook's attempt is kept for its deliveries list. Returns the new status.
CREATE FUNCTION outbox_done(p_id bigint, p_ok boolean, p_error text, p_http int, p_ms int,
                            p_max int, p_base int, p_cap int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v outbox;
BEGIN
	UPDATE outbox SET
		attempts = attempts + 1,
		status = CASE WHEN p_ok THEN 'sent' WHEN attempts + 1 >= p_max THEN 'dead'
		              ELSE 'pending' END,
		sent_at = CASE WHEN p_ok THEN now() END,
		last_error = CASE WHEN p_ok THEN NULL ELSE left(p_error, 500) END,
		next_attempt_at = CASE WHEN p_ok THEN next_attempt_at
			ELSE now() + make_interval(secs => least(p_cap::float8,
			                                         p_base * power(2::float8, attempts)))
			END
	WHERE id = p_id
	RETURNING * INTO v;
	IF v.status <> 'pending' THEN
		UPDATE outbox SET payload = payload - 'token' WHERE id = p_id AND payload ? 'token';
	END IF;
	IF v.channel = 'webhook' THEN
		INSERT INTO webhook_attempts (outbox_id, attempt, http_status, error, duration_ms)
		VALUES (p_id, v.attempts, p_http, CASE WHEN p_ok THEN NULL ELSE left(p_error, 500) END,
		        greatest(p_ms, 0));
	END IF;
	-- Delivered and dead messages are kept 90 days for the deliveries list.
	IF random() < 0.01 THEN
		DELETE FROM outbox WHERE status <> 'pending' AND created_at < now() - interval '90 days';
	END IF;
	RETURN v.status;
END;
$$;

-- Pending messages by channel, for /metrics ({"mail": n, "webhook": n}).
CREATE FUNCTION outbox_pending() RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'mail', count(*) FILTER (WHERE channel = 'mail'),
		'webhook', count(*) FILTER (WHERE channel = 'webhook'))
	FROM outbox WHERE status = 'pending';
$$;
