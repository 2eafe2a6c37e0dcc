-- GET /api/v1/plans/{plan}/activities?axis_id={first axis}&limit=50&after={cursor} by a
-- director: a page from the middle of the first axis (the cursor is the id of the
-- activity halfway through it, :deep_after), db_activity_list as activities.exact.sql binds it.
@db_activity_list(:staff, :plan, :axis_lo, NULL, NULL, NULL, NULL, NULL, :deep_after, :limit)
