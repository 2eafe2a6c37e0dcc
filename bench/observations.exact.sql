-- POST /api/v1/axes/{axis}/observations by a citizen, no Idempotency-Key: the statement
-- db_obs_create of service/db/observations.c. Each transaction is one of 20,000 citizens of
-- this run (so none reaches the hourly limit), the body as the client sent it.
\set n random(1, 20000)
\set axis random(:axis_lo, :axis_hi)
@db_obs_create('bench-pg-' || :run::text || '-' || :n::text, 'ciudadanos', :citizen_staff, :axis, '{"kind":"observation","body":"Observación de carga desde pgbench, envío ' || :n::text || '"}', NULL, :per_hour)
