-- GET /api/v1/search?q=vacunacion&plan_id={plan}&limit=50 by a citizen: the statement
-- db_search of service/db/search.c, bound as its route row binds it (first page).
@db_search('bench-reader-1', 'ciudadanos', :staff, 'vacunacion', :plan, :after, :limit)
