-- pgoptions: -c jit=off
-- The same statement without JIT compilation. With 100,000 observations in the large plan
-- the generic estimate of an axis's observations is 14,000 rows, so the plan of
-- plan_document costs over jit_above_cost (100,000) and every call of the seed plan's
-- document (4 axes, 20 observations) spends ~70 ms compiling expressions.
@db_plan_document(:seed_plan, :staff)
