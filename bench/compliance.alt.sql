-- pgoptions: -c jit=off
-- The same rows from proposed.plan_compliance_counts (bench/proposed.sql): counts per
-- (axis or unit, status, month) first, then a few hundred rows added up per group.
SELECT kind, id, number, name, activities, done, in_progress, pending, cancelled, overdue, progress_sum FROM proposed.plan_compliance_counts(:plan::bigint, :staff::boolean, :as_of::date)
