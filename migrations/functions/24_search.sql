-- GET /search: Spanish full-text search across the observations, agreements and activities
-- of the plans the caller may see, best match first, with a snippet around the matches.

-- What a search matches: each item's kind as a number (its place among equal ranks) and
-- its id make one key, kind × 2^53 + id, which the page's cursor carries.
CREATE FUNCTION search_key(p_kind int, p_id bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
	SELECT p_kind::bigint * 9007199254740992 + p_id;
$$;

-- Every item the caller may see that matches p_q, with its rank (ts_rank on the stored
-- search_tsv columns of 014_search.sql, read through their GIN indexes). Visibility as
-- everywhere: plans neither draft nor withdrawn for the public and citizens
-- (plan_status_public); of observations, only the answered ones (accepted, rejected) and a
-- citizen's own (observation_is_own's rule, 17_observations.sql). Authors are never searched.
CREATE FUNCTION search_hits(p_sub text, p_role text, p_staff boolean, p_q tsquery,
                            p_plan bigint)
RETURNS TABLE (kind int, id bigint, plan_id bigint, axis_id bigint, text text, doc text,
               rank real)
LANGUAGE sql STABLE AS $$
	WITH vp AS (
		SELECT p.id FROM plans p
		WHERE (p_plan IS NULL OR p.id = p_plan) AND (p_staff OR plan_status_public(p.status))),
	-- The matching observations from the GIN index alone, then their plans: ANDed with the
	-- axis index instead (the planner's choice), a plan of 100,000 cost 3× more (make bench).
	om AS MATERIALIZED (
		SELECT o.id, o.axis_id, o.body, o.response, o.status, o.author_sub, o.search_tsv
		FROM observations o WHERE o.search_tsv @@ p_q)
	SELECT 1, t.id, a.plan_id, t.axis_id, t.description, t.description,
	       ts_rank(t.search_tsv, p_q)
	FROM activities t JOIN axes a ON a.id = t.axis_id JOIN vp ON vp.id = a.plan_id
	WHERE t.search_tsv @@ p_q
	UNION ALL
	SELECT 2, g.id, a.plan_id, g.axis_id, g.text, g.text, ts_rank(g.search_tsv, p_q)
	FROM agreements g JOIN axes a ON a.id = g.axis_id JOIN vp ON vp.id = a.plan_id
	WHERE g.search_tsv @@ p_q
	UNION ALL
	SELECT 3, o.id, a.plan_id, o.axis_id, o.body, o.body || coalesce(' — ' || o.response, ''),
	       ts_rank(o.search_tsv, p_q)
	FROM om o JOIN axes a ON a.id = o.axis_id JOIN vp ON vp.id = a.plan_id
	WHERE p_staff OR o.status IN ('accepted', 'rejected')
	      OR (p_role = 'ciudadanos' AND p_sub <> '' AND o.author_sub = p_sub);
$$;

-- GET /search?q=&plan_id=: a page of search_hits, best rank first, then activities,
-- agreements, observations, each by id; items [] when q has no words to search for (only
-- stop words, or punctuation). The cursor holds the key (search_key) of the page's last
-- item; its rank is computed again from that item, so the next page starts exactly after
-- it while new items arrive (an item whose text changed in between moves with its rank).
-- The snippet is ts_headline's, each match between « and » (plain text: no markup to
-- escape), computed for the page only.
CREATE FUNCTION api_search(p_sub text, p_role text, p_staff boolean, p_q text,
                           p_plan bigint, p_after bigint, p_limit int,
                           OUT items json, OUT next_after bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_q tsquery := websearch_to_tsquery('es_unaccent'::regconfig, p_q);
	v_kind int := (p_after / 9007199254740992)::int;
	v_id bigint := p_after % 9007199254740992;
	v_rank real;
BEGIN
	IF numnode(v_q) = 0 THEN
		items := '[]';
		RETURN;
	END IF;
	IF p_after > 0 THEN
		v_rank := CASE v_kind
			WHEN 1 THEN (SELECT ts_rank(search_tsv, v_q) FROM activities WHERE id = v_id)
			WHEN 2 THEN (SELECT ts_rank(search_tsv, v_q) FROM agreements WHERE id = v_id)
			ELSE (SELECT ts_rank(search_tsv, v_q) FROM observations WHERE id = v_id) END;
		v_rank := coalesce(v_rank, 0);
	END IF;
	WITH page AS (
		SELECT h.* FROM search_hits(p_sub, p_role, p_staff, v_q, p_plan) h
		WHERE p_after = 0 OR h.rank < v_rank
		   OR (h.rank = v_rank AND (h.kind, h.id) > (v_kind, v_id))
		ORDER BY h.rank DESC, h.kind, h.id
		LIMIT p_limit + 1),
	numbered AS (SELECT page.*, row_number() OVER (ORDER BY rank DESC, kind, id) AS n
	             FROM page)
	SELECT coalesce(json_agg(json_build_object(
		       'type', (ARRAY['activity', 'agreement', 'observation'])[kind],
		       'id', id, 'plan_id', plan_id, 'axis_id', axis_id, 'text', text,
		       'snippet', ts_headline('es_unaccent'::regconfig, doc, v_q,
		                              'StartSel=«, StopSel=», MaxWords=30, MinWords=12, '
		                              'MaxFragments=2, FragmentDelimiter=" … "'))
		       ORDER BY n) FILTER (WHERE n <= p_limit), '[]'),
	       max(search_key(kind, id)) FILTER (WHERE n = p_limit
	                                        AND (SELECT count(*) FROM page) > p_limit)
	INTO items, next_after
	FROM numbered;
END;
$$;
