-- pgoptions: -c jit=off
-- The same rows from proposed.plan_compliance_counts (bench/proposed.sql): the earlier
-- formulation, every activity once per group into one hash aggregate.
SELECT kind, id, number, name, activities, done, in_progress, pending, cancelled, overdue, progress_sum FROM proposed.plan_compliance_counts(:plan::bigint, :staff::boolean, :as_of::date)
