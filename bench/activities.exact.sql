-- GET /api/v1/plans/{plan}/activities?axis_id={axis}&limit=50, by a director (staff: the public and citizens are answered from the response cache):
-- the statement db_activity_list of service/db/activities.c, bound as its route row binds it
-- (staff true, the other filters NULL: unit, month, status, overdue, agreement; first
-- page). run.sh puts the statement's text, as the binary prepares it, in place of the @ line.
\set axis random(:axis_lo, :axis_hi)
@db_activity_list(:staff, :plan, :axis, NULL, NULL, NULL, NULL, NULL, :after, :limit)
