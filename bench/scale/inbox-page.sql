-- GET /api/v1/plans/{plan}/observations?limit=50 by a director: the first page of the
-- plan's inbox in its default order (created_at), no filter: db_plan_obs_list.
@db_plan_obs_list('bench-reader-1', 'directores', :staff, :plan, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, :after, :limit)
