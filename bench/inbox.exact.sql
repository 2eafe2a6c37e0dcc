-- GET /api/v1/plans/{plan}/observations?q=vacunacion&limit=50 by a citizen: the statement
-- db_plan_obs_list of service/db/observations.c, bound as its route row binds it (the
-- reader's sub and role, staff false, no other filter, the default sort, first page). One
-- observation in 40 of the large plan names the word (bench/gen.sql); the citizen sees the
-- answered ones.
@db_plan_obs_list('bench-reader-1', 'ciudadanos', :staff, :plan, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'vacunacion', :after, :limit)
