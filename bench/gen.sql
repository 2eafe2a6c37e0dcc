-- The large plan of the benchmark: 4 axes, 40 units, 10,000 activities (1-3 units each),
-- 40 agreements and 100,000 observations and contributions, approved so the public and
-- citizens see it. Set-based (generate_series), a few seconds. The rows bypass the audit
-- triggers (session_replication_role = replica): the log is not what is measured, and a
-- bulk load through them would take ten times longer; compliance's running counts are then
-- counted afresh. Idempotent: does nothing when the plan is there. Prints the new plan's
-- id.
--
-- psql -v scale=N multiplies the activities (about 10,000 × N), the observations
-- (100,000 × N) and their authors (5,000 × N). An axis holds at most 10,000 activities
-- (the table's CHECK): 2,500 × N per axis up to that, then more axes (N = 10: 10 axes of
-- 10,000). The units stay 40, the agreements 10 per axis. The plan is then
-- 'Plan de carga (bench ×N)' (make bench-scale, bench/scale.sh).
\set ON_ERROR_STOP 1
\if :{?scale}
\else
\set scale 1
\endif
SELECT CASE WHEN :scale = 1 THEN 'Plan de carga (bench)'
            ELSE 'Plan de carga (bench ×' || :scale || ')' END AS bench_title,
       least(2500 * :scale, 10000) AS per_axis,
       (10000 * :scale + least(2500 * :scale, 10000) - 1)
         / least(2500 * :scale, 10000) AS naxes \gset
BEGIN;
SET LOCAL session_replication_role = replica;
SELECT pg_advisory_xact_lock(7243099);

CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
WITH ins AS (
	INSERT INTO plans (title, process, entity, year, status, elaborated_name,
	                   elaborated_position, approved_name, approved_position, approved_at)
	SELECT :'bench_title', 'Rendición de Cuentas (bench)', 'Entidad de prueba',
	       extract(year FROM current_date)::int, 'approved', 'Bench', 'Generador',
	       'Bench', 'Aprobador', now()
	WHERE NOT EXISTS (SELECT 1 FROM plans WHERE title = :'bench_title')
	RETURNING id)
SELECT id FROM ins;

INSERT INTO axes (plan_id, number, name, description)
SELECT p.id, n, 'Eje de carga ' || n, repeat('Descripción del eje de carga. ', 6)
FROM bench_plan p, generate_series(1, :naxes) n;

INSERT INTO units (name)
SELECT 'Unidad de carga ' || lpad(n::text, 2, '0') FROM generate_series(1, 40) n
WHERE EXISTS (SELECT 1 FROM bench_plan)
ON CONFLICT DO NOTHING;

INSERT INTO agreements (axis_id, number, text)
SELECT a.id, n, 'Acuerdo de carga ' || a.number || '.' || n || ': ' ||
       repeat('compromiso de la entidad ', 4)
FROM axes a JOIN bench_plan p ON p.id = a.plan_id, generate_series(1, 10) n;

-- 2,500 activities per axis (at scale 1); status cycles so every kind of count is
-- non-zero, done ones at 100 (the table's CHECK), about one in five linked to an agreement
-- of its axis.
INSERT INTO activities (axis_id, number, description, due_month, agreement_id, status, progress)
SELECT a.id, n,
       'Actividad de carga ' || a.number || '.' || n || ': ' ||
       left(repeat('ejecutar, socializar y evaluar la acción prevista; ', 4), 40 + (n * 37) % 120),
       1 + (n * 7) % 12,
       CASE WHEN n % 5 = 0 THEN (SELECT g.id FROM agreements g
                                 WHERE g.axis_id = a.id AND g.number = 1 + n % 10) END,
       s.status,
       CASE s.status WHEN 'done' THEN 100 WHEN 'pending' THEN 0
                     WHEN 'in_progress' THEN 1 + (n * 13) % 99 ELSE (n * 11) % 100 END
FROM axes a JOIN bench_plan p ON p.id = a.plan_id,
     generate_series(1, :per_axis) n,
     LATERAL (SELECT (ARRAY['pending', 'in_progress', 'done', 'pending', 'in_progress',
                            'cancelled', 'done'])[1 + (n + a.number) % 7] AS status) s;

-- 1-3 distinct units per activity (k-th unit = a hash of the activity shifted by k*13,
-- so units differ within an activity), in the order the plan lists them.
INSERT INTO activity_units (activity_id, unit_id, position)
SELECT t.id, u.id, k
FROM activities t
JOIN axes a ON a.id = t.axis_id JOIN bench_plan p ON p.id = a.plan_id
CROSS JOIN LATERAL generate_series(1, 1 + (t.id * 2654435761 % 3)::int) k
JOIN units u ON u.name = 'Unidad de carga ' ||
                          lpad((1 + ((t.id * 31 + k * 13) % 40))::text, 2, '0');

-- 100,000 observations and contributions by 5,000 citizens (both × scale) over the last
-- 60 days (none in the last hour, so they leave the hourly limit alone); reviewed ones
-- have a response.
-- Numbered within their axis and kind (the trigger that numbers them is bypassed here);
-- online ones due 15 days after submission, answered ones answered 0-19 days after it (so
-- some late). Each names one of 40 topics, so that a search word (make bench: inbox and
-- search, q=vacunacion) matches one in 40 of them, as a real topic would.
INSERT INTO observations (plan_id, axis_id, kind, number, body, source, status, response,
                          author_sub, author_role, created_at, updated_at, answer_due,
                          answered_at)
SELECT x.plan_id, x.axis_id, k.kind, row_number() OVER (PARTITION BY x.axis_id, k.kind ORDER BY n),
       'Observación de carga ' || n || ' sobre ' ||
       (ARRAY['alumbrado', 'vacunación', 'alarmas', 'basura', 'agua potable', 'aceras',
              'parques', 'seguridad', 'salud', 'transporte', 'alcantarillado', 'baches',
              'ferias', 'deportes', 'cultura', 'mercados', 'escuelas', 'riego', 'quebradas',
              'incendios', 'animales', 'semáforos', 'ciclovías', 'buses', 'ruido',
              'árboles', 'veredas', 'canchas', 'bibliotecas', 'centros de salud',
              'adultos mayores', 'juventud', 'mujeres', 'emprendimientos', 'turismo',
              'patrimonio', 'catastro', 'permisos', 'impuestos', 'reciclaje'])[1 + n % 40] ||
       ': ' || left(repeat('la comunidad solicita atención y seguimiento del tema; ', 6),
                    30 + (n * 53) % 250),
       CASE WHEN n % 4 = 0 THEN 'deliberation' ELSE 'online' END,
       st.status,
       CASE st.status WHEN 'rejected' THEN 'No procede por competencia.'
                      WHEN 'accepted' THEN CASE WHEN n % 2 = 0 THEN 'Se acoge.' END END,
       'bench-gen-' || (n % (5000 * :scale)), 'ciudadanos', c.at, c.at,
       CASE WHEN n % 4 <> 0 THEN c.at + interval '15 days' END,
       CASE WHEN st.status IN ('accepted', 'rejected') THEN c.at + (n % 20) * interval '1 day' END
FROM generate_series(1, 100000 * :scale) n
CROSS JOIN LATERAL (SELECT a.plan_id, a.id AS axis_id FROM axes a JOIN bench_plan p ON p.id = a.plan_id
                    WHERE a.number = 1 + n % :naxes) x
CROSS JOIN LATERAL (SELECT CASE WHEN n % 3 = 0 THEN 'contribution' ELSE 'observation' END
                           AS kind) k
CROSS JOIN LATERAL (SELECT now() - interval '2 hours' - (n % 86400) * interval '1 minute'
                           AS at) c
CROSS JOIN LATERAL (SELECT (ARRAY['received', 'in_review', 'accepted', 'rejected', 'accepted',
                                  'withdrawn', 'accepted'])[1 + n % 7] AS status) st;

-- The triggers were off: compliance's running counts (activity_tally) from the rows.
SELECT activity_tally_rebuild();

SELECT id FROM bench_plan;
COMMIT;
ANALYZE;
