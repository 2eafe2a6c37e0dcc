-- pgoptions: -c jit=off
-- The same submission through proposed.api_observation_create (bench/proposed.sql): no
-- row lock on the plan (a shared advisory lock instead), no request hash without a key.
\set n random(1, 20000)
\set axis random(:axis_lo, :axis_hi)
SELECT b::text, md5(b::text) FROM proposed.api_observation_create('bench-pga-' || :run::text || '-' || :n::text, 'ciudadanos', :staff::boolean, :axis::bigint, ('{"kind":"observation","body":"Observación de carga desde pgbench, envío ' || :n::text || '"}')::jsonb, NULL::text, :per_hour::int) b
