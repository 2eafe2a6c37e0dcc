-- pgoptions: -c jit=off
-- The same page from proposed.api_activity_list (bench/proposed.sql): a query per kind of
-- filter, so a page by axis reads 51 rows through (axis_id, id) instead of the whole plan.
\set axis random(:axis_lo, :axis_hi)
SELECT items::text, next_after::text FROM proposed.api_activity_list(:staff::boolean, :plan::bigint, :axis::bigint, NULL::bigint, NULL::int, NULL::text, NULL::boolean, :after::bigint, :limit::int)
