-- pgoptions: -c jit=off
-- The same page from proposed.api_activity_list (bench/proposed.sql): the earlier single
-- query with optional filters, which reads the whole plan for a page.
\set axis random(:axis_lo, :axis_hi)
SELECT items::text, next_after::text FROM proposed.api_activity_list(:staff::boolean, :plan::bigint, :axis::bigint, NULL::bigint, NULL::int, NULL::text, NULL::boolean, :after::bigint, :limit::int)
