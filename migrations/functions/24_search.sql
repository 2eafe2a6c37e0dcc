-- GET /search: Spanish full-text search across the observations, agreements and activities
-- of the plans the caller may see, best match first, with a snippet around the matches.

-- What a search matches: each item's kind as a number (its place among equal ranks) and
-- its id make one key, kind × 2^53 + id, which the page's cursor carries.
CREATE FUNCTION search_key(p_kind int, p_id bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
	SELECT p_kind::bigint * 9007199254740992 + p_id;
$$;

-- The best p_limit items of each of two sources (activities and agreements, one ranked
-- stream; observations) that the caller may see, match p_q and come after the cursor
-- (p_rank, p_kind, p_id; p_rank NULL: from the start), with their rank: ts_rank on the stored search_tsv columns of
-- 014_search.sql, read through their GIN indexes. Each source stops at p_limit, so a page
-- merges at most 2 × p_limit rows by rank instead of sorting every match; texts are read
-- for the page only (api_search). Visibility as everywhere: plans neither draft nor
-- withdrawn for the public and citizens (plan_status_public); of observations, only the
-- answered ones (accepted, rejected) and a citizen's own (observation_visible,
-- 17_observations.sql). Authors are never searched. Each source ranks in a subquery of its
-- own (OFFSET 0 keeps it one), so that ts_rank runs once per match, not again in the
-- cursor's condition.
CREATE FUNCTION search_hits(p_sub text, p_role text, p_staff boolean, p_q tsquery,
                            p_plan bigint, p_rank real, p_kind int, p_id bigint, p_limit int)
RETURNS TABLE (kind int, id bigint, plan_id bigint, axis_id bigint, rank real)
LANGUAGE sql STABLE AS $$
	WITH vp AS (
		SELECT p.id FROM plans p
		WHERE (p_plan IS NULL OR p.id = p_plan) AND (p_staff OR plan_status_public(p.status)))
	(SELECT h.kind, h.id, h.plan_id, h.axis_id, h.rank
	 FROM (SELECT 1 AS kind, t.id, a.plan_id, t.axis_id, ts_rank(t.search_tsv, p_q) AS rank
	       FROM activities t JOIN axes a ON a.id = t.axis_id JOIN vp ON vp.id = a.plan_id
	       WHERE t.search_tsv @@ p_q
	       UNION ALL
	       SELECT 2, g.id, a.plan_id, g.axis_id, ts_rank(g.search_tsv, p_q)
	       FROM agreements g JOIN axes a ON a.id = g.axis_id JOIN vp ON vp.id = a.plan_id
	       WHERE g.search_tsv @@ p_q
	       OFFSET 0) h
	 WHERE p_rank IS NULL OR h.rank < p_rank
	    OR (h.rank = p_rank AND (h.kind, h.id) > (p_kind, p_id))
	 ORDER BY h.rank DESC, h.kind, h.id LIMIT p_limit)
	UNION ALL
	-- The matching observations from the GIN index alone, then their plans: ANDed with the
	-- axis index instead (the planner's choice), a plan of 100,000 cost 3× more (make bench).
	(SELECT 3, h.id, h.plan_id, h.axis_id, h.rank
	 FROM (SELECT o.id, o.plan_id, o.axis_id, ts_rank(o.search_tsv, p_q) AS rank
	       FROM observations o
	       WHERE o.search_tsv @@ p_q AND observation_visible(o, p_sub, p_role, p_staff)
	       OFFSET 0) h
	 JOIN vp ON vp.id = h.plan_id
	 WHERE p_rank IS NULL OR h.rank < p_rank OR (h.rank = p_rank AND (3, h.id) > (p_kind, p_id))
	 ORDER BY h.rank DESC, h.id LIMIT p_limit);
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
		SELECT h.*, row_number() OVER (ORDER BY h.rank DESC, h.kind, h.id) AS n
		FROM (SELECT * FROM search_hits(p_sub, p_role, p_staff, v_q, p_plan, v_rank, v_kind,
		                                v_id, p_limit + 1) h
		      ORDER BY h.rank DESC, h.kind, h.id
		      LIMIT p_limit + 1) h),
	shown AS (
		SELECT page.n, page.kind, page.id, page.plan_id, page.axis_id,
		       coalesce(t.description, g.text, o.body) AS text,
		       coalesce(t.description, g.text, o.body || coalesce(' — ' || o.response, '')) AS doc
		FROM page
		LEFT JOIN activities t ON page.kind = 1 AND t.id = page.id
		LEFT JOIN agreements g ON page.kind = 2 AND g.id = page.id
		LEFT JOIN observations o ON page.kind = 3 AND o.id = page.id
		WHERE page.n <= p_limit)
	SELECT coalesce((SELECT json_agg(json_build_object(
		       'type', (ARRAY['activity', 'agreement', 'observation'])[kind],
		       'id', id, 'plan_id', plan_id, 'axis_id', axis_id, 'text', text,
		       'snippet', ts_headline('es_unaccent'::regconfig, doc, v_q,
		                              'StartSel=«, StopSel=», MaxWords=30, MinWords=12, '
		                              'MaxFragments=2, FragmentDelimiter=" … "'))
		       ORDER BY n) FROM shown), '[]'),
	       (SELECT search_key(kind, id) FROM page
	        WHERE n = p_limit AND EXISTS (SELECT 1 FROM page WHERE n > p_limit))
	INTO items, next_after;
END;
$$;
